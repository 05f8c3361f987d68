"""The committed notebooks follow the course's rules, and their student edition runs to the end.

nbval (configured in pyproject.toml) executes the instructor edition and compares its outputs.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils.course import COURSE_PLAN
from tools.lint import hygiene_problems
from tools.student import STUDENT_BANNER
from conftest import NOTEBOOKS


def test_every_notebook_is_in_the_plan_in_order():
    stems = [path.stem for path in NOTEBOOKS]
    planned = [entry.stem for entry in COURSE_PLAN]
    assert stems, "no notebooks found"
    assert stems == planned[: len(stems)], "notebooks must be the first ones of COURSE_PLAN, in order"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_hygiene(path):
    assert hygiene_problems(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_runs_to_the_end_and_every_check_says_not_solved(student_edition, path):
    student_path = student_edition / path.name
    notebook = nbformat.read(student_path, as_version=4)
    assert notebook.cells[1].source == STUDENT_BANNER
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert not any("BEGIN SOLUTION" in cell.source for cell in code)

    # Restart & Run All, as a student would: raises CellExecutionError on any uncaught exception.
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(student_edition)}}).execute()

    exercises = [i for i, cell in enumerate(code) if "# YOUR CODE HERE" in cell.source]
    assert exercises, "the student edition has no exercise"
    for i in exercises:
        check_output = "".join(
            output.get("text", "") + output.get("data", {}).get("text/plain", "") for output in code[i + 1].outputs
        )
        # The not-solved reply says that, and how to ask for help: no hint, formula or value before an attempt.
        assert re.fullmatch(r"📝 Not solved yet: `\w+` (is still `\.\.\.`|still returns `\.\.\.`)\. Write your "
                            r"answer in the exercise cell, run it, then run this cell\. Stuck\? `ex\d\.hint\(\)` "
                            r"gives a hint\.\s*", check_output), check_output
