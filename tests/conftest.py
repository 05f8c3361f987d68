"""Test-wide setup. Environment variables set here reach the notebook kernels that nbval starts."""

import os
import subprocess
from pathlib import Path

import pytest

from tools.execute import KERNEL_ENVIRONMENT

os.environ.update(KERNEL_ENVIRONMENT)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="session")
def student_edition(tmp_path_factory):
    """`make student`, run once: the directory that holds the student notebooks."""
    subprocess.run(["make", "--no-print-directory", "student"], cwd=ROOT, check=True, capture_output=True)
    return ROOT / "build" / "student"


_tensorflow_configured = False


def pytest_collectstart(collector):
    """The exercise modules create TensorFlow objects when imported, and TensorFlow's threading can be set only
    before its first op: configure it (course_utils.setup) before tests/exercises is collected."""
    global _tensorflow_configured
    if not _tensorflow_configured and Path(collector.path).is_relative_to(ROOT / "tests" / "exercises"):
        import course_utils

        course_utils.setup(quiet=True)
        _tensorflow_configured = True
