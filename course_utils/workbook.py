"""Maintaining the workbook: execute notebooks, build the student edition, check notebook hygiene.

Command line (the Makefile calls these)::

    python -m course_utils.workbook execute notebooks/*.ipynb
    python -m course_utils.workbook student notebooks/*.ipynb --out build/student
    python -m course_utils.workbook lint notebooks/*.ipynb
    python -m course_utils.workbook slides notebooks/*.ipynb   # slide metadata, for make slides
    python -m course_utils.workbook solutions notebooks/*.ipynb   # what ex1.solution() shows
"""

import argparse
import ast
import copy
import json
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import NamedTuple

from course_utils.environment import TENSORFLOW_ENVIRONMENT

class PlannedNotebook(NamedTuple):
    """One notebook of the course: file stem, title, minutes of study, source-article points it teaches."""

    stem: str
    title: str
    minutes: int
    article_points: tuple


#: The notebooks in study order. Article points number the source article (shared seed, SEED_EN.md).
COURSE_PLAN = (
    PlannedNotebook("00_start_here", "Start here", 15, ()),
    PlannedNotebook("01_gradients", "Gradients", 25, (1,)),
    PlannedNotebook("02_learning_rate", "Choosing a learning rate", 30, (2,)),
    PlannedNotebook("03_local_minima", "Local minima and random initialisation", 25, (3,)),
    PlannedNotebook("04_backprop", "Backpropagation", 30, (4,)),
    PlannedNotebook("05_sgd_momentum", "SGD, momentum, Nesterov and decay", 30, (6,)),
    PlannedNotebook("06_rmsprop_adam", "RMSprop and Adam", 30, (7, 8)),
    PlannedNotebook("07_optimizers_in_keras", "Optimizers in Keras (capstone)", 30, (5, 9)),
)


def _path(name, value, *, folder=False):
    """``value`` as a Path to an existing file (or folder); TypeError/ValueError naming ``name`` if not."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or Path), got {type(value).__name__} {value!r}")
    path = Path(value)
    if not (path.is_dir() if folder else path.is_file()):
        raise ValueError(f"{name} must be an existing {'folder' if folder else 'file'}, got {str(path)!r}")
    return path


def _notebook(name, value):
    import nbformat

    if not isinstance(value, nbformat.NotebookNode) or "cells" not in value:
        raise TypeError(f"{name} must be a notebook (nbformat.read(path, as_version=4)), got {type(value).__name__}")
    return value


def course_map(notebook_dir="."):
    """The course's notebooks as a Markdown table, linking those present in ``notebook_dir``."""
    notebook_dir = _path("notebook_dir", notebook_dir, folder=True)
    rows = ["| # | Notebook | Article points | Minutes |", "|---|---|---|---|"]
    for entry in COURSE_PLAN:
        number, name = entry.stem[:2], f"{entry.stem}.ipynb"
        title = f"[{entry.title}]({name})" if (notebook_dir / name).exists() else f"{entry.title} *(coming soon)*"
        points = ", ".join(map(str, entry.article_points)) or "–"
        rows.append(f"| {number} | {title} | {points} | {entry.minutes} |")
    total = sum(entry.minutes for entry in COURSE_PLAN)
    rows.append(f"| | **Total** | | **{total}** |")
    return "\n".join(rows)


#: The kernel's environment for executing notebooks (``make execute`` and the tests alike).
KERNEL_ENVIRONMENT = {**TENSORFLOW_ENVIRONMENT, "PYTHONHASHSEED": "0"}

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
STUDENT_BANNER = (
    "**Student edition.** Each exercise cell holds `...` where your code goes. Write it, run the cell, "
    "then run the check cell below it for feedback. Stuck? `ex1.hint()` (for exercise 1) gives a hint; "
    "ask again for more."
)
SOLUTIONS_DIR = Path(__file__).parent / "exercises" / "solutions"

_TENSORFLOW_NOISE = re.compile(r"WARNING|W0000|I0000|E0000|oneDNN|cuda|cpu_feature_guard|absl::")
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~])(/(home|root|Users|tmp|work|usr|opt|var|private)/|[A-Za-z]:\\\\?[\w.])")


# --- Student edition -------------------------------------------------------------------------------


def _bound_names(statements):
    """Names that top-level statements assign, in order (not those inside functions or classes)."""
    names = []

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
            return
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in statements:
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            for child in statement.body + statement.orelse:  # not the loop variable itself
                visit(child)
        else:
            visit(statement)
    return list(dict.fromkeys(names))


def _stub(solution_lines, indent, used):
    """The code that replaces one solution: ``name = ...`` for each name it defines that the notebook reads.

    Inside a function, only ``return ...``: the names of the solution's own steps would outline it.
    """
    statements = ast.parse(textwrap.dedent("\n".join(solution_lines))).body
    lines = [f"{indent}# YOUR CODE HERE"]
    if any(isinstance(node, ast.Return) for node in statements):  # a solution inside a function
        return lines + [f"{indent}return ..."]
    lines += [f"{indent}{name} = ..." for name in _bound_names(statements) if used is None or name in used]
    if indent and len(lines) == 1:
        lines.append(f"{indent}pass")
    return lines


def _read_names(sources):
    """Every name the code outside the solutions reads."""
    names = set()
    for source in sources:
        tree = ast.parse(stub_solutions(source))
        names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return names


def stub_solutions(source, used=None):
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of a cell by a stub.

    used: the names the rest of the notebook reads; a solution's other names are not stubbed (None: all).
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a cell's source as a string, got {type(source).__name__}")
    if used is not None and not (isinstance(used, (set, frozenset)) and all(isinstance(n, str) for n in used)):
        raise TypeError(f"used must be a set of names, got {type(used).__name__}")
    out, solution, indent = [], None, ""
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        if stripped == BEGIN_SOLUTION:
            if solution is not None:
                raise ValueError(f"line {number}: {BEGIN_SOLUTION} inside another solution")
            solution, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END_SOLUTION:
            if solution is None:
                raise ValueError(f"line {number}: {END_SOLUTION} without {BEGIN_SOLUTION}")
            out += _stub(solution, indent, used)
            solution = None
        elif solution is not None:
            solution.append(line)
        else:
            out.append(line)
    if solution is not None:
        raise ValueError(f"{BEGIN_SOLUTION} must be closed by {END_SOLUTION}")
    return "\n".join(out)


def student_notebook(notebook):
    """A copy of ``notebook`` with solutions stubbed, outputs cleared and a banner on top."""
    import nbformat

    student = copy.deepcopy(_notebook("notebook", notebook))
    used = _read_names(cell.source for cell in student.cells if cell.cell_type == "code")
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        cell.source = stub_solutions(cell.source, used)
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
    student.cells.insert(1, nbformat.v4.new_markdown_cell(STUDENT_BANNER))
    return student


def write_student_edition(paths, out_dir):
    """Write the student edition of each notebook into ``out_dir``; return the written paths."""
    import nbformat

    if isinstance(paths, (str, os.PathLike)):
        raise TypeError(f"paths must be a list of notebook paths, got one path {str(paths)!r}")
    paths = [_path("paths", path) for path in paths]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        target = out_dir / path.name
        nbformat.write(student_notebook(notebook), target)
        written.append(target)
    return written


# --- Solutions, for ex1.solution() ---------------------------------------------------------------------


def exercises_module(stem):
    """The name of a notebook's exercises module: ``01_gradients`` -> ``gradients``."""
    if not isinstance(stem, str) or not re.fullmatch(r"\d\d_\w+", stem):
        raise ValueError(f"stem must be a notebook's file stem such as '01_gradients', got {stem!r}")
    return stem[3:]


def solutions(notebook):
    """{"ex1": code, ...}: each exercise cell of ``notebook`` without its solution markers, in order."""
    cells = [cell for cell in _notebook("notebook", notebook).cells
             if cell.cell_type == "code" and BEGIN_SOLUTION in cell.source]
    return {f"ex{number}": "\n".join(line for line in cell.source.split("\n")
                                      if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)).strip()
            for number, cell in enumerate(cells, start=1)}


def solutions_file(stem):
    """Where the solutions of notebook ``stem`` are stored for the learner's ``ex1.solution()``."""
    return SOLUTIONS_DIR / f"{exercises_module(stem)}.json"


def write_solutions(path):
    """Store the solutions of the notebook at ``path`` in the package (course_utils/exercises/solutions)."""
    import nbformat

    path = _path("path", path)
    target = solutions_file(path.stem)
    target.write_text(json.dumps(solutions(nbformat.read(path, as_version=4)), indent=1, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return target


# --- Slides ----------------------------------------------------------------------------------------


def slide_type(cell):
    """The reveal.js role of a cell: headings start slides, solutions are skipped, the rest continues."""
    if not (isinstance(cell, dict) and "cell_type" in cell and "source" in cell):
        raise TypeError(f"cell must be a notebook cell (an item of notebook.cells), got {type(cell).__name__}")
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    if cell.cell_type == "code" and BEGIN_SOLUTION in cell.source:
        return "skip"  # slides are for teaching: the answers stay out of them
    return "-"


def add_slide_metadata(notebook):
    """Set every cell's ``slideshow`` metadata from :func:`slide_type` (in place); return the notebook."""
    for cell in _notebook("notebook", notebook).cells:
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell)}
    return notebook


# --- Execution --------------------------------------------------------------------------------------


def run_notebook(notebook, directory, timeout=600):
    """Execute ``notebook`` (in place) in a fresh kernel started in ``directory``; return each code cell's seconds."""
    import time

    from nbclient import NotebookClient

    _notebook("notebook", notebook)
    directory = _path("directory", directory, folder=True)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    os.environ.update(KERNEL_ENVIRONMENT)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(Path(directory).resolve())}})
    seconds = []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                start = time.perf_counter()
                client.execute_cell(cell, index)
                seconds.append(time.perf_counter() - start)
    return seconds


def execute_notebook(path, timeout=600):
    """Run a notebook top to bottom in a fresh kernel and store its outputs (and slide metadata) in place."""
    import nbformat

    path = _path("path", path)
    notebook = nbformat.read(path, as_version=4)
    run_notebook(notebook, path.parent, timeout)
    nbformat.write(add_slide_metadata(notebook), path)
    return notebook


# --- Hygiene ------------------------------------------------------------------------------------------


def next_notebook(stem):
    """The file name of the notebook after ``stem`` in the course plan, or None for the last one."""
    stems = [entry.stem for entry in COURSE_PLAN]
    if stem not in stems:
        raise ValueError(f"stem {stem!r} is not in the course plan; expected one of {stems}")
    index = stems.index(stem)
    return f"{stems[index + 1]}.ipynb" if index + 1 < len(stems) else None


def _output_texts(output):
    if "text" in output:
        yield output.get("name", "stream"), output["text"]
    for mime, data in output.get("data", {}).items():
        if mime.startswith("text/") or mime == "application/json":
            yield mime, data if isinstance(data, str) else str(data)
    if output.get("output_type") == "error":
        yield "error", "\n".join(output.get("traceback", []))


def hygiene_problems(path, max_bytes=1_000_000):
    """Everything that breaks the course's notebook rules, as a list of sentences (empty: all good)."""
    import nbformat

    path = _path("path", path)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a whole number >= 1, got {max_bytes!r}")
    problems = []
    if path.stat().st_size > max_bytes:
        problems.append(f"file is {path.stat().st_size // 1024} KiB; keep notebooks under {max_bytes // 1000} kB")
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:
        return problems + [f"not a valid notebook: {error}"]
    if notebook.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("kernelspec name is not python3")

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    counts = [cell.execution_count for cell in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(f"not executed top to bottom in a fresh kernel (execution counts {counts})")
    for number, cell in enumerate(code):
        for output in cell.outputs:
            if output.output_type == "error":
                problems.append(f"code cell {number} stores an error ({output.get('ename')})")
            for kind, text in _output_texts(output):
                if kind == "stderr" and _TENSORFLOW_NOISE.search(text):
                    problems.append(f"code cell {number}: TensorFlow log noise in stderr")
                if _ABSOLUTE_PATH.search(text):
                    problems.append(f"code cell {number}: an absolute path in an output")

    wrong_slides = [i for i, cell in enumerate(notebook.cells)
                    if cell.metadata.get("slideshow", {}).get("slide_type") != slide_type(cell)]
    if wrong_slides:
        problems.append(f"cells {wrong_slides[:5]} lack their slide metadata (python -m course_utils.workbook slides)")
    problems += _shape_problems(path.stem, notebook.cells, code, markdown)
    return problems


def _solutions_of(cells):
    import nbformat

    return solutions(nbformat.v4.new_notebook(cells=cells))


def _shape_problems(stem, cells, code, markdown):
    """The design's shape: title and objectives, setup cell, exercises with checks, takeaways, next."""
    problems = []
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        problems.append("the first cell is not a markdown title ('# ...')")
    elif "After this notebook you can" not in cells[0].source:
        problems.append("the first cell has no learning objectives ('After this notebook you can ...')")
    if not code or "course_utils.setup(" not in code[0].source:
        problems.append("the first code cell does not call course_utils.setup(...)")

    headings = [line.strip() for cell in markdown for line in cell.source.splitlines() if line.startswith("## ")]
    for heading in ("## Exercises", "## Key takeaways", "## Common mistakes"):
        if not any(h.startswith(heading) for h in headings):
            problems.append(f"no '{heading}' section")

    exercise_cells = [i for i, cell in enumerate(code) if BEGIN_SOLUTION in cell.source]
    low, high = (1, 4) if stem == "00_start_here" else (2, 4)
    if not low <= len(exercise_cells) <= high:
        problems.append(f"{len(exercise_cells)} exercises with a solution; expected {low} to {high}")
    for i in exercise_cells:
        try:
            compile(stub_solutions(code[i].source), f"code cell {i} (student edition)", "exec")
        except (SyntaxError, ValueError) as error:
            problems.append(f"code cell {i}: the student edition would not run ({error})")
        label = f"ex{exercise_cells.index(i) + 1}"
        if i + 1 >= len(code) or f"{label}.check(" not in code[i + 1].source:
            problems.append(f"code cell {i}: the exercise is not followed by its check cell ({label}.check(...))")
        elif not any(
            text.startswith("✅") for output in code[i + 1].outputs for _, text in _output_texts(output)
        ):
            problems.append(f"code cell {i + 1}: the stored check does not pass with the solution")

    stored = solutions_file(stem) if re.fullmatch(r"\d\d_\w+", stem) else None
    if exercise_cells and (stored is None or not stored.is_file()
                           or json.loads(stored.read_text(encoding="utf-8")) != _solutions_of(cells)):
        problems.append("the stored solutions are out of date (python -m course_utils.workbook solutions)")

    if stem not in {entry.stem for entry in COURSE_PLAN}:
        problems.append("the notebook is not in COURSE_PLAN (course_utils/workbook.py)")
    elif next_notebook(stem) and (not markdown or f"({next_notebook(stem)})" not in markdown[-1].source):
        problems.append(f"the last markdown cell does not link the next notebook, {next_notebook(stem)}")
    return problems


# --- Command line -------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils.workbook", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("execute", "re-execute notebooks in place, in a fresh kernel each"),
        ("student", "write the student edition (solutions stubbed, outputs cleared)"),
        ("lint", "check the notebooks against the course's hygiene rules"),
        ("slides", "set the slide metadata of the notebooks in place (outputs are kept)"),
        ("solutions", "store the notebooks' solutions in the package, for ex1.solution()"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("notebooks", nargs="+", type=Path)
        if name == "student":
            command.add_argument("--out", type=Path, default=Path("build/student"))
    args = parser.parse_args(argv)

    if args.command == "execute":
        for path in args.notebooks:
            print(f"executing {path}", flush=True)
            execute_notebook(path)
    elif args.command == "slides":
        import nbformat

        for path in args.notebooks:
            nbformat.write(add_slide_metadata(nbformat.read(path, as_version=4)), path)
            print(f"slide metadata set in {path}")
    elif args.command == "solutions":
        for path in args.notebooks:
            print(f"wrote {write_solutions(path)}")
    elif args.command == "student":
        for path in write_student_edition(args.notebooks, args.out):
            print(f"wrote {path}")
    else:
        failures = {path: hygiene_problems(path) for path in args.notebooks}
        for path, problems in failures.items():
            for problem in problems:
                print(f"{path}: {problem}")
        if any(failures.values()):
            return 1
        print(f"{len(failures)} notebooks follow the rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
