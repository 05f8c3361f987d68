"""Slides: one reveal.js deck per notebook, its slide types derived at export time (nothing stored in notebooks)."""

from pathlib import Path

from nbconvert.preprocessors import Preprocessor

from tools.solutions import is_exercise


def slide_type(cell):
    """The reveal.js role of a cell: ``#``/``##`` headings start slides, ``###`` subslides, solutions are skipped."""
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    if is_exercise(cell):
        return "skip"  # slides are for teaching: the answers stay out of them
    return "-"


class SlideTypes(Preprocessor):
    """nbconvert preprocessor: set each cell's ``slideshow`` metadata from :func:`slide_type`.

    Registered as an exporter's ``preprocessors``, it runs before the reveal template's own preprocessor, which
    reads that metadata.
    """

    def preprocess_cell(self, cell, resources, index):
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell)}
        return cell, resources


def write_slides(paths, out_dir):
    """Write a reveal.js deck ``NAME.slides.html`` for each notebook into ``out_dir``; return the written paths."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(preprocessors=[SlideTypes])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in map(Path, paths):
        html, resources = exporter.from_filename(str(path))
        target = out_dir / f"{path.stem}{resources['output_extension']}"
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written
