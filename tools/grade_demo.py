"""The whole grading chain on four simulated students (``python -m tools grade_demo``; ``make grade-demo``).

For every assignment of the course that ``tools.assignments`` generates, four submissions, each made from the
release as a learner would:

- ``complete``: every exercise solved (the source's solutions);
- ``blank``: the release as it is;
- ``partial``: every other exercise solved, from the first (ex1, ex3, ...: ⌈n/2⌉ of n; so all of 00's single one);
- ``tampered``: every stub's ``...`` replaced by a wrong value (0), and every graded cell replaced by ``pass``.

Then ``nbgrader autograde``, ``generate_feedback`` and ``export`` (nbgrader's CSV, ``grades.csv``), a table of the
scores, and the expected ones asserted: complete full marks, blank 0, partial its solved exercises (so strictly
between 0 and full marks where a notebook has two exercises or more), tampered 0 (nbgrader restores the graded
cells from its gradebook).
"""

import copy
import csv
import math
import re
import time
from pathlib import Path

import nbformat

from tools.assignments import POINTS_PER_EXERCISE, generate_assignments, nbgrader

STUDENTS = ("complete", "blank", "partial", "tampered")
TIMESTAMP = "2026-12-01 12:00:00.000000 UTC"
_STUB = re.compile(r"^(\s*(?:return|[\w.]+ =)) \.\.\.$", re.MULTILINE)


def _grading(cell):
    return cell.metadata.get("nbgrader", {})


def exercise_labels(notebook):
    """The labels of the graded exercises of a source or release notebook, in order (from the grade ids)."""
    return [_grading(cell)["grade_id"].removesuffix("_grade") for cell in notebook.cells if _grading(cell).get("grade")]


def solved_by(student, labels):
    """The exercises ``student`` solves, of ``labels``."""
    return {"complete": list(labels), "partial": list(labels)[::2]}.get(student, [])


def submission(release, source, student):
    """What ``student`` hands in: a copy of the release, edited as the student's name says (see the module)."""
    notebook = copy.deepcopy(release)
    solutions = {_grading(cell)["grade_id"]: cell.source for cell in source.cells if _grading(cell).get("solution")}
    solved = set(solved_by(student, exercise_labels(release)))
    for cell in notebook.cells:
        grading = _grading(cell)
        if grading.get("solution") and grading["grade_id"].split("_")[0] in solved:
            cell.source = solutions[grading["grade_id"]]
        elif grading.get("solution") and student == "tampered":
            cell.source = _STUB.sub(r"\1 0", cell.source)
        elif grading.get("grade") and student == "tampered":
            cell.source = "pass"
    return notebook


def expected_points(student, exercises):
    """The score ``student`` must get on an assignment of ``exercises`` exercises."""
    return len(solved_by(student, [f"ex{number}" for number in range(1, exercises + 1)])) * POINTS_PER_EXERCISE


def write_submissions(course_dir, assignments):
    """Write every student's submission of every assignment into submitted/; return {assignment: exercises}."""
    course_dir, counts = Path(course_dir), {}
    for assignment in assignments:
        for path in sorted((course_dir / "release" / assignment).glob("*.ipynb")):
            release = nbformat.read(path, as_version=4)
            source = nbformat.read(course_dir / "source" / assignment / path.name, as_version=4)
            counts[assignment] = counts.get(assignment, 0) + len(exercise_labels(release))
            for student in STUDENTS:
                folder = course_dir / "submitted" / student / assignment
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(submission(release, source, student), folder / path.name)
                (folder / "timestamp.txt").write_text(TIMESTAMP + "\n", encoding="utf-8")
    return counts


def read_grades(path):
    """{(student, assignment): (score, max_score)} from nbgrader's grades.csv."""
    with open(path, newline="", encoding="utf-8") as file:
        return {(row["student_id"], row["assignment"]): (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(file)}


def score_problems(grades, counts):
    """Every score that differs from the expected one, and a partial total not strictly between 0 and full."""
    problems = []
    for assignment, exercises in counts.items():
        for student in STUDENTS:
            expected = (expected_points(student, exercises), exercises * POINTS_PER_EXERCISE)
            got = grades.get((student, assignment))
            if got != expected:
                problems.append(f"{student} on {assignment}: {got}, expected {expected} (score, max)")
    partial = sum(grades.get(("partial", assignment), (0, 0))[0] for assignment in counts)
    if not 0 < partial < sum(counts.values()) * POINTS_PER_EXERCISE:
        problems.append(f"partial's total {partial} is not strictly between 0 and full marks")
    return problems


def feedback_problems(course_dir, counts):
    """Each (student, assignment) without its feedback HTML."""
    feedback = Path(course_dir) / "feedback"
    return [f"no feedback for {student} on {assignment}" for assignment in counts for student in STUDENTS
            if not list((feedback / student / assignment).glob("*.html"))]


def table(grades, counts):
    """The scores as a text table, a row per student and a column per assignment (headed by its number), with
    each student's total."""
    lines = [f"{'student':<10}" + "".join(f"{assignment.split('_')[0]:>6}" for assignment in counts) + f"{'total':>8}"]
    for student in STUDENTS:
        cells = [grades.get((student, assignment), (math.nan, math.nan)) for assignment in counts]
        score, full = sum(cell[0] for cell in cells), sum(cell[1] for cell in cells)
        scores = "".join(f"{f'{s:g}/{m:g}':>6}" for s, m in cells)
        lines.append(f"{student:<10}{scores}{f'{score:g}/{full:g}':>8}")
    return "\n".join(lines)


def grade_demo(paths, out_dir, log=print):
    """Generate the course, grade the four students, export and check; return (grades, counts, problems)."""
    out_dir = Path(out_dir).resolve()
    started = time.perf_counter()
    assignments = generate_assignments(paths, out_dir, log=log)
    counts = write_submissions(out_dir, assignments)
    steps = [("autograde", "*", "--force"), ("generate_feedback", "*", "--force"),
             ("export", "--to", str(out_dir / "grades.csv"))]
    for step in steps:
        log(f"nbgrader {' '.join(step)}  ({len(STUDENTS)} students x {len(assignments)} assignments)")
        nbgrader(out_dir, *step)
    grades = read_grades(out_dir / "grades.csv")
    problems = score_problems(grades, counts) + feedback_problems(out_dir, counts)
    log(f"grade demo: {time.perf_counter() - started:.0f} s")
    return grades, counts, problems
