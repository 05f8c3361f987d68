"""`make lab` serves the workbook on localhost and refuses requests without its token."""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url, token=None):
    """HTTP status of a GET (without following redirects), or None if nothing answers."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"} if token else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return None  # not listening (yet)


@pytest.fixture
def lab_server(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    # `make lab` with the environment running the tests, and its install stamp taken as up to date: a test never
    # creates a venv or installs packages.
    venv = Path(sys.executable).parent.parent
    process = subprocess.Popen(
        ["make", "--no-print-directory", f"VENV={venv}", f"--old-file={venv}/.requirements-installed", "lab",
         f"PORT={port}",
         "LAB_ARGS=--no-browser --ServerApp.port_retries=0 --LabApp.news_url=None"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    with running(process, port, token) as base:
        yield base, token, tmp_path


@contextlib.contextmanager
def running(process, port, token):
    """Wait until the JupyterLab `process` answers on `port`; yield its base URL; stop it (and its kernels) after."""
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while status(f"{base}/api/status", token) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.slow
def test_make_lab_serves_the_workbook_on_localhost_with_a_token(lab_server):
    base, token, runtime_dir = lab_server
    assert status(f"{base}/api/status", token) == 200
    assert status(f"{base}/api/status") == 403, "the API must refuse requests without the token"
    assert status(f"{base}/lab/tree/notebooks/00_start_here.ipynb") in (301, 302), "must redirect to log in"
    (server_info,) = [json.loads(p.read_text()) for p in runtime_dir.glob("jpserver-*.json")]
    assert status(f"{base}/api/contents/notebooks/00_start_here.ipynb", token) == 200
    assert server_info["hostname"] == "127.0.0.1" and server_info["token"] == token
    assert server_info["root_dir"] == str(ROOT), "the file browser shows the whole workbook"
