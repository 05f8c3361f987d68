"""The committed notebooks follow the course's rules, and their student edition runs to the end.

How the notebooks themselves are run and compared (nbval, twice, offline, other arithmetic): conftest.py.
"""

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import LESSONS, NOT_SOLVED, NOTEBOOKS, browser_missing, check_cells
from tools.lint import hygiene_problems
from tools.student import STUDENT_BANNER

def test_every_notebook_with_prose_to_hold_has_a_claims_file():
    """The claims run between the two runs of each notebook (conftest.py); 00 draws no conclusion."""
    missing = [path.name for path in NOTEBOOKS[1:] if not (LESSONS / f"{path.stem}.py").exists()]
    assert not missing, f"no claims file in tests/lessons/ for {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_hygiene(path):
    assert hygiene_problems(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_has_no_solution_and_no_output(student_edition, path):
    notebook = nbformat.read(student_edition / path.name, as_version=4)
    assert notebook.cells[1].source == STUDENT_BANNER
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert not any("BEGIN SOLUTION" in cell.source for cell in code)
    assert check_cells(notebook), "the student edition has no exercise"


@pytest.mark.slow
@pytest.mark.skipif(not browser_missing(), reason="tests/test_browser.py runs the student edition in JupyterLab")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_runs_to_the_end_and_every_check_says_not_solved(student_edition, path):
    notebook = nbformat.read(student_edition / path.name, as_version=4)
    # Restart & Run All, as a student would: raises CellExecutionError on any uncaught exception.
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(student_edition)}}).execute()
    for cell in check_cells(notebook):
        reply = "".join(output.get("text", "") + output.get("data", {}).get("text/plain", "") for output in cell.outputs)
        assert NOT_SOLVED.fullmatch(reply), reply
