"""Exercise solutions: the markers around them, and the copies stored for the learner's ``ex1.solution()``.

``course_utils.checks.stored_solution`` reads the stored copies at run time, from the installed package.
"""

import json
import re
from pathlib import Path

import nbformat

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
SOLUTIONS_DIR = Path(__file__).resolve().parents[1] / "course_utils" / "exercises" / "solutions"


def is_exercise(cell):
    """True for a code cell that holds a solution between the markers."""
    return cell.cell_type == "code" and BEGIN_SOLUTION in cell.source


def solutions(notebook):
    """{"ex1": code, ...}: each exercise cell of ``notebook`` without its solution markers, in order."""
    exercises = [cell for cell in notebook.cells if is_exercise(cell)]
    return {f"ex{number}": "\n".join(line for line in cell.source.split("\n")
                                      if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)).strip()
            for number, cell in enumerate(exercises, start=1)}


def exercises_module(stem):
    """The name of a notebook's exercises module: ``01_gradients`` -> ``gradients``."""
    if not re.fullmatch(r"\d\d_\w+", stem):
        raise ValueError(f"stem must be a notebook's file stem such as '01_gradients', got {stem!r}")
    return stem[3:]


def solutions_file(stem):
    """Where the solutions of notebook ``stem`` are stored for the learner's ``ex1.solution()``."""
    return SOLUTIONS_DIR / f"{exercises_module(stem)}.json"


def write_solutions(path):
    """Store the solutions of the notebook at ``path`` in the package; return the file written."""
    path = Path(path)
    target = solutions_file(path.stem)
    text = json.dumps(solutions(nbformat.read(path, as_version=4)), indent=1, ensure_ascii=False)
    target.write_text(text + "\n", encoding="utf-8")
    return target
