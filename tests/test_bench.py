"""The benchmark runs (on one small notebook) and writes valid JSON; timing goals are not tested here."""

import json
import statistics
import subprocess
import sys

import nbformat

from conftest import ROOT


def test_benchmark_runs_on_one_notebook_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"),
                             str(ROOT / "notebooks" / "00_start_here.ipynb"), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    (row,) = data["notebooks"]
    assert row["notebook"] == "00_start_here.ipynb" and row["seconds"] > 0 and data["floor_seconds"] > 0
    code_cells = [c for c in nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", 4).cells if c.cell_type == "code"]
    assert len(row["cells"]) == len(code_cells) and row["cells"][row["slowest_cell"]] == max(row["cells"])
    assert data["course_floor_ratio"] == row["seconds"] / data["floor_seconds"]
    floors = data["floor_runs_seconds"]
    assert len(floors) >= 3 and data["floor_seconds"] == statistics.median(floors)
    assert "course total" in result.stdout and "time / floor" in result.stdout


def test_benchmark_rejects_a_missing_notebook(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "nope.ipynb"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "no notebook at nope.ipynb" in result.stderr
