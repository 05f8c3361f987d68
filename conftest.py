"""Test-wide setup, and how the notebooks are tested.

``pytest notebooks/NN_name.ipynb`` (and ``make test``) does not run the notebook as it is: for each notebook it
collects nbval's strict comparison of two generated copies, written to ``build/nbval/`` (see ``NOTEBOOK_RUNS``):

- ``twice/``: in one kernel, offline (a guard refuses connections beyond this machine), Run All, then the lesson's
  claims (``tests/lessons/NN_name.py``: the prose says what the experiments show), then Run All again. Both runs
  must give the stored outputs, so no state leaks from one run into the next.
- ``other-arithmetic/``: Run All of the Chinese edition's code (the same cells, ``setup(language="zh")``) with
  NumPy on another BLAS kernel (OpenBLAS's Prescott, one thread) and TensorFlow's oneDNN kernels on, as on other
  CPUs and installs. The stored outputs must hold there too: a line of output in Chinese compares equal to the stored
  English line when it says the same (the same symbols such as ✅ in order, code spans and numbers:
  ``tools.translate.as_reference``), every other line exactly, and a last cell requires every check's and hint's reply in
  Chinese, with no English sentence left outside code. The two kinds of arithmetic and the language share one kernel,
  so that ``make test`` runs each notebook four times in all (twice, once here, once as the student edition);
  ``make test-arithmetic`` also runs each arithmetic alone, in English, and a third (OpenBLAS's Sandybridge kernels,
  oneDNN up to AVX2).

nbval does the comparison (its markers, the sanitizers in ``tests/nbval_sanitize.cfg``); each copy names a kernel
spec (in ``build/nbval/kernels/``) that gives the kernel its environment. The student edition runs in the browser test
(``tests/test_browser.py``), or in ``tests/test_notebooks.py`` where there is no Chromium.
"""

import contextlib
import copy
import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tools.execute import KERNEL_ENVIRONMENT
from tools.translate import CHINESE

ROOT = Path(__file__).resolve().parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GENERATED = ROOT / "build" / "nbval"
LESSONS = ROOT / "tests" / "lessons"
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")

# Kernels that tests start themselves (nbclient) get the course's environment from here.
os.environ.update(KERNEL_ENVIRONMENT)


def pytest_configure(config):
    """Configure TensorFlow as the notebooks do (course_utils.setup: quiet, deterministic, its thread pools) before
    any test module is imported: its threads can be set only before its first op, and some test modules build
    Keras objects when they are collected. The pytest-xdist controller, which runs no test, skips it."""
    for option in ("nbval", "nbval_lax", "nbval_current_env", "nbval_kernel_name"):
        if getattr(config.option, option, None):
            raise pytest.UsageError(f"--{option.replace('_', '-')}: the notebooks are tested as nbval runs of "
                                    "generated copies, each with its own kernel (see conftest.py); drop the option")
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return
    import matplotlib

    matplotlib.use("Agg")  # figures drawn by the tests are never shown (the notebook kernels keep their backend)
    import course_utils

    course_utils.setup(quiet=True)

OFFLINE_GUARD = '''\
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

# An IPython startup file for the other-arithmetic kernel: TensorFlow imported with oneDNN on, before setup()
# (which would switch it off); the variable is then put back so that setup() sees nothing to warn about. A machine
# without a Chinese font runs the Chinese edition without that warning. IPython only logs an exception in a startup
# file, so the kernel exits instead: the run then fails.
ONEDNN_STARTUP = '''\
import os
import sys

os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
import tensorflow
from tensorflow.python.util import _pywrap_util_port

if not _pywrap_util_port.IsMklEnabled():
    print("the other-arithmetic kernel needs TensorFlow's oneDNN kernels on", file=sys.stderr)
    os._exit(3)
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import warnings

from course_utils.plotting import NoChineseFont

warnings.filterwarnings("ignore", category=NoChineseFont)  # the figures are not compared: boxes do no harm here
'''

CLAIMS_START = '''\
import re as __re


def __squash(text):
    return __re.sub(r"\\s+", " ", text).strip()


__prose = __squash({prose!r})
__lesson_claims = []


def claim(quote, holds, detail=""):
    """Record that the passage ``quote`` of the prose is what the experiment shows (``holds``)."""
    __lesson_claims.append({{"quote": str(quote), "holds": bool(holds), "detail": str(detail)}})
'''

CLAIMS_VERDICT = '''\
__problems = [f"no longer in the prose: {c['quote']!r}" for c in __lesson_claims if __squash(c["quote"]) not in __prose]
__problems += [f"no longer shown by the experiment: {c['quote']!r} ({c['detail']})"
               for c in __lesson_claims if not c["holds"]]
assert len(__lesson_claims) >= 3, f"only {len(__lesson_claims)} claims; hold every conclusion the prose draws"
assert not __problems, "\\n".join(__problems)
'''


def _silent_cell(source):
    """A generated cell that must run without any output."""
    cell = nbformat.v4.new_code_cell(source)
    cell.execution_count = 1
    return cell


def _test_cell(source):
    """A generated cell of test code: it must not raise; what it prints (NumPy's warnings, say) is not compared."""
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["nbval-ignore-output"]})
    cell.execution_count = 1
    return cell


def _twice(notebook, stem):
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    claims = []
    if (LESSONS / f"{stem}.py").exists():
        prose = " ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        claims = [_test_cell(CLAIMS_START.format(prose=prose)),
                  _test_cell((LESSONS / f"{stem}.py").read_text(encoding="utf-8")), _test_cell(CLAIMS_VERDICT)]
    again = [nbformat.from_dict({**cell, "id": f"{cell.id}-again"}) for cell in code]
    return [_silent_cell(OFFLINE_GUARD), *code, *claims, *again]


def _once(notebook, stem):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


CHINESE_VERDICT = '''\
import re

from course_utils.checks import Feedback, Help

__replies = [repr(value) for value in Out.values() if isinstance(value, (Feedback, Help))]
assert __replies, "no check or hint replied"
assert not [reply for reply in __replies if not re.search(CHINESE, reply)], "replies in English"
__english = [words for reply in __replies for words in re.findall(r"[A-Za-z]+(?: [A-Za-z]+){3,}",
                                                                   re.sub(r"`[^`]*`", "", reply))]
assert not __english, f"English left in the replies (outside code spans): {__english}"
'''.replace("CHINESE", repr(CHINESE.pattern), 1)  # tools.translate's, the one pattern of a Chinese character


def _in_chinese(notebook, stem):
    """Run All of the Chinese edition: the same code cells, ``setup(..., language="zh")`` in the first, and a last
    cell that requires the checks' and hints' replies in Chinese, with no English sentence left outside code."""
    from tools.translate import in_language

    first, *code = _once(notebook, stem)
    return [nbformat.from_dict({**first, "source": in_language(first.source, "zh")}), *code,
            _test_cell(CHINESE_VERDICT)]


def _compare_in_chinese(item, test, ref, skip_compare=None):
    """nbval's comparison of the Chinese run's outputs with the stored English ones, after each Chinese line that
    says what the same English line says is put back in English (``tools.translate.as_reference``)."""
    from nbval.plugin import IPyNbCell
    from tools.translate import as_reference

    test = copy.deepcopy(test)
    for mine, stored in zip(test, ref):
        if (mine.get("output_type"), mine.get("name")) != (stored.get("output_type"), stored.get("name")):
            continue
        if isinstance(mine.get("text"), str) and isinstance(stored.get("text"), str):
            mine["text"] = as_reference(item.sanitize(stored["text"]), item.sanitize(mine["text"]))
        for key, value in mine.get("data", {}).items():
            if isinstance(value, str) and isinstance(stored.get("data", {}).get(key), str):
                mine["data"][key] = as_reference(item.sanitize(stored["data"][key]), item.sanitize(value))
    return IPyNbCell.compare_outputs(item, test, ref, skip_compare)


PRESCOTT = {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "1"}  # NumPy's BLAS on SSE3 kernels, one thread
ONEDNN = {"IPYTHONDIR": str(GENERATED / "ipython-onednn")}  # TensorFlow's oneDNN kernels on (ONEDNN_STARTUP)

#: name -> (the kernel's environment beyond the course's, the cells of the copy)
NOTEBOOK_RUNS = {
    "twice": ({}, _twice),
    "other-arithmetic": ({**PRESCOTT, **ONEDNN}, _in_chinese),
}
#: `make test-arithmetic` (COURSE_EVERY_ARITHMETIC=1) also runs each kind of arithmetic alone, and a third one.
if os.environ.get("COURSE_EVERY_ARITHMETIC") == "1":
    NOTEBOOK_RUNS |= {
        "prescott-blas": (PRESCOTT, _once),
        "onednn": (ONEDNN, _once),
        "sandybridge-blas-onednn-avx2": ({"OPENBLAS_CORETYPE": "Sandybridge", "ONEDNN_MAX_CPU_ISA": "AVX2", **ONEDNN},
                                         _once),
    }


def _write(path, text):
    """Write atomically: pytest-xdist workers may write the same file at the same time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_notebook_runs():
    """The generated copies of every notebook, their kernel specs and the oneDNN startup file."""
    _write(GENERATED / "ipython-onednn" / "profile_default" / "startup" / "00_onednn.py", ONEDNN_STARTUP)
    for name, (environment, cells) in NOTEBOOK_RUNS.items():
        spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": f"course ({name})", "language": "python",
                "env": {**KERNEL_ENVIRONMENT, **environment}}
        _write(GENERATED / "kernels" / f"course-{name}" / "kernel.json", json.dumps(spec, indent=1))
        for path in NOTEBOOKS:
            notebook = nbformat.read(path, as_version=4)
            notebook.cells = cells(notebook, path.stem)
            notebook.metadata["kernelspec"] = {"name": f"course-{name}", "display_name": spec["display_name"],
                                               "language": "python"}
            _write(GENERATED / name / path.name, nbformat.writes(notebook))
    # Where jupyter_client looks for kernel specs (read when a kernel starts).
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(GENERATED), os.environ.get("JUPYTER_PATH")]))


class NotebookRuns(pytest.File):
    """A notebook of notebooks/, collected as nbval's runs of its generated copies (module docstring)."""

    written = False

    def collect(self):
        from nbval.plugin import IPyNbFile

        class ChineseRun(IPyNbFile):
            """nbval's comparison, where a line in Chinese compares equal to the stored English line that says the
            same (``_compare_in_chinese``)."""

            def collect(self):
                for item in super().collect():
                    item.compare_outputs = functools.partial(_compare_in_chinese, item)
                    yield item

        if not NotebookRuns.written:
            write_notebook_runs()
            NotebookRuns.written = True
        for name, (_, cells) in NOTEBOOK_RUNS.items():
            run = ChineseRun if cells is _in_chinese else IPyNbFile
            yield run.from_parent(self, path=GENERATED / name / self.path.name, name=name,
                                  nodeid=f"{self.nodeid}::{name}")


def pytest_collect_file(file_path, parent):
    if file_path in NOTEBOOKS:
        return NotebookRuns.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(GENERATED):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist (`make test` passes -n auto): the cells of one notebook copy run in order on one worker,
    in one kernel, and the browser test's notebooks share one JupyterLab; every other test is a unit of its own.
    Units with more tests go first, so the long notebook runs start early."""
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            if "::Cell " in nodeid:
                return nodeid.rsplit("::Cell ", 1)[0]
            if nodeid.startswith("tests/test_browser.py::"):
                return "tests/test_browser.py"
            if nodeid.startswith("tests/test_book.py::"):  # the built site's tests share one build
                return "tests/test_book.py"
            return nodeid

    return NotebookScheduling(config, log)


def browser_missing():
    """Why the real-browser test cannot run here (Debian's Chromium and playwright are needed), or None."""
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; then `make test-browser`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    return None


def skip_without_browser(module=False):
    """Skip the calling test (``module``: its whole module) where the real browser cannot run; under
    COURSE_REQUIRE_BROWSER=1 (make test-browser, .ci/run), where the browser tests must run, fail instead."""
    missing = browser_missing()
    if missing is None:
        return
    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"COURSE_REQUIRE_BROWSER=1 but the browser test cannot run: {missing}", pytrace=False)
    pytest.skip(f"browser test skipped: {missing}", allow_module_level=module)


@pytest.fixture(scope="session")
def student_edition(tmp_path_factory):
    """The student edition of every notebook, written once: the folder that holds it."""
    from tools.student import write_student_edition

    folder = tmp_path_factory.mktemp("student")
    write_student_edition(NOTEBOOKS, folder)
    return folder


# --- Shared by the tests ---------------------------------------------------------------------------------

#: The reply of a check cell in the student edition: "not solved yet", and how to ask for help. No hint, formula or
#: value before an attempt.
NOT_SOLVED = re.compile(r"📝 Not solved yet: `\w+` (is still `\.\.\.`|still returns `\.\.\.`)\. Write your answer in the "
                        r"exercise cell, run it, then run this cell\. Stuck\? `ex\d\.hint\(\)` gives a hint\.\s*")


def check_cells(student_notebook):
    """The code cells that check an exercise: each follows an exercise cell (``# YOUR CODE HERE``)."""
    code = [cell for cell in student_notebook.cells if cell.cell_type == "code"]
    return [code[i + 1] for i, cell in enumerate(code) if "# YOUR CODE HERE" in cell.source]


def free_port():
    """A free TCP port on localhost."""
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
        with contextlib.suppress(ProcessLookupError):  # already ended (it failed to start)
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- The course's messages in Chinese (course_utils.i18n): the one fixture and check of every test of them --------


@pytest.fixture
def chinese(monkeypatch):
    """The course speaks Chinese during one test; the language chosen before comes back after it. (Figures drawn
    without setup's style have no font with Chinese glyphs: Matplotlib's warnings about it are expected.)"""
    import warnings

    from course_utils import i18n

    monkeypatch.setattr(i18n, "_chosen", "zh")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        yield


def assert_chinese(text, *parts):
    """``text`` is shown in Chinese: it has Chinese characters, no brace (a placeholder left unfilled) and each of
    ``parts``."""
    assert CHINESE.search(text), f"not Chinese: {text!r}"
    assert "{" not in text and "}" not in text, f"a placeholder is left: {text!r}"
    for part in parts:
        assert part in text, f"{part!r} not in {text!r}"
