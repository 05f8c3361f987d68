"""Every shipped solution passes its check, then its strict grade on the same objects, as under nbgrader: the graded
cell that tools.assignments adds after each check cell runs ``exK.grade(<the check cell's arguments>)`` in the same
kernel, on what the check was just given. A check that changed its arguments (trained a model, stepped an optimizer)
would fail a right answer there, unseen by the check's own tests.

No kernel: each exercise module's tests build the notebook's namespace after the solution ran (their
``solution(label)``), and the arguments are the notebook's check cell's, as the graded cell has them.
"""

import importlib

import nbformat
import pytest
from tables import assert_passed

from conftest import NOTEBOOKS

pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -r requirements-instructor.txt)")

from tools.assignments import graded_exercises  # noqa: E402 (it needs nbgrader)

EXERCISES = [(path.stem, exercise) for path in NOTEBOOKS
             for exercise in graded_exercises(nbformat.read(path, as_version=4), path.name)]


def test_every_exercise_of_the_course_is_here():
    assert len(EXERCISES) == 19 and {stem for stem, _ in EXERCISES} == {path.stem for path in NOTEBOOKS}


@pytest.mark.parametrize("stem, exercise", EXERCISES, ids=[f"{stem[:2]}-{e.label}" for stem, e in EXERCISES])
def test_the_shipped_solution_passes_its_check_then_its_grade_on_the_same_objects(stem, exercise):
    module = stem.split("_", 1)[1]  # 01_gradients -> gradients
    namespace = importlib.import_module(f"test_{module}_exercises").solution(exercise.label)
    args, kwargs = eval(f"_arguments({exercise.arguments})", {**namespace, "_arguments": lambda *a, **k: (a, k)})
    graded = getattr(importlib.import_module(f"course_utils.exercises.{module}"), exercise.label)
    assert_passed(graded.check(*args, **kwargs))
    graded.grade(*args, **kwargs)  # raises AssertionError with the check's message unless the answer passes
