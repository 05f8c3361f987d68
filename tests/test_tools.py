"""The maintainer's tools/: student-edition stubs, stored solutions, the notebook rules (each shown to fail), the
execution of a notebook (its environment and widget state) and the command line."""

import json
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import solutions
from tools.__main__ import main
from tools.execute import KERNEL_ENVIRONMENT, execute_notebook
from tools.lint import RULES, WIDGET_STATE, WIDGET_VIEW, hygiene_problems
from tools.student import STUDENT_BANNER, stub_solutions, student_notebook, write_student_edition

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
        ("x = 1\n### END SOLUTION", "line 2: ### END SOLUTION without ### BEGIN SOLUTION"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2: ### BEGIN SOLUTION inside another"),
    ],
)
def test_unbalanced_markers_are_reported_with_the_line(source, words):
    with pytest.raises(ValueError, match=words):
        stub_solutions(source)


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
    return notebook


@pytest.fixture(autouse=True)
def stored_solutions(tmp_path, monkeypatch):
    """The good notebook's solutions, stored where the rule looks for them."""
    folder = tmp_path / "solutions"
    folder.mkdir()
    monkeypatch.setattr(solutions, "SOLUTIONS_DIR", folder)
    (folder / "start_here.json").write_text(json.dumps(solutions.solutions(good_notebook())))
    return folder


def write(notebook, tmp_path, name="00_start_here.ipynb"):
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def test_the_minimal_notebook_follows_every_rule(tmp_path):
    assert hygiene_problems(write(good_notebook(), tmp_path)) == []


def _output(text, name="stdout"):
    return new_output("stream", name=name, text=text)


def _widget_view(model_id):
    view = {"version_major": 2, "version_minor": 0, "model_id": model_id}
    return new_output("display_data", {WIDGET_VIEW: view, "text/plain": "IntSlider(value=0)"})


# rule name: (words of the problem it reports, a mutation of the good notebook that breaks it)
MUTATIONS = {
    "size": ("keep notebooks under 1000 kB", lambda nb: nb.cells[1].outputs.append(_output("x" * 1_100_000))),
    "kernelspec": ("kernelspec name is not python3", lambda nb: nb.metadata.kernelspec.update(name="tf-env")),
    "executed_in_order": ("not executed top to bottom", lambda nb: setattr(nb.cells[3], "execution_count", 5)),
    "no_errors": ("stores an error (ZeroDivisionError)", lambda nb: nb.cells[1].outputs.append(
        new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]))),
    "quiet_tensorflow": ("TensorFlow log noise", lambda nb: nb.cells[1].outputs.append(
        _output("I0000 00:00:1 cpu_feature_guard.cc:227] This TensorFlow binary is optimized", "stderr"))),
    "no_absolute_paths": ("an absolute path in an output", lambda nb: nb.cells[1].outputs.append(
        _output("saved to /home/ada/course/plot.png"))),
    "widget_state": ("code cell 0 shows a widget whose state is not stored (model 4f1e)",
                     lambda nb: nb.cells[1].outputs.append(_widget_view("4f1e"))),
    "title": ("not a markdown title", lambda nb: setattr(nb.cells[0], "source", "Start here")),
    "objectives": ("no learning objectives", lambda nb: setattr(nb.cells[0], "source", "# 00 · Start here")),
    "setup_first": ("does not call course_utils.setup", lambda nb: setattr(nb.cells[1], "source", "import numpy")),
    "sections": ("no '## Key takeaways' section", lambda nb: setattr(nb.cells[5], "source", "## Common mistakes")),
    "exercise_count": ("0 exercises with a solution", lambda nb: setattr(nb.cells[3], "source", "mse = 0.5")),
    "student_edition_compiles": ("the student edition would not run", lambda nb: setattr(
        nb.cells[3], "source", "### BEGIN SOLUTION\nmse = 0.5")),
    "check_follows": ("not followed by its check cell (ex1.check(...))",
                      lambda nb: setattr(nb.cells[4], "source", "print(mse)")),
    "check_passes": ("the stored check does not pass", lambda nb: nb.cells[4].outputs[0].data.update(
        {"text/plain": "❌ Not yet: `mse` = 2 is not the expected value."})),
    "solutions_stored": ("the stored solutions are out of date", lambda nb: setattr(
        nb.cells[3], "source", "### BEGIN SOLUTION\nmse = 0.25 * 2\n### END SOLUTION")),
    "planned": ("not in COURSE_PLAN", lambda nb: None),  # the file name breaks it: see FILE_NAMES
    "links_next": ("does not link the next notebook, 01_gradients.ipynb",
                   lambda nb: setattr(nb.cells[6], "source", "The end.")),
}
FILE_NAMES = {"planned": "99_extra.ipynb"}


def test_every_rule_is_listed_with_a_message_and_has_a_mutation():
    assert [each.name for each in RULES] == list(dict.fromkeys(each.name for each in RULES)), "names must be unique"
    assert all(each.message for each in RULES)
    assert {each.name for each in RULES} == set(MUTATIONS)


@pytest.mark.parametrize("name", MUTATIONS)
def test_each_rule_catches_its_violation(tmp_path, name):
    words, mutate = MUTATIONS[name]
    notebook = good_notebook()
    mutate(notebook)
    path = write(notebook, tmp_path, FILE_NAMES.get(name, "00_start_here.ipynb"))
    (rule,) = [each for each in RULES if each.name == name]
    assert any(words in problem for problem in hygiene_problems(path, rules=[rule])), hygiene_problems(path)
    assert any(words in problem for problem in hygiene_problems(path))


def test_a_widget_view_passes_with_its_state_and_a_stale_state_does_not(tmp_path):
    notebook = good_notebook()
    notebook.cells[1].outputs.append(_widget_view("4f1e"))
    notebook.metadata["widgets"] = {WIDGET_STATE: {"state": {"4f1e": {"model_name": "IntSliderModel"}}}}
    assert hygiene_problems(write(notebook, tmp_path)) == []
    notebook.metadata["widgets"][WIDGET_STATE]["state"] = {"9c2a": {"model_name": "IntSliderModel"}}
    assert any("model 4f1e" in problem for problem in hygiene_problems(write(notebook, tmp_path)))


def test_a_broken_file_is_reported_and_a_missing_one_raises(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert hygiene_problems(tmp_path / "broken.ipynb") == ["not a valid notebook: Notebook does not appear to be "
                                                           "JSON: '{not json'"]
    with pytest.raises(FileNotFoundError):
        hygiene_problems(tmp_path / "missing.ipynb")


# --- Student edition and stored solutions -----------------------------------------------------------


def test_student_notebook_stubs_solutions_clears_outputs_and_keeps_the_original():
    original = good_notebook()
    original.cells[4].metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    original.metadata["widgets"] = {WIDGET_STATE: {"state": {}}}
    student = student_notebook(original)
    sources = "\n".join(cell.source for cell in student.cells)
    assert "BEGIN SOLUTION" not in sources and "mse = 0.5" not in sources
    assert "# YOUR CODE HERE\nmse = ..." in sources
    assert student.cells[1].source == STUDENT_BANNER
    code = [cell for cell in student.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None and not cell.metadata for cell in code)
    assert "widgets" not in student.metadata
    assert original.cells[4].outputs and "widgets" in original.metadata, "the instructor's notebook must not change"
    nbformat.validate(student)


def test_the_student_command_writes_one_notebook_each(tmp_path, capsys):
    path = write(good_notebook(), tmp_path)
    assert main(["student", str(path), "--out", str(tmp_path / "student")]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / 'student' / path.name}"
    assert write_student_edition([path], tmp_path / "again") == [tmp_path / "again" / path.name]
    assert nbformat.read(tmp_path / "again" / path.name, as_version=4).cells[1].source == STUDENT_BANNER


def test_solutions_are_the_exercise_cells_without_markers(tmp_path):
    notebook = good_notebook()
    notebook.cells[3].source = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    assert solutions.solutions(notebook) == {"ex1": "def f(x):\n    return 2 * x"}
    path = write(notebook, tmp_path, "03_local_minima.ipynb")
    assert main(["solutions", str(path)]) == 0
    stored = solutions.solutions_file("03_local_minima")
    assert stored.parent == solutions.SOLUTIONS_DIR and stored.name == "local_minima.json"
    assert json.loads(stored.read_text()) == {"ex1": "def f(x):\n    return 2 * x"}
    with pytest.raises(ValueError, match="stem must be a notebook's file stem such as '01_gradients'"):
        solutions.exercises_module("local_minima")


# --- The command line --------------------------------------------------------------------------------


def test_lint_lists_its_rules_and_reports_each_problem(tmp_path, capsys):
    assert main(["lint", "--rules"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{each.name}: {each.message}" for each in RULES]
    good = write(good_notebook(), tmp_path)
    assert main(["lint", str(good)]) == 0
    assert capsys.readouterr().out == "1 notebooks follow the rules\n"
    bad = good_notebook()
    bad.metadata.kernelspec.update(name="tf-env")
    bad_path = write(bad, tmp_path, "bad.ipynb")
    assert main(["lint", str(good), str(bad_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{bad_path}: kernelspec name is not python3" in out and not any(str(good) in line for line in out)


def test_the_command_line_refuses_a_command_without_notebooks(capsys):
    for argv in (["lint"], ["execute"], ["slides"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
    assert "lint needs notebooks to check (or --rules)" in capsys.readouterr().err


# --- Execution: the kernel's environment and the widgets' state ---------------------------------------


ENVIRONMENT_CELL = "import os\nprint({key: os.environ.get(key) for key in %r})" % sorted(KERNEL_ENVIRONMENT)
WIDGET_CELL = "import ipywidgets\nipywidgets.IntSlider(value=3)"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A two-cell notebook executed by execute_notebook, with the kernel's variables absent from this process."""
    path = tmp_path_factory.mktemp("executed") / "widget.ipynb"
    notebook = new_notebook(cells=[new_code_cell(ENVIRONMENT_CELL), new_code_cell(WIDGET_CELL)])
    notebook.metadata["widgets"] = {WIDGET_STATE: {"state": {"stale": {}}}}  # left by an earlier run
    nbformat.write(notebook, path)
    with pytest.MonkeyPatch.context() as patch:
        for key in KERNEL_ENVIRONMENT:
            patch.delenv(key, raising=False)
        before = dict(os.environ)
        execute_notebook(path, timeout=120)
        after = dict(os.environ)
    return path, before, after


@pytest.mark.slow
def test_the_kernel_gets_the_course_environment_and_the_caller_keeps_its_own(executed):
    path, before, after = executed
    assert after == before, "run_notebook must not change the caller's os.environ"
    printed = nbformat.read(path, as_version=4).cells[0].outputs[0].text
    assert printed.strip() == str({key: KERNEL_ENVIRONMENT[key] for key in sorted(KERNEL_ENVIRONMENT)})


@pytest.mark.slow
def test_execution_stores_the_state_of_every_widget_shown(executed):
    path, _, _ = executed
    notebook = nbformat.read(path, as_version=4)
    (view,) = [output.data[WIDGET_VIEW] for output in notebook.cells[1].outputs if WIDGET_VIEW in output.data]
    state = notebook.metadata.widgets[WIDGET_STATE]["state"]
    assert "stale" not in state
    assert state[view["model_id"]]["model_name"] == "IntSliderModel"
    assert state[view["model_id"]]["state"]["value"] == 3
    (widget_rule,) = [each for each in RULES if each.name == "widget_state"]
    assert hygiene_problems(path, rules=[widget_rule]) == []
    del notebook.metadata["widgets"]
    nbformat.write(notebook, path)
    assert hygiene_problems(path, rules=[widget_rule]) == [
        f"code cell 1 shows a widget whose state is not stored (model {view['model_id']}); "
        "python -m tools execute stores it"]
