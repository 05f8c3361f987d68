"""Executing notebooks: a fresh kernel each, started in the notebook's folder with the course's environment."""

import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_utils.environment import TENSORFLOW_ENVIRONMENT

#: The kernel's environment for executing notebooks (``make execute`` and the tests alike).
KERNEL_ENVIRONMENT = {**TENSORFLOW_ENVIRONMENT, "PYTHONHASHSEED": "0"}


def run_notebook(notebook, directory, timeout=600):
    """Execute ``notebook`` in place in a fresh kernel started in ``directory``; return each code cell's seconds.

    The kernel gets ``KERNEL_ENVIRONMENT`` on top of this process's environment, which is left unchanged. The
    widgets' state is stored in the notebook's metadata, so that static renderings show the widgets.
    """
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(Path(directory).resolve())}})
    notebook.metadata.pop("widgets", None)  # an earlier run's state names models that no longer exist
    seconds = []
    with client.setup_kernel(env={**os.environ, **KERNEL_ENVIRONMENT}):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                start = time.perf_counter()
                client.execute_cell(cell, index)
                seconds.append(time.perf_counter() - start)
        client.set_widgets_metadata()
    return seconds


def execute_notebook(path, timeout=600):
    """Run the notebook at ``path`` top to bottom in a fresh kernel and store its outputs in place."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    run_notebook(notebook, path.parent, timeout)
    nbformat.write(notebook, path)
    return notebook
