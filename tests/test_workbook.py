"""Workbook tooling: student-edition stubs, the course map, and the hygiene rules (each shown to fail)."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_utils import workbook
from course_utils.workbook import hygiene_problems, stub_solutions, student_notebook

# --- Stubs ----------------------------------------------------------------------------------------


def test_stub_replaces_solution_by_the_names_it_defines():
    source = "x = 1\n### BEGIN SOLUTION\nerrors = y - t\nmse = (errors**2).mean()\n### END SOLUTION\nprint(mse)"
    assert stub_solutions(source) == "x = 1\n# YOUR CODE HERE\nerrors = ...\nmse = ...\nprint(mse)"


def test_stub_inside_a_function_keeps_it_valid_and_returns_ellipsis():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n    ### END SOLUTION\n"
    stub = stub_solutions(source)
    assert stub == "def f(x):\n    # YOUR CODE HERE\n    return ...\n"  # no outline of the solution's steps
    namespace = {}
    exec(stub, namespace)
    assert namespace["f"](3) is Ellipsis


def test_stub_keeps_only_the_names_the_rest_of_the_notebook_reads():
    source = "### BEGIN SOLUTION\nerrors = y - t\nmse = (errors**2).mean()\n### END SOLUTION"
    assert stub_solutions(source, used={"mse", "y"}) == "# YOUR CODE HERE\nmse = ..."
    with pytest.raises(TypeError, match="used must be a set of names"):
        stub_solutions(source, used=["mse"])


def test_stub_of_a_function_loop_and_bare_expression():
    source = (
        "### BEGIN SOLUTION\nimport numpy as np\ndef g(a):\n    return a\nfor i in range(3):\n"
        "    total = i\nprint(total)\n### END SOLUTION"
    )
    assert stub_solutions(source) == "# YOUR CODE HERE\ng = ...\ntotal = ..."
    indented = "if True:\n    ### BEGIN SOLUTION\n    print(1)\n    ### END SOLUTION\n"
    assert stub_solutions(indented) == "if True:\n    # YOUR CODE HERE\n    pass\n"
    compile(stub_solutions(indented), "<stub>", "exec")


@pytest.mark.parametrize(
    "source, words",
    [
        ("### BEGIN SOLUTION\nx = 1", "must be closed by ### END SOLUTION"),
        ("x = 1\n### END SOLUTION", "without ### BEGIN SOLUTION"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another solution"),
    ],
)
def test_unbalanced_markers_are_reported_with_the_line(source, words):
    with pytest.raises(ValueError, match=words):
        stub_solutions(source)
    with pytest.raises(TypeError, match="source must be"):
        stub_solutions(["x = 1"])


# --- A minimal notebook that follows every rule ---------------------------------------------------


def good_notebook():
    cells = [
        new_markdown_cell("# 00 · Start here\n\n**After this notebook you can** do things."),
        new_code_cell("import course_utils\ncourse_utils.setup()", execution_count=1),
        new_markdown_cell("## Exercises"),
        new_code_cell("### BEGIN SOLUTION\nmse = 0.5\n### END SOLUTION", execution_count=2),
        new_code_cell(
            "ex1.check(mse)",
            execution_count=3,
            outputs=[new_output("execute_result", {"text/plain": "✅ Correct: mse = 0.5."}, execution_count=3)],
        ),
        new_markdown_cell("## Key takeaways\n\n- one\n\n## Common mistakes\n\n- two"),
        new_markdown_cell("**Next:** [01 · Gradients](01_gradients.ipynb)"),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return workbook.add_slide_metadata(notebook)


@pytest.fixture(autouse=True)
def stored_solutions(tmp_path, monkeypatch):
    """The good notebook's solutions, stored where the hygiene rule looks for them."""
    folder = tmp_path / "solutions"
    folder.mkdir()
    monkeypatch.setattr(workbook, "SOLUTIONS_DIR", folder)
    (folder / "start_here.json").write_text(json.dumps(workbook.solutions(good_notebook())))
    return folder


def problems_of(notebook, tmp_path, name="00_start_here.ipynb"):
    path = tmp_path / name
    nbformat.write(notebook, path)
    return hygiene_problems(path)


def test_the_minimal_notebook_follows_every_rule(tmp_path):
    assert problems_of(good_notebook(), tmp_path) == []


def _stderr(text):
    return new_output("stream", name="stderr", text=text)


MUTATIONS = {
    "not executed top to bottom": lambda nb: setattr(nb.cells[3], "execution_count", 5),
    "stores an error (ZeroDivisionError)": lambda nb: nb.cells[1].outputs.append(
        new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])
    ),
    "TensorFlow log noise": lambda nb: nb.cells[1].outputs.append(
        _stderr("I0000 00:00:1 cpu_feature_guard.cc:227] This TensorFlow binary is optimized")
    ),
    "an absolute path in an output": lambda nb: nb.cells[1].outputs.append(
        new_output("stream", name="stdout", text="saved to /home/ada/course/plot.png")
    ),
    "kernelspec name is not python3": lambda nb: nb.metadata.kernelspec.update(name="tf-env"),
    "not a markdown title": lambda nb: setattr(nb.cells[0], "source", "Start here"),
    "no learning objectives": lambda nb: setattr(nb.cells[0], "source", "# 00 · Start here"),
    "does not call course_utils.setup": lambda nb: setattr(nb.cells[1], "source", "import numpy"),
    "no '## Key takeaways' section": lambda nb: setattr(nb.cells[5], "source", "## Common mistakes"),
    "no '## Exercises' section": lambda nb: setattr(nb.cells[2], "source", "## Practice"),
    "0 exercises with a solution": lambda nb: setattr(nb.cells[3], "source", "mse = 0.5"),
    "not followed by its check cell (ex1.check(...))": lambda nb: setattr(nb.cells[4], "source", "print(mse)"),
    "the stored solutions are out of date": lambda nb: setattr(
        nb.cells[3], "source", "### BEGIN SOLUTION\nmse = 0.25 * 2\n### END SOLUTION"),
    "the stored check does not pass": lambda nb: nb.cells[4].outputs[0].data.update(
        {"text/plain": "❌ Not yet: `mse` = 2 is not the expected value."}
    ),
    "the student edition would not run": lambda nb: setattr(
        nb.cells[3], "source", "### BEGIN SOLUTION\nmse = 0.5"
    ),
    "does not link the next notebook, 01_gradients.ipynb": lambda nb: setattr(nb.cells[6], "source", "The end."),
    "lack their slide metadata": lambda nb: nb.cells[2].metadata.pop("slideshow"),
}


@pytest.mark.parametrize("words", MUTATIONS)
def test_each_hygiene_rule_catches_its_violation(tmp_path, words):
    notebook = good_notebook()
    MUTATIONS[words](notebook)
    problems = problems_of(notebook, tmp_path)
    assert any(words in problem for problem in problems), problems


def test_size_limit_and_invalid_json_and_unplanned_names(tmp_path):
    notebook = good_notebook()
    notebook.cells[1].outputs.append(new_output("stream", name="stdout", text="x" * 2_000))
    path = tmp_path / "00_start_here.ipynb"
    nbformat.write(notebook, path)
    assert any("keep notebooks under 1 kB" in p for p in hygiene_problems(path, max_bytes=1000))
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert any("not a valid notebook" in p for p in hygiene_problems(tmp_path / "broken.ipynb"))
    assert any("not in COURSE_PLAN" in p for p in problems_of(good_notebook(), tmp_path, "99_extra.ipynb"))


# --- Student edition and course map ---------------------------------------------------------------


def test_student_notebook_stubs_solutions_clears_outputs_and_keeps_the_original():
    original = good_notebook()
    student = student_notebook(original)
    sources = "\n".join(cell.source for cell in student.cells)
    assert "BEGIN SOLUTION" not in sources and "mse = 0.5" not in sources
    assert "# YOUR CODE HERE\nmse = ..." in sources
    assert workbook.STUDENT_BANNER in student.cells[1].source
    assert all(not c.outputs and c.execution_count is None for c in student.cells if c.cell_type == "code")
    assert original.cells[4].outputs, "the instructor's notebook must not change"
    nbformat.validate(student)


def test_solutions_are_the_exercise_cells_without_markers(tmp_path):
    notebook = good_notebook()
    notebook.cells[3].source = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    assert workbook.solutions(notebook) == {"ex1": "def f(x):\n    return 2 * x"}
    path = tmp_path / "03_local_minima.ipynb"
    nbformat.write(notebook, path)
    assert json.loads(workbook.write_solutions(path).read_text()) == {"ex1": "def f(x):\n    return 2 * x"}
    assert workbook.exercises_module("03_local_minima") == "local_minima"
    with pytest.raises(ValueError, match="stem must be"):
        workbook.exercises_module("local_minima")


def test_course_map_links_only_existing_notebooks_and_totals_the_minutes(tmp_path):
    (tmp_path / "01_gradients.ipynb").write_text("{}")
    table = workbook.course_map(tmp_path)
    assert "| 01 | [Gradients](01_gradients.ipynb) | 1 | 25 |" in table
    assert "| 02 | Choosing a learning rate *(coming soon)* | 2 | 30 |" in table
    assert f"**{sum(n.minutes for n in workbook.COURSE_PLAN)}**" in table
    with pytest.raises(ValueError, match="notebook_dir must be an existing folder"):
        workbook.course_map(tmp_path / "missing")


def test_next_notebook_follows_the_plan():
    assert workbook.next_notebook("00_start_here") == "01_gradients.ipynb"
    assert workbook.next_notebook("07_optimizers_in_keras") is None
    with pytest.raises(ValueError, match="not in the course plan"):
        workbook.next_notebook("08_extra")


def test_slide_types_follow_the_headings_and_skip_solutions():
    types = [workbook.slide_type(cell) for cell in good_notebook().cells]
    assert types == ["slide", "-", "slide", "skip", "-", "slide", "-"]
