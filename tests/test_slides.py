"""`make slides`: one reveal.js deck per notebook, built from the notebooks' slide metadata."""

import subprocess

import nbformat

from conftest import NOTEBOOKS, ROOT


def test_make_slides_writes_one_deck_per_notebook_without_the_solutions():
    subprocess.run(["make", "--no-print-directory", "slides"], cwd=ROOT, check=True, capture_output=True)
    for path in NOTEBOOKS:
        deck = ROOT / "build" / "slides" / f"{path.stem}.slides.html"
        html = deck.read_text(encoding="utf-8")
        assert "reveal" in html.lower(), deck
        notebook = nbformat.read(path, as_version=4)
        slides = sum(cell.metadata["slideshow"]["slide_type"] in ("slide", "subslide") for cell in notebook.cells)
        assert html.count("<section") >= slides, deck
        # A solution cell would appear as a highlighted comment (as it does in a plain HTML export).
        assert '<span class="c1">### BEGIN SOLUTION</span>' not in html, f"{deck} shows a solution"
