"""The setup the README promises: pins that agree with course_utils, markers that resolve, a clear
message for an old Python, and CI that runs the README's test command."""

import os
import re
import subprocess
import sys
import tomllib

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from conftest import ROOT
from course_utils.environment import EXPECTED_VERSIONS, MIN_PYTHON


def requirements(name="requirements.txt"):
    lines = (ROOT / name).read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith(("#", "-e", "-r"))]


def pinned(name, environment=None):
    """The exact versions pinned for ``name`` whose marker holds in ``environment``."""
    return [
        str(spec.version)
        for req in requirements()
        if req.name == name and (req.marker is None or req.marker.evaluate(environment))
        for spec in req.specifier
        if spec.operator == "=="
    ]


def test_every_requirement_is_pinned_exactly():
    for req in requirements() + requirements("requirements-instructor.txt"):
        assert [spec.operator for spec in req.specifier] == ["=="], f"{req} is not pinned with =="
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()
    instructor = (ROOT / "requirements-instructor.txt").read_text().splitlines()
    assert "-r requirements.txt" in instructor  # the instructor's tools on top of the learners' pins, never others
    assert not {req.name for req in requirements()} & {req.name for req in requirements("requirements-instructor.txt")}


@pytest.mark.parametrize(
    "platform, machine, wheel",
    [
        ("linux", "x86_64", "tensorflow-cpu"),  # the CPU-only wheel: about 260 MB instead of 570 MB
        ("linux", "aarch64", "tensorflow"),  # tensorflow-cpu 2.21 has no aarch64 wheel
        ("darwin", "arm64", "tensorflow"),
        ("win32", "AMD64", "tensorflow"),
    ],
)
def test_exactly_one_tensorflow_wheel_per_platform(platform, machine, wheel):
    environment = {**default_environment(), "sys_platform": platform, "platform_machine": machine}
    chosen = {name: pinned(name, environment) for name in ("tensorflow", "tensorflow-cpu")}
    assert chosen[wheel] and len(chosen["tensorflow"] + chosen["tensorflow-cpu"]) == 1, chosen


def test_pins_match_what_course_utils_checks():
    for name, major_minor in EXPECTED_VERSIONS.items():
        versions = pinned(name, {**default_environment(), "sys_platform": "darwin"}) or pinned(name)
        assert versions and all(v.startswith(major_minor + ".") for v in versions), (name, versions)
    assert pinned("tensorflow-cpu", {**default_environment(), "sys_platform": "linux",
                                     "platform_machine": "x86_64"})[0].startswith(EXPECTED_VERSIONS["tensorflow"])


def test_the_declared_dependencies_hold_the_pins():
    """pyproject's dependencies admit the versions requirements.txt pins, from the same major version on."""
    for dependency in map(Requirement, tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]):
        (version,) = pinned(dependency.name)
        (floor,) = [spec.version for spec in dependency.specifier if spec.operator == ">="]
        assert dependency.specifier.contains(version), (str(dependency), version)
        assert floor.split(".")[0] == version.split(".")[0], (str(dependency), version)


def test_python_floor_is_the_same_everywhere():
    floor = ".".join(map(str, MIN_PYTHON))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == f">={floor}"
    makefile = (ROOT / "Makefile").read_text()
    assert f"sys.version_info >= {MIN_PYTHON}" in makefile
    assert f"needs Python {floor} or newer" in makefile


def test_an_old_python_gets_a_clear_message_not_a_traceback(tmp_path):
    """`make` with a Python that reports 3.9 stops before creating the venv and says what to do."""
    fake = tmp_path / "python3.9"
    fake.write_text(
        "#!/bin/sh\n"
        f'exec "{sys.executable}" -c "import sys; sys.version_info = (3, 9, 18, \'final\', 0); '
        'exec(sys.argv[1])" "$2"\n'
    )
    fake.chmod(0o755)
    result = subprocess.run(
        ["make", "--no-print-directory", "setup", f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "This course needs Python 3.11 or newer" in output and "is Python 3.9" in output
    assert "Traceback" not in output
    assert not (tmp_path / "venv").exists()


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:bash|sh)?\n(.*?)```", readme, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make lab", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "run: bash .ci/run" in workflow, "GitHub runs the same entry point as the course's CI"
    # The caches follow what they hold: both pin files (pip), the pins of the site's npm packages (tools/book.py).
    assert "key: pip-${{ hashFiles('requirements.txt', 'requirements-instructor.txt') }}" in workflow
    assert "path: build/npm" in workflow and "key: npm-${{ hashFiles('tools/book.py') }}" in workflow
