"""`make lab` serves the workbook on localhost, refuses requests without its token, and leaves out nbgrader's
instructor tools."""

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import NOTEBOOKS, ROOT, free_port, running, status


@pytest.fixture
def lab_server(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    # `make lab` with the environment running the tests (its bin/ folder), and its install stamp taken as up to
    # date: a test never creates a venv or installs packages.
    process = subprocess.Popen(
        ["make", "--no-print-directory", f"BIN={Path(sys.executable).parent}",
         "--old-file=.venv/.requirements-installed", "lab", f"PORT={port}",
         "LAB_ARGS=--no-browser --ServerApp.port_retries=0 --LabApp.news_url=None"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    with running(process, port, token) as base:
        yield base, token, tmp_path


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
    # make test installs nbgrader, whose Lab extension adds a menu, a Validate button and a Create Assignment panel to
    # every notebook, and whose server serves the formgrader: make lab switches both off (.jupyter-config/).
    request = urllib.request.Request(f"{base}/lab", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page,
                                  re.DOTALL).group(1))
    assert "@jupyter/nbgrader" in config["disabledExtensions"]
    assert status(f"{base}/formgrader", token) == 404



@pytest.mark.slow
def test_make_lab_zh_serves_the_chinese_edition_in_a_chinese_interface(tmp_path):
    """`make lab-zh` with an edition already written (here without outputs, into ZH=tmp): it serves that folder, and
    JupyterLab's language setting is Chinese there only, with the Chinese language pack installed."""
    from tools.translate import write_edition

    zh = tmp_path / "zh"
    write_edition(NOTEBOOKS, zh, execute=False)  # newer than the notebooks and catalogues: make leaves them
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    process = subprocess.Popen(
        ["make", "--no-print-directory", f"BIN={Path(sys.executable).parent}", f"ZH={zh}",
         "--old-file=.venv/.requirements-installed", "lab-zh", f"PORT={port}",
         "LAB_ARGS=--no-browser --ServerApp.port_retries=0 --LabApp.news_url=None"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    with running(process, port, token) as base:
        request = urllib.request.Request(f"{base}/api/contents/00_start_here.ipynb",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            cells = json.loads(response.read())["content"]["cells"]
        assert 'language="zh"' in next(cell["source"] for cell in cells if cell["cell_type"] == "code")
        assert re.search("[\u4e00-\u9fff]", cells[0]["source"]), "the served notebook is the Chinese edition"
        (server_info,) = [json.loads(p.read_text()) for p in tmp_path.glob("jpserver-*.json")]
        assert server_info["root_dir"] == str(zh)
        request = urllib.request.Request(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(json.loads(response.read())["raw"])["locale"] == "zh_CN"
        request = urllib.request.Request(f"{base}/lab/api/translations/zh_CN", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["data"], "the zh_CN language pack must be installed"
