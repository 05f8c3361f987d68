"""What learners do to a notebook: interrupt it, restart, run it again and again, with no network.

For each notebook, in one kernel: the first half of the cells run, then a long cell is interrupted mid-way
(SIGINT, as the Interrupt button sends) and the kernel is restarted; a guard then refuses any connection or name lookup
beyond this machine; all cells run from the top, twice. Both passes must give the stored text outputs (after
the same sanitizing rules as nbval): offline, after an interruption, and with no state leaking between runs.
"""

import os
import re
import signal
import threading

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import NOTEBOOKS, ROOT
from tools.execute import KERNEL_ENVIRONMENT

OFFLINE_GUARD = '''
import socket

_LOCAL = ("127.", "localhost", "::1", "0.0.0.0")
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo


def _is_local(host):
    return not isinstance(host, str) or host.startswith(_LOCAL)


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise OSError(f"offline test: connection to {address} refused")
    return _connect(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        raise OSError(f"offline test: name lookup of {host!r} refused")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.getaddrinfo = _guarded_connect, _guarded_getaddrinfo
'''


def sanitizers():
    lines = (ROOT / "tests" / "nbval_sanitize.cfg").read_text().splitlines()
    pairs = [(lines[i].removeprefix("regex: "), lines[i + 1].removeprefix("replace: ")) for i in range(0, len(lines), 2)]
    return [(re.compile(pattern), replacement) for pattern, replacement in pairs]


def text_of(cell, rules):
    """The cell's outputs as nbval compares them: streams joined by name, text/plain, text/markdown."""
    streams, data = {}, []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            streams[output["name"]] = streams.get(output["name"], "") + output["text"]
        elif output["output_type"] in ("execute_result", "display_data"):
            data.append(sorted((k, v) for k, v in output["data"].items() if k in ("text/plain", "text/markdown")))
        elif output["output_type"] == "error":
            data.append({"error": output["ename"]})
    text = repr((sorted(streams.items()), data))
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def interrupt_then_restart(client, index, after=0.5):
    """A long computation, Interrupt `after` seconds into it (SIGINT, as the button sends), then Restart."""
    kernel = client.km.provisioner.process.pid
    timer = threading.Timer(after, os.kill, (kernel, signal.SIGINT))
    timer.start()
    with pytest.raises(CellExecutionError, match="KeyboardInterrupt"):
        client.execute_cell(nbformat.v4.new_code_cell("import time\n\ntime.sleep(60)"), index)
    timer.cancel()
    run_sync(client.km.restart_kernel)(now=True)
    run_sync(client.kc.wait_for_ready)(timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_survives_an_interrupt_and_restart_runs_offline_and_twice_with_the_stored_outputs(path, monkeypatch):
    """Half the notebook, a cell interrupted mid-way, Restart; then Run All twice in that kernel, offline."""
    for key, value in KERNEL_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    stored = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    guard = nbformat.v4.new_code_cell(OFFLINE_GUARD)
    middle = len(code) // 2
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    rules = sanitizers()
    stored_texts = [text_of(cell, rules) for cell in stored.cells if cell.cell_type == "code"]
    with client.setup_kernel():
        for index, cell in enumerate(code[:middle]):
            client.execute_cell(cell, index + 1)
        interrupt_then_restart(client, middle + 1)
        client.execute_cell(guard, 0)
        assert not guard.outputs, guard.outputs
        for run in ("after the restart", "again in the same kernel"):  # no leftovers from a previous run
            for index, cell in enumerate(code):
                client.execute_cell(cell, index + 1)
            for number, (cell, expected) in enumerate(zip(code, stored_texts)):
                assert text_of(cell, rules) == expected, f"{path.name}, code cell {number}, run {run}"
