"""The whole grading chain on four simulated students (``python -m tools grade_demo``; ``make grade-demo``).

For every assignment of the course that ``tools.assignments`` generates, four submissions, each made from the
release as a learner would:

- ``complete``: every exercise solved (the source's solutions);
- ``blank``: the release as it is;
- ``partial``: every other exercise solved, from the first (ex1, ex3, ...: ⌈n/2⌉ of n; so all of 00's single one);
- ``tampered``: every stub's ``...`` replaced by a wrong value (0) after a line that silences AssertionError in
  IPython, the first graded cell deleted and every other one replaced by ``pass``.

Then ``nbgrader autograde``, ``generate_feedback`` and ``export`` (nbgrader's CSV, ``grades.csv``), a table of the
scores, and the expected ones asserted: complete full marks, blank 0, partial its solved exercises (so strictly
between 0 and full marks where a notebook has two exercises or more), tampered 0. For tampered, also that nbgrader
put every graded cell back from its gradebook (the deleted one too) and that each failed on a ❌ verdict: a wrong
answer, not a stub left (📝) or a cell that did not run.
"""

import copy
import csv
import math
import re
import time
from pathlib import Path

import nbformat

from tools.assignments import (BEGIN_HIDDEN_TESTS, POINTS_PER_EXERCISE, generate_assignments, nbgrader_metadata,
                               run_nbgrader)

STUDENTS = ("complete", "blank", "partial", "tampered")
#: tampered's first line in each answer cell: it would hide every AssertionError, the graded cells' too.
SILENCER = "get_ipython().set_custom_exc((AssertionError,), lambda *args, **kwargs: None)"
TIMESTAMP = "2026-12-01 12:00:00.000000 UTC"
_STUB = re.compile(r"^(\s*(?:return|[\w.]+ =)) \.\.\.$", re.MULTILINE)
WRONG = "❌"  # how a check's verdict on a wrong answer starts (a stub left gets 📝)


def graded_cells(notebook):
    """{grade id: cell} of the notebook's graded cells, in order."""
    metadata = [(nbgrader_metadata(cell), cell) for cell in notebook.cells]
    return {grading["grade_id"]: cell for grading, cell in metadata if grading.get("grade")}


def exercise_labels(notebook):
    """The labels of the graded exercises of a source or release notebook, in order (from the grade ids)."""
    return [grade_id.removesuffix("_grade") for grade_id in graded_cells(notebook)]


def solved_by(student, labels):
    """The exercises ``student`` solves, of ``labels``."""
    return {"complete": list(labels), "partial": list(labels)[::2]}.get(student, [])


def submission(release, source, student):
    """What ``student`` hands in: a copy of the release, edited as the student's name says (see the module)."""
    notebook = copy.deepcopy(release)
    solutions = {nbgrader_metadata(cell)["grade_id"]: cell.source for cell in source.cells
                 if nbgrader_metadata(cell).get("solution")}
    solved = set(solved_by(student, exercise_labels(release)))
    for cell in notebook.cells:
        grading = nbgrader_metadata(cell)
        if grading.get("solution") and grading["grade_id"].split("_")[0] in solved:
            cell.source = solutions[grading["grade_id"]]
        elif grading.get("solution") and student == "tampered":
            cell.source = f"{SILENCER}\n" + _STUB.sub(r"\1 0", cell.source)
        elif grading.get("grade") and student == "tampered":
            cell.source = "pass"
    if student == "tampered":
        first = next(cell for cell in notebook.cells if nbgrader_metadata(cell).get("grade"))
        notebook.cells.remove(first)
    return notebook


def expected_points(student, exercises):
    """The score ``student`` must get on an assignment of ``exercises`` exercises."""
    return len(solved_by(student, [f"ex{number}" for number in range(1, exercises + 1)])) * POINTS_PER_EXERCISE


def write_submissions(course_dir, assignments):
    """Write every student's submission of every assignment into submitted/; return {assignment: exercises}."""
    course_dir, exercises_per_assignment = Path(course_dir), {}
    for assignment in assignments:
        for path in sorted((course_dir / "release" / assignment).glob("*.ipynb")):
            release = nbformat.read(path, as_version=4)
            source = nbformat.read(course_dir / "source" / assignment / path.name, as_version=4)
            exercises_per_assignment[assignment] = (exercises_per_assignment.get(assignment, 0)
                                                    + len(exercise_labels(release)))
            for student in STUDENTS:
                folder = course_dir / "submitted" / student / assignment
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(submission(release, source, student), folder / path.name)
                (folder / "timestamp.txt").write_text(TIMESTAMP + "\n", encoding="utf-8")
    return exercises_per_assignment


def read_grades(path):
    """{(student, assignment): (score, max_score)} from nbgrader's grades.csv."""
    with open(path, newline="", encoding="utf-8") as file:
        return {(row["student_id"], row["assignment"]): (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(file)}


def score_problems(grades, exercises_per_assignment):
    """Every score that differs from the expected one, and a partial total not strictly between 0 and full."""
    problems = []
    for assignment, exercises in exercises_per_assignment.items():
        for student in STUDENTS:
            expected = (expected_points(student, exercises), exercises * POINTS_PER_EXERCISE)
            got = grades.get((student, assignment))
            if got != expected:
                problems.append(f"{student} on {assignment}: {got}, expected {expected} (score, max)")
    partial = sum(grades.get(("partial", assignment), (0, 0))[0] for assignment in exercises_per_assignment)
    if not 0 < partial < sum(exercises_per_assignment.values()) * POINTS_PER_EXERCISE:
        problems.append(f"partial's total {partial} is not strictly between 0 and full marks")
    return problems


def feedback_problems(course_dir, assignments):
    """Each (student, assignment) without its feedback HTML."""
    feedback = Path(course_dir) / "feedback"
    return [f"no feedback for {student} on {assignment}" for assignment in assignments for student in STUDENTS
            if not list((feedback / student / assignment).glob("*.html"))]


def graded_cell_problems(notebook, source, name):
    """What is wrong with the graded cells of tampered's autograded ``notebook``: a graded cell of the ``source``
    missing or without its hidden test (nbgrader did not put it back), or one that did not fail on a ❌ verdict."""
    problems, graded = [], graded_cells(notebook)
    for grade_id in graded_cells(source):
        cell = graded.get(grade_id)
        if cell is None or BEGIN_HIDDEN_TESTS not in cell.source:
            problems.append(f"{name}, {grade_id}: {'missing' if cell is None else 'without its hidden test'}; "
                            "expected nbgrader to put the graded cell back from its gradebook")
            continue
        errors = [output for output in cell.get("outputs", []) if output.output_type == "error"]
        if not (errors and errors[0].evalue.startswith(WRONG)):
            got = errors[0].evalue.splitlines()[0] if errors else "no error"
            problems.append(f"{name}, {grade_id}: {got!r}; expected a {WRONG} verdict (a wrong answer)")
    return problems


def tampered_problems(course_dir, assignments):
    """Every graded cell of tampered's autograded notebooks not put back or not failed on a ❌ verdict."""
    course_dir, problems = Path(course_dir), []
    for assignment in assignments:
        for path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
            autograded = course_dir / "autograded" / "tampered" / assignment / path.name
            if not autograded.is_file():
                problems.append(f"tampered on {assignment}: no autograded {path.name}")
                continue
            problems += graded_cell_problems(nbformat.read(autograded, as_version=4),
                                             nbformat.read(path, as_version=4), f"tampered on {assignment}")
    return problems


def table(grades, exercises_per_assignment):
    """The scores as a text table, a row per student and a column per assignment (headed by its number), with
    each student's total."""
    assignments = list(exercises_per_assignment)
    lines = [f"{'student':<10}" + "".join(f"{assignment.split('_')[0]:>6}" for assignment in assignments)
             + f"{'total':>8}"]
    for student in STUDENTS:
        cells = [grades.get((student, assignment), (math.nan, math.nan)) for assignment in assignments]
        score, full = sum(cell[0] for cell in cells), sum(cell[1] for cell in cells)
        scores = "".join(f"{f'{s:g}/{m:g}':>6}" for s, m in cells)
        lines.append(f"{student:<10}{scores}{f'{score:g}/{full:g}':>8}")
    return "\n".join(lines)


def grade_demo(paths, out_dir, log=print):
    """Generate the course, grade the four students, export and check; return (grades, exercises per assignment,
    problems)."""
    out_dir = Path(out_dir).resolve()
    started = time.perf_counter()
    assignments = generate_assignments(paths, out_dir, log=log)
    exercises_per_assignment = write_submissions(out_dir, assignments)
    steps = [("autograde", "*", "--force"), ("generate_feedback", "*", "--force"),
             ("export", "--to", str(out_dir / "grades.csv"))]
    for step in steps:
        log(f"nbgrader {' '.join(step)}  ({len(STUDENTS)} students x {len(assignments)} assignments)")
        run_nbgrader(out_dir, *step)
    grades = read_grades(out_dir / "grades.csv")
    problems = (score_problems(grades, exercises_per_assignment) + feedback_problems(out_dir, assignments)
                + tampered_problems(out_dir, assignments))
    log(f"grade demo: {time.perf_counter() - started:.0f} s")
    return grades, exercises_per_assignment, problems
