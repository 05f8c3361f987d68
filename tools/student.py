"""The student edition: each solution replaced by a stub, outputs cleared, a banner on top.

The stubs keep Run All working: ``name = ...`` for each name the solution defines that the rest of the notebook
reads (only ``return ...`` inside a function), so each check answers "not solved yet" instead of a NameError.
"""

import ast
import copy
import textwrap
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, Preprocessor

from tools.solutions import BEGIN_SOLUTION, END_SOLUTION

STUDENT_BANNER = (
    "**Student edition.** Each exercise cell holds `...` where your code goes. Write it, run the cell, "
    "then run the check cell below it for feedback. Stuck? `ex1.hint()` (for exercise 1) gives a hint; "
    "ask again for more."
)
#: The banner of an edition in another language (its metadata's ``course.language``, set by tools.translate).
BANNERS = {
    "en": STUDENT_BANNER,
    "zh": "**学生版。** 每个练习单元格在该写代码的地方留着 `...`。写好后运行这个单元格，再运行它下面的检查单元格获取"
          "反馈。卡住了？`ex1.hint()`（练习 1）会给出一条提示；再调用一次可以得到更多提示。",
}
#: Cell metadata that belongs to the outputs, cleared with them.
OUTPUT_METADATA = {"collapsed", "scrolled", "execution"}


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


def stub_solutions(source, used=None):
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of a cell's source by a stub.

    used: the names the rest of the notebook reads; a solution's other names are not stubbed (None: all).
    """
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


def read_names(sources):
    """Every name the code outside the solutions reads."""
    names = set()
    for source in sources:
        tree = ast.parse(stub_solutions(source))
        names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return names


def names_read(notebook):
    """Every name the notebook's code outside the solutions reads: the names its stubs keep."""
    return read_names(cell.source for cell in notebook.cells if cell.cell_type == "code")


def clear_outputs(notebook):
    """Clear ``notebook``'s outputs in place, with the cell metadata and the widget state that belong to them."""
    notebook, _ = ClearOutputPreprocessor(remove_metadata_fields=OUTPUT_METADATA).preprocess(notebook, {})
    notebook.metadata.pop("widgets", None)  # the widgets' state went with the outputs
    return notebook


class StubSolutions(Preprocessor):
    """nbconvert preprocessor: stub each solution (see :func:`stub_solutions`) and put the banner on top."""

    def preprocess(self, nb, resources):
        resources["names_read"] = names_read(nb)
        nb, resources = super().preprocess(nb, resources)
        language = nb.metadata.get("course", {}).get("language", "en")
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(BANNERS[language]))
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.source = stub_solutions(cell.source, resources["names_read"])
        return cell, resources


def student_notebook(notebook):
    """A copy of ``notebook`` with solutions stubbed, outputs cleared and a banner on top."""
    student, _ = StubSolutions().preprocess(copy.deepcopy(notebook), {})
    return clear_outputs(student)


def write_student_edition(paths, out_dir):
    """Write the student edition of each notebook into ``out_dir``; return the written paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in map(Path, paths):
        target = out_dir / path.name
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written
