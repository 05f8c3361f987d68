"""The course's notebook rules (``make lint``).

Each rule is a small function registered with :func:`rule` and its message, a sentence with ``{fields}``. The
function yields the fields of each violation it finds (``{}`` when there are none to fill in). ``RULES`` lists them
all, in order; ``python -m tools lint --rules`` prints them.
"""

import json
import re
from functools import cached_property
from pathlib import Path
from typing import Callable, NamedTuple

import nbformat

from course_utils.course import COURSE_PLAN, next_notebook
from tools.solutions import is_exercise, solutions, solutions_file
from tools.student import stub_solutions

MAX_BYTES = 1_000_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

_TENSORFLOW_NOISE = re.compile(r"WARNING|W0000|I0000|E0000|oneDNN|cuda|cpu_feature_guard|absl::")
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~])(/(home|root|Users|tmp|work|usr|opt|var|private)/|[A-Za-z]:\\\\?[\w.])")


class Rule(NamedTuple):
    """A rule: its name, its message (a sentence with ``{fields}``) and the function that finds violations."""

    name: str
    message: str
    check: Callable

    def problems(self, linted):
        return [self.message.format(**fields) for fields in self.check(linted)]


RULES = []


def rule(message):
    """Register the decorated function as a rule with ``message``, in the order of definition."""
    def register(check):
        RULES.append(Rule(check.__name__, message, check))
        return check
    return register


class Linted:
    """What the rules read: the notebook, its file's stem and size, its code and markdown cells."""

    def __init__(self, stem, size, notebook):
        self.stem, self.size = stem, size
        self.notebook, self.cells = notebook, notebook.cells
        self.code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        self.markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]

    @cached_property
    def exercises(self):
        """The indexes (among code cells) of the exercise cells."""
        return [number for number, cell in enumerate(self.code) if is_exercise(cell)]

    def outputs(self):
        """(code cell number, output) for every stored output."""
        return [(number, output) for number, cell in enumerate(self.code) for output in cell.outputs]


def _output_texts(output):
    """(kind, text) for each text an output holds: stream name, text MIME type, or "error"."""
    if "text" in output:
        yield output.get("name", "stream"), output["text"]
    for mime, data in output.get("data", {}).items():
        if mime.startswith("text/") or mime == "application/json":
            yield mime, data if isinstance(data, str) else str(data)
    if output.get("output_type") == "error":
        yield "error", "\n".join(output.get("traceback", []))


def hygiene_problems(path, rules=None):
    """Everything that breaks the course's notebook rules (all of RULES, or ``rules``), as sentences."""
    path = Path(path)
    size = path.stat().st_size  # a missing file raises FileNotFoundError
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises anything from ValueError to AttributeError on a broken file
        return [f"not a valid notebook: {error}"]
    linted = Linted(path.stem, size, notebook)
    return [problem for each in (RULES if rules is None else rules) for problem in each.problems(linted)]


# --- The file and its outputs -----------------------------------------------------------------------------------


@rule("file is {kib} KiB; keep notebooks under {limit} kB")
def size(nb):
    if nb.size > MAX_BYTES:
        yield {"kib": nb.size // 1024, "limit": MAX_BYTES // 1000}


@rule("kernelspec name is not python3")
def kernelspec(nb):
    if nb.notebook.metadata.get("kernelspec", {}).get("name") != "python3":
        yield {}


@rule("not executed top to bottom in a fresh kernel (execution counts {counts})")
def executed_in_order(nb):
    counts = [cell.execution_count for cell in nb.code]
    if counts != list(range(1, len(nb.code) + 1)):
        yield {"counts": counts}


@rule("code cell {cell} stores an error ({name})")
def no_errors(nb):
    for number, output in nb.outputs():
        if output.output_type == "error":
            yield {"cell": number, "name": output.get("ename")}


@rule("code cell {cell}: TensorFlow log noise in stderr")
def quiet_tensorflow(nb):
    for number, output in nb.outputs():
        if any(kind == "stderr" and _TENSORFLOW_NOISE.search(text) for kind, text in _output_texts(output)):
            yield {"cell": number}


@rule("code cell {cell}: an absolute path in an output")
def no_absolute_paths(nb):
    for number, output in nb.outputs():
        if any(_ABSOLUTE_PATH.search(text) for _, text in _output_texts(output)):
            yield {"cell": number}


@rule("code cell {cell} shows a widget whose state is not stored (model {model}); python -m tools execute stores it")
def widget_state(nb):
    stored = nb.notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for number, output in nb.outputs():
        view = output.get("data", {}).get(WIDGET_VIEW)
        if view and view.get("model_id") not in stored:
            yield {"cell": number, "model": view.get("model_id")}


# --- The course's shape: title and objectives, setup, exercises with checks, takeaways, next ---------------------


@rule("the first cell is not a markdown title ('# ...')")
def title(nb):
    if not nb.cells or nb.cells[0].cell_type != "markdown" or not nb.cells[0].source.startswith("# "):
        yield {}


@rule("the first cell has no learning objectives ('After this notebook you can ...')")
def objectives(nb):
    if not nb.cells or "After this notebook you can" not in nb.cells[0].source:
        yield {}


@rule("the first code cell does not call course_utils.setup(...)")
def setup_first(nb):
    if not nb.code or "course_utils.setup(" not in nb.code[0].source:
        yield {}


@rule("no '{heading}' section")
def sections(nb):
    headings = [line.strip() for cell in nb.markdown for line in cell.source.splitlines() if line.startswith("## ")]
    for heading in ("## Exercises", "## Key takeaways", "## Common mistakes"):
        if not any(h.startswith(heading) for h in headings):
            yield {"heading": heading}


@rule("{count} exercises with a solution; expected {low} to {high}")
def exercise_count(nb):
    low, high = (1, 4) if nb.stem == "00_start_here" else (2, 4)
    if not low <= len(nb.exercises) <= high:
        yield {"count": len(nb.exercises), "low": low, "high": high}


@rule("code cell {cell}: the student edition would not run ({error})")
def student_edition_compiles(nb):
    for number in nb.exercises:
        try:
            compile(stub_solutions(nb.code[number].source), f"code cell {number} (student edition)", "exec")
        except (SyntaxError, ValueError) as error:
            yield {"cell": number, "error": error}


def _exercises_and_checks(nb):
    """(code cell number, label, the check cell after it or None) for each exercise."""
    for order, number in enumerate(nb.exercises, start=1):
        label = f"ex{order}"
        after = nb.code[number + 1] if number + 1 < len(nb.code) else None
        yield number, label, after if after is not None and f"{label}.check(" in after.source else None


@rule("code cell {cell}: the exercise is not followed by its check cell ({label}.check(...))")
def check_follows(nb):
    for number, label, check in _exercises_and_checks(nb):
        if check is None:
            yield {"cell": number, "label": label}


@rule("code cell {cell}: the stored check does not pass with the solution")
def check_passes(nb):
    for number, _, check in _exercises_and_checks(nb):
        if check is not None and not any(
            text.startswith("✅") for output in check.outputs for _, text in _output_texts(output)
        ):
            yield {"cell": number + 1}


@rule("the stored solutions are out of date (python -m tools solutions)")
def solutions_stored(nb):
    if not nb.exercises:
        return
    stored = solutions_file(nb.stem) if re.fullmatch(r"\d\d_\w+", nb.stem) else None
    if stored is None or not stored.is_file() or json.loads(stored.read_text(encoding="utf-8")) != solutions(
            nb.notebook):
        yield {}


@rule("the notebook is not in COURSE_PLAN (course_utils/course.py)")
def planned(nb):
    if nb.stem not in {entry.stem for entry in COURSE_PLAN}:
        yield {}


@rule("the last markdown cell does not link the next notebook, {next}")
def links_next(nb):
    if nb.stem in {entry.stem for entry in COURSE_PLAN} and next_notebook(nb.stem):
        if not nb.markdown or f"({next_notebook(nb.stem)})" not in nb.markdown[-1].source:
            yield {"next": next_notebook(nb.stem)}
