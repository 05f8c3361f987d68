"""`make slides`: one reveal.js deck per notebook, slide types derived at export (tools/slides.py)."""

import copy

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import NOTEBOOKS
from tools.slides import SlideTypes, write_slides


def test_slides_start_at_headings_and_leave_out_the_solutions(tmp_path):
    decks = write_slides(NOTEBOOKS, tmp_path)
    assert decks == [tmp_path / f"{path.stem}.slides.html" for path in NOTEBOOKS]
    for path, deck in zip(NOTEBOOKS, decks):
        html = deck.read_text(encoding="utf-8")
        assert "reveal" in html.lower(), deck
        notebook = nbformat.read(path, as_version=4)
        assert not any("slideshow" in cell.metadata for cell in notebook.cells), f"{path} stores slide metadata"
        typed, _ = SlideTypes().preprocess(copy.deepcopy(notebook), {})
        types = [cell.metadata.slideshow.slide_type for cell in typed.cells]
        headings = [cell.source.lstrip().startswith(("# ", "## ")) for cell in notebook.cells
                    if cell.cell_type == "markdown"]
        assert types.count("slide") == sum(headings), f"{path}: every # and ## heading starts a slide"
        assert html.count("<section") >= types.count("slide") + types.count("subslide"), deck
        # A solution cell would appear as a highlighted comment (as it does in a plain HTML export).
        assert '<span class="c1">### BEGIN SOLUTION</span>' not in html, f"{deck} shows a solution"


def test_slide_types_follow_the_headings_and_skip_solutions():
    cells = [new_markdown_cell("# 00 · Title"), new_code_cell("x = 1"), new_markdown_cell("  ## Section\ntext"),
             new_markdown_cell("### Part"), new_code_cell("### BEGIN SOLUTION\nmse = 0.5\n### END SOLUTION"),
             new_markdown_cell("#hashtag, not a heading")]
    typed, _ = SlideTypes().preprocess(new_notebook(cells=cells), {})
    assert [cell.metadata.slideshow.slide_type for cell in typed.cells] == ["slide", "-", "slide", "subslide",
                                                                            "skip", "-"]
