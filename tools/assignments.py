"""An nbgrader course generated from the notebooks (``python -m tools assignments``; ``make assignments``).

Nothing is tagged by hand and the notebooks stay as they are: each notebook becomes one assignment (its id is the
notebook's stem) in ``source/<stem>/<stem>.ipynb``, with nbgrader's cell metadata (schema 3) written from the
course's own structure. For exercise ``exK`` (K = 1, 2, ...):

- ``exK_answer``: the cell holding the solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, an
  autograded answer; the release shows the course's own ``name = ...`` stubs there (:class:`CourseClearSolutions`),
  so the release is the student edition (``tools.student``) plus the graded cells;
- ``exK_check``: the visible check cell ``exK.check(...)``, locked (read-only);
- ``exK_grade``: a graded cell inserted after the check, locked, worth :data:`POINTS_PER_EXERCISE`, whose test
  ``exK.grade(<the check's arguments>)`` is hidden (``### BEGIN HIDDEN TESTS``): the release runs to the end with
  the stubs, and the learner can neither read nor edit what grades them (nbgrader restores an edited cell from its
  gradebook before grading, and a deleted one: :class:`CourseOverwriteCells`).

Then ``nbgrader generate_assignment`` adds each assignment to the gradebook and writes ``release/``, with the
course's ``nbgrader_config.py`` (:func:`configure`), which also gives the graded kernels the course's environment.
"""

import ast
import copy
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.preprocessors import ClearSolutions, OverwriteCells

from tools.execute import KERNEL_ENVIRONMENT
from tools.solutions import BEGIN_SOLUTION, is_exercise
from tools.student import clear_outputs, names_read, stub_solutions

REPOSITORY = Path(__file__).resolve().parents[1]
COURSE_ID = "nn-optimizers"
#: Every exercise is worth the same: one point, all or nothing (a check passes or it does not).
POINTS_PER_EXERCISE = 1
#: Seconds a cell may run while nbgrader grades a submission (the course's slowest cell takes about 6 s: make bench).
CELL_TIMEOUT = 300
SCHEMA_VERSION = 3
BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "### END HIDDEN TESTS"
#: The hidden test's first line: IPython's handler of the learner's exceptions put back, so that an answer cell
#: cannot silence the test's AssertionError (``get_ipython().set_custom_exc((AssertionError,), ...)``).
UNSILENCED = "get_ipython().set_custom_exc((), None)"
#: Where TensorFlow's C++ logs start (its own format, and absl's): nbgrader scores 0 for a graded cell with stderr
#: output, and its IgnorePattern drops a stderr output that matches, e.g. a late log line attributed to the next cell.
TENSORFLOW_LOG = (r"^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] |[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] "
                  r"|WARNING: All log messages before absl::InitializeLog\(\))")
GRADE_CELL_COMMENT = (
    "# Graded: exercise {number}, {points} point{plural}. A hidden test runs the check above strictly: it scores the\n"
    "# point only if the check answers ✅. Nothing to write here; this cell is read-only."
)


@dataclass(frozen=True)
class GradedExercise:
    """One exercise of a notebook: its label, its answer cells and its check cell (indexes among all cells), and
    the source of the check call's arguments."""

    label: str
    answer_cells: tuple
    check_cell: int
    arguments: str

    @property
    def number(self):
        return int(self.label.removeprefix("ex"))


def _check_call(cell):
    """(label, arguments source) when the cell is a check cell, a single ``exK.check(...)`` call; else None."""
    if cell.cell_type != "code":
        return None
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:
        return None
    if len(body) != 1 or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    function = call.func
    if not (isinstance(function, ast.Attribute) and function.attr == "check" and isinstance(function.value, ast.Name)
            and function.value.id.startswith("ex") and function.value.id[2:].isdigit()):
        return None
    arguments = [ast.get_source_segment(cell.source, node) for node in (*call.args, *call.keywords)]
    return function.value.id, ", ".join(arguments)


def graded_exercises(notebook, name="the notebook"):
    """The exercises of ``notebook``, in order: each check cell with the solution cells since the previous check.

    Raises ValueError, naming the cell, for a check without a solution before it, a solution without a check after
    it, or a label used twice.
    """
    exercises, answers = [], []
    for index, cell in enumerate(notebook.cells):
        if is_exercise(cell):
            answers.append(index)
        found = _check_call(cell)
        if found is None:
            continue
        label, arguments = found
        if not answers:
            raise ValueError(f"{name}, cell {index}: the check {label}.check(...) has no solution cell "
                             f"({BEGIN_SOLUTION}) since the previous check; expected the exercise cell before it")
        if label in {exercise.label for exercise in exercises}:
            raise ValueError(f"{name}, cell {index}: a second check cell for {label}; expected one per exercise")
        exercises.append(GradedExercise(label, tuple(answers), index, arguments))
        answers = []
    if answers:
        raise ValueError(f"{name}, cell {answers[0]}: a solution cell without a check cell after it; expected "
                         "exK.check(...) in a cell of its own after each exercise")
    return exercises


def cell_metadata(grade_id, *, grade=False, solution=False, locked=False, points=None):
    """nbgrader's metadata (schema 3) for a cell."""
    metadata = {"schema_version": SCHEMA_VERSION, "grade": grade, "solution": solution, "locked": locked,
                "grade_id": grade_id}
    if points is not None:
        metadata["points"] = points
    return metadata


def nbgrader_metadata(cell):
    """A cell's nbgrader metadata; {} for a cell nbgrader does not grade, lock or clear."""
    return cell.metadata.get("nbgrader", {})


def grade_cell_source(exercise, points=POINTS_PER_EXERCISE):
    """The graded cell after a check: a comment for the learner, and the strict check as a hidden test."""
    comment = GRADE_CELL_COMMENT.format(number=exercise.number, points=points, plural="" if points == 1 else "s")
    return (f"{comment}\n{BEGIN_HIDDEN_TESTS}\n{UNSILENCED}\n{exercise.label}.grade({exercise.arguments})\n"
            f"{END_HIDDEN_TESTS}")


def nbgrader_source(notebook, name="the notebook"):
    """A copy of ``notebook`` for nbgrader's source/: outputs cleared, answers and checks tagged, graded cells added."""
    source = clear_outputs(copy.deepcopy(notebook))
    for exercise in reversed(graded_exercises(source, name)):  # from the end: inserting keeps earlier indexes
        for order, index in enumerate(exercise.answer_cells, start=1):
            suffix = "" if order == 1 else f"_{order}"
            source.cells[index].metadata["nbgrader"] = cell_metadata(f"{exercise.label}_answer{suffix}", solution=True)
        source.cells[exercise.check_cell].metadata["nbgrader"] = cell_metadata(f"{exercise.label}_check", locked=True)
        graded = nbformat.v4.new_code_cell(grade_cell_source(exercise))
        graded.id = f"{exercise.label}-grade"  # stable, like the grade_id (nbformat would draw a random one)
        graded.metadata["nbgrader"] = cell_metadata(f"{exercise.label}_grade", grade=True, locked=True,
                                                    points=POINTS_PER_EXERCISE)
        source.cells.insert(exercise.check_cell + 1, graded)
    return source


class CourseClearSolutions(ClearSolutions):
    """nbgrader's ClearSolutions with the course's stubs: ``name = ...`` for each name the notebook reads (only
    ``return ...`` inside a function), as in the student edition, instead of ``raise NotImplementedError()``."""

    def preprocess(self, nb, resources):
        self._names_read = names_read(nb)
        return super().preprocess(nb, resources)

    def _replace_solution_region(self, cell, language):
        """Stub the cell's solution regions (code cells with the course's markers only); True if it had any."""
        if not is_exercise(cell):
            return False  # markdown may quote the markers (00 does), and no other cell holds a solution
        cell.source = stub_solutions(cell.source, self._names_read)
        return True


class CourseOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells, which puts a deleted graded cell back (``add_missing_cells``) after the nearest cell
    before it in the source that the submission still has.

    nbgrader 0.9.6 looks there only for a graded or a solution cell and raises KeyError when it meets the course's
    locked check cell, so the whole submission fails to grade.
    """

    def add_missing_grade_cells(self, nb, resources):
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source.source_cells]  # the source's order: nbgrader relies on it too
        source_cells = dict(zip(order, source.source_cells))
        solutions = {cell.name for cell in source.solution_cells}
        for graded in sorted(source.grade_cells, key=lambda cell: order.index(cell.name)):
            present = [nbgrader_metadata(cell).get("grade_id") for cell in nb.cells]
            if graded.name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding it back to the notebook", graded.name)
            before = [name for name in order[:order.index(graded.name)] if name in present]
            index = present.index(before[-1]) + 1 if before else 0
            nb.cells.insert(index, self.missing_cell_transform(source_cells[graded.name], graded.max_score,
                                                               is_solution=graded.name in solutions))
        return nb, resources


def _replaced(converter, trait, ours, theirs):
    """The default preprocessors of ``converter.trait``, with ``theirs`` replaced by ``ours``."""
    return [ours if step is theirs else step for step in converter.class_traits()[trait].default()]


def _first_on(variable, path):
    """Put ``path`` first on the path-list environment variable ``variable``, keeping the rest once."""
    paths = [path, *filter(None, os.environ.get(variable, "").split(os.pathsep))]
    os.environ[variable] = os.pathsep.join(dict.fromkeys(paths))


def configure(c, course_id, root):
    """Set nbgrader's configuration ``c`` for the course in ``root`` (nbgrader_config.py calls it with its folder).

    Graded cells deleted from a submission are put back (:class:`CourseOverwriteCells`), and stderr outputs that
    are TensorFlow's logs dropped (:data:`TENSORFLOW_LOG`). The kernels nbgrader starts get the course's
    environment (``KERNEL_ENVIRONMENT``: TensorFlow's logs off) and this repository first on their ``PYTHONPATH``,
    so that they grade with this repository's course_utils; and the PATH starts with the scripts of nbgrader's
    Python, where nbgrader finds ``alembic`` (a venv that is not activated).
    """
    root = Path(root).resolve()
    c.CourseDirectory.course_id = course_id
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    c.Execute.timeout = CELL_TIMEOUT
    c.GenerateAssignment.preprocessors = _replaced(GenerateAssignment, "preprocessors", CourseClearSolutions,
                                                   ClearSolutions)
    c.Autograde.sanitize_preprocessors = _replaced(Autograde, "sanitize_preprocessors", CourseOverwriteCells,
                                                   OverwriteCells)
    c.CourseOverwriteCells.add_missing_cells = True
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = TENSORFLOW_LOG
    os.environ.update(KERNEL_ENVIRONMENT)
    _first_on("PYTHONPATH", str(REPOSITORY))
    _first_on("PATH", str(Path(sys.executable).parent))


CONFIG_TEMPLATE = '''"""nbgrader's configuration for this course, written by `python -m tools assignments`: regenerate it,
do not edit it. nbgrader only logs an error raised here and goes on with its defaults: check the release's stubs."""
import os
import sys

sys.path.insert(0, {repository!r})  # this repository: tools (the course's preprocessors) and course_utils

from tools.assignments import configure  # noqa: E402

# The course is this file's folder (traitlets defines __file__), so that a copy of the folder grades itself.
configure(get_config(), {course_id!r}, os.path.dirname(os.path.abspath(__file__)))  # noqa: F821
'''


def write_course(paths, out_dir, course_id=COURSE_ID):
    """Write nbgrader_config.py and source/<stem>/<stem>.ipynb for each notebook into ``out_dir``; return the
    assignment ids."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "nbgrader_config.py").write_text(
        CONFIG_TEMPLATE.format(repository=str(REPOSITORY), course_id=course_id), encoding="utf-8")
    assignments = []
    for path in map(Path, paths):
        target = out_dir / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbgrader_source(nbformat.read(path, as_version=4), path.name), target)
        assignments.append(path.stem)
    return assignments


def run_nbgrader(course_dir, *arguments):
    """Run ``nbgrader ARGUMENTS...`` in ``course_dir`` with this Python; raise RuntimeError with its log if it fails."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course_dir, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(arguments)} failed (exit {done.returncode}) in {course_dir}:\n"
                           f"{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def release_problems(course_dir, assignment):
    """What is wrong with an assignment's release: no notebook, or nbgrader's stubs instead of the course's (the
    sign that nbgrader_config.py was not applied)."""
    notebooks = sorted((Path(course_dir) / "release" / assignment).glob("*.ipynb"))
    if not notebooks:
        return [f"release/{assignment} has no notebook"]
    problems = []
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and ("raise NotImplementedError()" in cell.source or is_exercise(cell)):
                problems.append(f"{path.name}: a cell has nbgrader's stub or a solution, not the course's stub "
                                f"(was nbgrader_config.py applied? see nbgrader's log)")
                break
    return problems


def generate_assignments(paths, out_dir, course_id=COURSE_ID, log=print):
    """The course directory for ``paths`` in ``out_dir``: config, source/, the gradebook and release/; return the
    assignment ids. Raises RuntimeError when nbgrader fails or a release lacks the course's stubs."""
    out_dir = Path(out_dir).resolve()
    assignments = write_course(paths, out_dir, course_id)
    for assignment in assignments:  # generate_assignment also adds the assignment to the gradebook
        log(f"nbgrader generate_assignment {assignment}")
        output = run_nbgrader(out_dir, "generate_assignment", assignment, "--force")
        problems = release_problems(out_dir, assignment)
        if problems:
            raise RuntimeError("\n".join(problems) + f"\nnbgrader's log:\n{output}")
    return assignments
