"""Every notebook runs offline, and running all its cells twice in one kernel gives the stored outputs again.

The first cell installs a guard that refuses any connection or name lookup beyond this machine. Then all
cells run twice; the second pass's text outputs must equal the stored ones (after the same sanitizing rules
as nbval), so that no state leaks from one run into the next.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NOTEBOOKS, ROOT
from course_utils.workbook import KERNEL_ENVIRONMENT

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_offline_and_twice_in_one_kernel_with_the_stored_outputs(path, monkeypatch):
    for key, value in KERNEL_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    stored = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    guard = nbformat.v4.new_code_cell(OFFLINE_GUARD)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        client.execute_cell(guard, 0)
        assert not guard.outputs, guard.outputs
        for run in range(2):  # the second pass must not see leftovers of the first
            for index, cell in enumerate(code):
                client.execute_cell(cell, index + 1)
    rules = sanitizers()
    stored_code = [cell for cell in stored.cells if cell.cell_type == "code"]
    for number, (fresh, original) in enumerate(zip(code, stored_code)):
        assert text_of(fresh, rules) == text_of(original, rules), f"{path.name}, code cell {number}"
