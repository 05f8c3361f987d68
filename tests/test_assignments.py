"""Grading with nbgrader (tools/assignments.py, tools/grade_demo.py): the generated course is valid for nbgrader,
its graded cells run each exercise's check strictly and hidden, its release is the student edition plus those cells,
a deleted graded cell is put back, a copied course grades itself; and, slow, ``python -m tools assignments`` on one
notebook, and the whole chain on simulated students gives the grades it must."""

import copy
import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# nbgrader is the instructor's (requirements-instructor.txt, which make test installs): without it, say so.
pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -r requirements-instructor.txt)")

# ruff: noqa: E402 (the imports that need nbgrader come after the skip)
import nbgrader.api
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import (ClearHiddenTests, ClearOutput, ComputeChecksums, IgnorePattern, OverwriteCells,
                                   SaveCells)
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from tools import assignments
from tools.__main__ import main
from tools.assignments import (TENSORFLOW_LOG, UNSILENCED, CourseClearSolutions, CourseOverwriteCells, configure,
                               grade_cell_source, graded_exercises, nbgrader_metadata, nbgrader_source, write_course)
from tools.execute import KERNEL_ENVIRONMENT
from tools.grade_demo import (SILENCER, STUDENTS, exercise_labels, expected_points, grade_demo, graded_cell_problems,
                              graded_cells, score_problems, solved_by, submission, table)
from tools.student import student_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def course():
    """{stem: (notebook, nbgrader source)} for every notebook of the course."""
    notebooks = {path.stem: nbformat.read(path, as_version=4) for path in NOTEBOOKS}
    return {stem: (notebook, nbgrader_source(notebook, stem)) for stem, notebook in notebooks.items()}


_grading = nbgrader_metadata


def release_of(source):
    """What generate_assignment makes of the cells' sources: the course's stubs, outputs and hidden tests cleared."""
    release, resources = source, {}
    for preprocessor in (CourseClearSolutions(), ClearOutput(), ClearHiddenTests()):
        release, resources = preprocessor.preprocess(nbformat.from_dict(json.loads(json.dumps(release))), resources)
    return release


# --- The generated source ------------------------------------------------------------------------------------------


def test_every_source_passes_nbgraders_own_validator(course):
    for stem, (_, source) in course.items():
        MetadataValidator().validate_nb(source)
        nbformat.validate(source)


def test_every_exercise_gets_an_answer_a_locked_check_and_a_hidden_graded_test_with_the_checks_arguments(course):
    for stem, (notebook, source) in course.items():
        checks = [cell.source for cell in notebook.cells if cell.source.startswith("ex") and ".check(" in cell.source]
        cells = [(index, cell) for index, cell in enumerate(source.cells) if "nbgrader" in cell.metadata]
        labels = [f"ex{number}" for number in range(1, len(checks) + 1)]
        assert [_grading(cell)["grade_id"] for _, cell in cells] == [
            f"{label}_{kind}" for label in labels for kind in ("answer", "check", "grade")], stem
        for label, check, start in zip(labels, checks, range(0, len(cells), 3)):
            (_, answer), (at, check_cell), (after, graded) = cells[start:start + 3]
            assert _grading(answer) == {"schema_version": 3, "grade": False, "solution": True, "locked": False,
                                        "grade_id": f"{label}_answer"}
            assert "### BEGIN SOLUTION" in answer.source
            assert check_cell.source == check and _grading(check_cell)["locked"] and not _grading(check_cell)["grade"]
            assert after == at + 1 and _grading(graded)["points"] == assignments.POINTS_PER_EXERCISE
            arguments = check.strip().removeprefix(f"{label}.check(").removesuffix(")")
            assert graded.source.endswith(
                f"### BEGIN HIDDEN TESTS\n{assignments.UNSILENCED}\n{label}.grade({arguments})\n### END HIDDEN TESTS"), stem
            assert graded.id == f"{label}-grade" and _grading(graded)["locked"]


def test_the_source_is_stable_and_the_notebook_unchanged(course):
    notebook, source = course["04_backprop"]
    before = nbformat.writes(notebook)
    assert nbformat.writes(nbgrader_source(notebook)) == nbformat.writes(source)
    assert nbformat.writes(notebook) == before
    assert all(not cell.get("outputs") for cell in source.cells) and "widgets" not in source.metadata


def test_check_calls_are_parsed_with_their_arguments_as_written():
    notebook = new_notebook(cells=[
        new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"),
        new_code_cell("ex1.check(x,  scale = 2 )"),
        new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
        new_code_cell("print(ex2.check(f))"),  # not a check cell: the check is not the cell's only statement
        new_code_cell("### BEGIN SOLUTION\ng = f\n### END SOLUTION"),
        new_code_cell("ex2.check(f, g)\n"),
    ])
    exercises = graded_exercises(notebook)
    assert [(e.label, e.answer_cells, e.check_cell, e.arguments) for e in exercises] == [
        ("ex1", (0,), 1, "x, scale = 2"), ("ex2", (2, 4), 5, "f, g")]
    source = nbgrader_source(notebook)
    assert [_grading(cell).get("grade_id") for cell in source.cells] == [
        "ex1_answer", "ex1_check", "ex1_grade", "ex2_answer", None, "ex2_answer_2", "ex2_check", "ex2_grade"]
    assert "ex1.grade(x, scale = 2)" in source.cells[2].source
    MetadataValidator().validate_nb(source)


@pytest.mark.parametrize("cells, words", [
    (["ex1.check(x)"], "cell 0: the check ex1.check(...) has no solution cell"),
    (["### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "ex1.check(x)", "### BEGIN SOLUTION\ny = 1\n### END SOLUTION"],
     "cell 2: a solution cell without a check cell after it"),
    (["### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "ex1.check(x)", "### BEGIN SOLUTION\ny = 1\n### END SOLUTION",
      "ex1.check(y)"], "cell 3: a second check cell for ex1"),
])
def test_a_notebook_the_grader_cannot_pair_is_refused_with_the_cell(cells, words):
    with pytest.raises(ValueError, match=re.escape(f"bad.ipynb, {words}")):
        nbgrader_source(new_notebook(cells=[new_code_cell(source) for source in cells]), "bad.ipynb")


def test_a_notebook_without_exercises_is_copied_without_grading():
    notebook = new_notebook(cells=[new_markdown_cell("# Notes"), new_code_cell("print(1)")])
    source = nbgrader_source(notebook)
    assert [cell.source for cell in source.cells] == ["# Notes", "print(1)"]
    assert not any("nbgrader" in cell.metadata for cell in source.cells)
    MetadataValidator().validate_nb(source)


def test_the_release_is_the_student_edition_plus_the_graded_cells(course):
    for stem, (notebook, source) in course.items():
        release, student = release_of(source), student_notebook(notebook)
        graded = [cell for cell in release.cells if _grading(cell).get("grade")]
        assert all("HIDDEN" not in cell.source and ".grade(" not in cell.source for cell in graded), stem
        assert [cell.source for cell in release.cells if not _grading(cell).get("grade")] == [
            cell.source for cell in student.cells[:1] + student.cells[2:]], stem  # all but the student banner


def load_config(course_dir):
    """The configuration nbgrader reads from the course's nbgrader_config.py."""
    return PyFileConfigLoader("nbgrader_config.py", str(course_dir)).load_config()


def test_the_course_directory_has_a_config_nbgrader_can_load(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in (*KERNEL_ENVIRONMENT, "PYTHONPATH", "PATH"):
        monkeypatch.setenv(name, "before")
    assert write_course(NOTEBOOKS[:2], tmp_path, "a-course") == ["00_start_here", "01_gradients"]
    assert (tmp_path / "source" / "01_gradients" / "01_gradients.ipynb").is_file()
    config = load_config(tmp_path)
    assert config.CourseDirectory.course_id == "a-course" and config.CourseDirectory.root == str(tmp_path)
    assert config.CourseDirectory.db_url == f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert config.Execute.timeout == assignments.CELL_TIMEOUT
    chain = [step.__name__ for step in config.GenerateAssignment.preprocessors]
    assert chain.count("CourseClearSolutions") == 1 and "ClearSolutions" not in chain and "ClearHiddenTests" in chain
    sanitize = [step.__name__ for step in config.Autograde.sanitize_preprocessors]
    assert sanitize.count("CourseOverwriteCells") == 1 and "OverwriteCells" not in sanitize
    assert config.CourseOverwriteCells.add_missing_cells is True  # a deleted graded cell is put back
    assert config.IgnorePattern.enabled and config.IgnorePattern.pattern == TENSORFLOW_LOG
    assert {name: os.environ[name] for name in KERNEL_ENVIRONMENT} == KERNEL_ENVIRONMENT
    assert os.environ["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "before"]
    assert os.environ["PATH"].split(os.pathsep) == [str(Path(sys.executable).parent), "before"]  # alembic's


def test_a_copy_of_the_course_directory_grades_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in (*KERNEL_ENVIRONMENT, "PYTHONPATH", "PATH"):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    write_course(NOTEBOOKS[:1], tmp_path / "generated")
    shutil.copytree(tmp_path / "generated", tmp_path / "copy")  # e.g. out of build/ to ~/class
    config = load_config(tmp_path / "copy")
    assert config.CourseDirectory.root == str(tmp_path / "copy")
    assert config.CourseDirectory.db_url == f"sqlite:///{tmp_path / 'copy' / 'gradebook.db'}"
    assert str(tmp_path / "generated") not in (tmp_path / "copy" / "nbgrader_config.py").read_text()


@pytest.mark.parametrize("line, dropped", [
    ("2026-12-02 10:00:00.123456: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on.\n", True),
    ("W0000 00:00:1733130000.123456   12345 cuda_executor.cc:1228] could not open file\n", True),
    ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n", True),
    ("/tmp/ipykernel_1/1.py:3: UserWarning: Argument `decay` is no longer supported\n", False),
    ("Traceback (most recent call last):\n  2026-12-02 10:00:00.123456: I x.cc:1] inside\n", False),
])
def test_only_tensorflows_log_lines_are_dropped_from_stderr(line, dropped):
    cell = new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=line)]
    cell, _ = IgnorePattern(pattern=TENSORFLOW_LOG, enabled=True).preprocess_cell(cell, {}, 0)
    assert (cell.outputs == []) == dropped


def test_a_deleted_graded_cell_is_put_back_after_the_cell_before_it(tmp_path, monkeypatch):
    """nbgrader's own add_missing_cells raises KeyError on the course's locked check cell before a graded one."""
    monkeypatch.setattr(nbgrader.api, "get_alembic_version", lambda: "none")  # a new gradebook runs alembic: 10 s
    source = nbgrader_source(new_notebook(cells=[
        new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), new_code_cell("ex1.check(x)"),
        new_code_cell("### BEGIN SOLUTION\ny = 2\n### END SOLUTION"), new_code_cell("ex2.check(y)")]))
    resources = {"nbgrader": {"db_url": f"sqlite:///{tmp_path / 'gradebook.db'}", "assignment": "a", "notebook": "n"}}
    with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
        gradebook.add_assignment("a")
    for step in (ComputeChecksums(), SaveCells()):  # as generate_assignment stores the source in the gradebook
        source, resources = step.preprocess(source, resources)
    submitted = nbformat.from_dict(json.loads(json.dumps(source)))
    del submitted.cells[5], submitted.cells[2], submitted.cells[1]  # ex2_grade, ex1_grade and ex1_check
    with pytest.raises(KeyError, match="ex1_check"):  # nbgrader's own; when this fails, drop CourseOverwriteCells
        OverwriteCells(add_missing_cells=True).preprocess(copy.deepcopy(submitted), resources)
    restored, _ = CourseOverwriteCells(add_missing_cells=True).preprocess(submitted, resources)
    assert [_grading(cell).get("grade_id") for cell in restored.cells] == [
        "ex1_answer", "ex1_grade", "ex2_answer", "ex2_check", "ex2_grade"]
    assert all(_grading(cell)["locked"] and cell.source.endswith("### END HIDDEN TESTS")
               for cell in restored.cells if _grading(cell).get("grade"))


def test_configure_keeps_the_rest_of_pythonpath_once(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), "/elsewhere"]))
    for name in KERNEL_ENVIRONMENT:
        monkeypatch.setenv(name, "before")
    configure(Config(), "c", ROOT / "build" / "grading")
    assert os.environ["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "/elsewhere"]


# --- The simulated students ----------------------------------------------------------------------------------------


def test_each_simulated_student_hands_in_what_their_name_says(course):
    _, source = course["02_learning_rate"]
    release = release_of(source)
    assert exercise_labels(release) == ["ex1", "ex2", "ex3"]
    handed = {student: submission(release, source, student) for student in STUDENTS}
    answers = {student: [cell.source for cell in notebook.cells if _grading(cell).get("solution")]
               for student, notebook in handed.items()}
    solutions = [cell.source for cell in source.cells if _grading(cell).get("solution")]
    stubs = [cell.source for cell in release.cells if _grading(cell).get("solution")]
    assert answers["complete"] == solutions and answers["blank"] == stubs
    assert answers["partial"] == [solutions[0], stubs[1], solutions[2]]
    assert all("..." not in answer and "= 0" in answer and answer.startswith(SILENCER) for answer in answers["tampered"])
    graded = {student: {grade_id: cell.source for grade_id, cell in graded_cells(notebook).items()}
              for student, notebook in handed.items()}
    assert graded["blank"] == graded["complete"] and list(graded["blank"]) == ["ex1_grade", "ex2_grade", "ex3_grade"]
    assert graded["tampered"] == {"ex2_grade": "pass", "ex3_grade": "pass"}  # the first one deleted
    assert release.cells == release_of(source).cells, "the release itself must not change"


def test_a_tampered_graded_cell_that_did_not_fail_on_a_wrong_answer_is_reported():
    labels = ("ex1", "ex2", "ex3", "ex4")
    source = nbgrader_source(new_notebook(cells=[cell for label in labels for cell in (
        new_code_cell(f"### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), new_code_cell(f"{label}.check(x)"))]))
    autograded = nbformat.from_dict(json.loads(json.dumps(source)))
    graded = graded_cells(autograded)
    for label, verdict in (("ex1", "❌ Not yet: 0 is not"), ("ex2", "📝 Not solved yet: `x` is still `...`")):
        graded[f"{label}_grade"].outputs = [
            nbformat.v4.new_output("error", ename="AssertionError", evalue=verdict, traceback=[])]
    autograded.cells.remove(graded["ex4_grade"])
    assert graded_cell_problems(autograded, source, "tampered on 09") == [
        "tampered on 09, ex2_grade: '📝 Not solved yet: `x` is still `...`'; expected a ❌ verdict (a wrong answer)",
        "tampered on 09, ex3_grade: 'no error'; expected a ❌ verdict (a wrong answer)",
        "tampered on 09, ex4_grade: missing; expected nbgrader to put the graded cell back from its gradebook"]


def test_the_expected_scores_and_a_wrong_one_is_reported():
    assert [expected_points(student, 3) for student in STUDENTS] == [3, 0, 2, 0]
    assert [expected_points(student, 1) for student in STUDENTS] == [1, 0, 1, 0]
    assert solved_by("partial", ["ex1", "ex2"]) == ["ex1"]
    counts = {"01_gradients": 2}
    right = {(s, "01_gradients"): (float(expected_points(s, 2)), 2.0) for s in STUDENTS}
    assert score_problems(right, counts) == []
    assert table(right, counts).splitlines() == [
        "student       01   total", "complete     2/2     2/2", "blank        0/2     0/2",
        "partial      1/2     1/2", "tampered     0/2     0/2"]
    blank_passes = {**right, ("blank", "01_gradients"): (2.0, 2.0)}
    assert score_problems(blank_passes, counts) == ["blank on 01_gradients: (2.0, 2.0), expected (0, 2) (score, max)"]
    assert "partial's total 0.0 is not strictly between" in score_problems(
        {**right, ("partial", "01_gradients"): (0.0, 2.0)}, counts)[-1]


def test_the_grade_cell_says_what_it_is_worth():
    (exercise,) = graded_exercises(new_notebook(cells=[
        new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), new_code_cell("ex1.check(x)")]))
    source = grade_cell_source(exercise, points=2)
    assert source.startswith("# Graded: exercise 1, 2 points.")
    assert source.endswith(f"### BEGIN HIDDEN TESTS\n{UNSILENCED}\nex1.grade(x)\n### END HIDDEN TESTS")


@pytest.mark.slow
def test_the_hidden_test_fails_even_after_an_answer_cell_silenced_assertion_errors():
    """In a real kernel: the answer cell's SILENCER hides an AssertionError, the hidden test's first line undoes it."""
    from nbclient import NotebookClient

    notebook = new_notebook(cells=[new_code_cell(f"{SILENCER}\nassert False, 'hidden'"),
                                   new_code_cell(f"{UNSILENCED}\nassert False, '❌ wrong'")])
    NotebookClient(notebook, allow_errors=True, timeout=60).execute()
    assert [output.output_type for output in notebook.cells[0].outputs] == []
    assert [output.get("evalue") for output in notebook.cells[1].outputs] == ["❌ wrong"]


# --- The whole chain, with nbgrader's command line (slow: four kernels) --------------------------------------------


def test_a_failing_tool_is_reported_in_a_line_and_a_failed_demo_exits_1(monkeypatch, capsys, tmp_path):
    def fails(*args, **kwargs):
        raise RuntimeError("nbgrader generate_assignment 00_start_here failed (exit 1) in build/grading:\nits log")

    monkeypatch.setattr(assignments, "generate_assignments", fails)
    assert main(["assignments", str(NOTEBOOKS[0]), "--out", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("python -m tools assignments: nbgrader generate_assignment 00_start_here failed")
    assert "Traceback" not in error
    wrong = {("blank", "00_start_here"): (1.0, 1.0)}
    monkeypatch.setattr("tools.grade_demo.grade_demo", lambda *args: (wrong, {"00_start_here": 1}, ["blank on 00"]))
    assert main(["grade_demo", str(NOTEBOOKS[0]), "--out", str(tmp_path)]) == 1
    assert "unexpected: blank on 00" in capsys.readouterr().out


# --- nbgrader's command line (slow: nbgrader, and the chain's kernels) ----------------------------------------------


@pytest.mark.slow
def test_the_assignments_command_writes_the_course_and_its_release(tmp_path, capsys):
    """``python -m tools assignments`` on one notebook (its main, in this process: nbgrader runs as a command)."""
    assert main(["assignments", str(NOTEBOOKS[0]), "--out", str(tmp_path)]) == 0
    assert f"wrote the nbgrader course {tmp_path} (assignments 00_start_here)" in capsys.readouterr().out
    assert (tmp_path / "gradebook.db").is_file()
    release = nbformat.read(tmp_path / "release" / "00_start_here" / "00_start_here.ipynb", as_version=4)
    assert [_grading(cell)["grade_id"] for cell in release.cells if _grading(cell).get("grade")] == ["ex1_grade"]


@pytest.mark.slow
def test_the_whole_chain_grades_the_simulated_students_as_expected(tmp_path, monkeypatch):
    """The grade demo on 04 (three exercises, so that partial lies strictly between 0 and full marks; a check with
    three arguments): one test, so that pytest-xdist runs the chain once."""
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)  # set, it keeps ipykernel from capturing stderr
    grades, _, problems = grade_demo([ROOT / "notebooks" / "04_backprop.ipynb"], tmp_path, log=lambda _: None)
    assert problems == []  # also: tampered's graded cells put back (the deleted one too), each failed on ❌
    assert grades == {("complete", "04_backprop"): (3.0, 3.0), ("blank", "04_backprop"): (0.0, 3.0),
                      ("partial", "04_backprop"): (2.0, 3.0), ("tampered", "04_backprop"): (0.0, 3.0)}
    autograded = nbformat.read(tmp_path / "autograded" / "tampered" / "04_backprop" / "04_backprop.ipynb",
                               as_version=4)
    (restored,) = [cell for cell in autograded.cells if _grading(cell).get("grade_id") == "ex1_grade"]
    assert "was missing from the submission. It was added back by nbgrader" in restored.source
    feedback = (tmp_path / "feedback" / "tampered" / "04_backprop" / "04_backprop.html").read_text(encoding="utf-8")
    assert feedback.count("AssertionError</span>: ❌ Not yet") == 3  # each graded cell, as the learner reads it
    release = nbformat.read(tmp_path / "release" / "04_backprop" / "04_backprop.ipynb", as_version=4)
    student = student_notebook(nbformat.read(ROOT / "notebooks" / "04_backprop.ipynb", as_version=4))
    assert [cell.source for cell in release.cells if not _grading(cell).get("grade")] == [
        cell.source for cell in student.cells[:1] + student.cells[2:]]
    assert all(_grading(cell)["locked"] for cell in release.cells if _grading(cell).get("grade"))
