"""A learner interrupts a long cell and restarts the kernel: the notebook then runs to the end again.

(Run All offline, twice in one kernel, and under other CPUs' arithmetic is nbval's job: see conftest.py.)
"""

import os
import signal
import threading

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import NOTEBOOKS


@pytest.mark.slow
def test_after_an_interrupt_and_a_restart_the_notebook_runs_to_the_end():
    path = NOTEBOOKS[0]
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(code[: len(code) // 2]):
            client.execute_cell(cell, index)
        # A long computation, interrupted half a second into it (SIGINT, as the Interrupt button sends).
        kernel = client.km.provisioner.process.pid
        timer = threading.Timer(0.5, os.kill, (kernel, signal.SIGINT))
        timer.start()
        with pytest.raises(CellExecutionError, match="KeyboardInterrupt"):
            client.execute_cell(nbformat.v4.new_code_cell("import time\n\ntime.sleep(60)"), len(code))
        timer.cancel()
        run_sync(client.km.restart_kernel)(now=True)
        run_sync(client.kc.wait_for_ready)(timeout=120)
        for index, cell in enumerate(code):  # raises CellExecutionError if any cell fails
            client.execute_cell(cell, index)
    assert all(cell.execution_count for cell in code)
