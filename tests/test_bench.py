"""The benchmark's bookkeeping, on a one-cell notebook and a floor without TensorFlow (timing goals are not tested)."""

import importlib.util
import json
import statistics

import nbformat
import pytest

from conftest import ROOT


@pytest.fixture
def bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "FLOOR_SOURCE", "import numpy")
    return module


@pytest.mark.slow
def test_benchmark_times_every_cell_against_the_floor_and_writes_json(bench, tmp_path, capsys):
    notebook = tmp_path / "01_tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                                   nbformat.v4.new_markdown_cell("text"),
                                                   nbformat.v4.new_code_cell("import time\ntime.sleep(0.3)")]),
                   notebook)
    out = tmp_path / "bench.json"
    assert bench.main([str(notebook), "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    (row,) = data["notebooks"]
    assert row["notebook"] == "01_tiny.ipynb" and len(row["cells"]) == 2
    assert row["slowest_cell"] == 1 and row["cells"][1] >= 0.3 and row["seconds"] > sum(row["cells"])
    floors = data["floor_runs_seconds"]
    assert len(floors) >= bench.FLOOR_RUNS and data["floor_seconds"] == statistics.median(floors)
    assert data["course_floor_ratio"] == row["seconds"] / data["floor_seconds"]
    printed = capsys.readouterr().out
    assert "course total" in printed and "time / floor" in printed


def test_benchmark_rejects_a_missing_notebook(bench, capsys):
    with pytest.raises(SystemExit):
        bench.main(["nope.ipynb"])
    assert "no notebook at nope.ipynb" in capsys.readouterr().err
