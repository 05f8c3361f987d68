"""Importing any module of course_utils imports neither TensorFlow nor Keras (each costs seconds, and TensorFlow's
threads can be configured only before its first use): the functions that need them import them."""

import pkgutil
import subprocess
import sys

import pytest

import course_utils

MODULES = ["course_utils", *(module.name for module in pkgutil.walk_packages(course_utils.__path__, "course_utils."))]


@pytest.mark.parametrize("module", MODULES)
def test_importing_the_module_does_not_import_tensorflow_or_keras(module):
    """One fresh interpreter per module: sys.modules starts empty."""
    code = (f"import sys; import {module}; "
            "print(sorted({name.split('.')[0] for name in sys.modules} & {'tensorflow', 'keras'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"importing {module} imported {result.stdout.strip()}"


def test_every_module_is_found():
    assert {"course_utils.callbacks", "course_utils.exercises.local_minima", "course_utils.widgets"} <= set(MODULES)
