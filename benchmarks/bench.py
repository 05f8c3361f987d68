"""Time the course: every notebook and every cell, against the floor of starting a kernel with the imports.

    python benchmarks/bench.py                        # all notebooks; writes build/benchmark.json
    python benchmarks/bench.py notebooks/00_start_here.ipynb --out /tmp/bench.json

The floor is a notebook whose only cell is the one every notebook of the course starts with: ``setup()`` and the
imports (numpy, matplotlib, tensorflow, keras). No notebook can be faster than that. (``setup()`` counts: it freezes
the garbage collector, which makes the kernel's shutdown about 2 s faster.) It runs once to warm the disk cache, then once before each notebook (and at
least FLOOR_RUNS times), so that a busy spell of a shared machine weighs on the floor as on the notebooks: the median
counts. The report gives each notebook's time as a multiple of the floor, and the course total as a multiple of
(number of notebooks x floor).
"""

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tools/ is not installed: it sits beside benchmarks/ at the root

from tools.execute import run_notebook  # noqa: E402

FLOOR_RUNS = 3
FLOOR_SOURCE = ("import course_utils\n\ncourse_utils.setup(seed=0)\n\n"
                "import keras\nimport matplotlib.pyplot as plt\nimport numpy as np\nimport tensorflow as tf")


def cell_seconds(cell):
    """A code cell's seconds in the kernel, from the timestamps nbclient records (0 for a cell it skipped)."""
    timing = cell.metadata.get("execution", {})
    if "iopub.status.busy" not in timing:
        return 0.0
    busy, idle = (datetime.fromisoformat(timing[key]) for key in ("iopub.status.busy", "iopub.status.idle"))
    return (idle - busy).total_seconds()


def timed(notebook, directory):
    """Seconds for the whole run (kernel start included) and for each code cell."""
    start = time.perf_counter()
    run_notebook(notebook, directory, record_timing=True)
    return time.perf_counter() - start, [cell_seconds(cell) for cell in notebook.cells if cell.cell_type == "code"]


def benchmark(paths):
    floor_notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    floors, rows = [], []
    with tempfile.TemporaryDirectory() as directory:
        def floor_run():
            floors.append(timed(floor_notebook, directory)[0])

        timed(floor_notebook, directory)  # warm-up: the first import after a boot or an install reads from disk
        # One floor run before each notebook, so that the floor sees the same moods of a shared machine as the
        # notebooks do; at least FLOOR_RUNS in all. The median counts.
        for path in map(Path, paths):
            floor_run()
            total, cells = timed(nbformat.read(path, as_version=4), path.parent)
            slowest = max(range(len(cells)), key=cells.__getitem__)
            rows.append({"notebook": path.name, "seconds": total, "cells": cells, "slowest_cell": slowest,
                         "slowest_cell_seconds": cells[slowest]})
        while len(floors) < FLOOR_RUNS:
            floor_run()
    floor = statistics.median(floors)
    for row in rows:
        row["floor_ratio"] = row["seconds"] / floor
    course = sum(row["seconds"] for row in rows)
    return {
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "system": platform.system()},
        "floor_seconds": floor,
        "floor_runs_seconds": floors,
        "notebooks": rows,
        "course_seconds": course,
        "course_floor_ratio": course / (len(rows) * floor),
        "slowest_cell_seconds": max(row["slowest_cell_seconds"] for row in rows),
    }


def report(result):
    lines = [f"floor (kernel + setup cell): {result['floor_seconds']:.1f} s", "",
             f"{'notebook':<32} {'time':>7} {'slowest cell':>16} {'time / floor':>13}"]
    for row in result["notebooks"]:
        lines.append(f"{row['notebook']:<32} {row['seconds']:6.1f}s {'#' + str(row['slowest_cell']):>8} "
                     f"{row['slowest_cell_seconds']:5.1f} s {row['floor_ratio']:12.1f}x")
    lines += ["", f"course total {result['course_seconds']:.1f} s = {result['course_floor_ratio']:.2f} x "
                  f"({len(result['notebooks'])} x floor); slowest cell {result['slowest_cell_seconds']:.1f} s"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmark.json")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [str(p) for p in paths if not Path(p).is_file()]
    if missing:
        parser.error(f"no notebook at {', '.join(missing)}")
    result = benchmark(paths)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(report(result))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
