"""Translations of the notebooks' prose: one gettext catalogue per notebook, one entry per markdown cell.

``locale/zh_CN/notebooks/01_gradients.po`` holds an entry for each markdown cell of ``01_gradients.ipynb``: its
context is ``01_gradients#<cell id>``, its ``msgid`` the English source, its ``msgstr`` the translation. Code cells
are never copied: an edition in another language is generated from the English notebooks. When the English of a
cell changes, :func:`update_catalogues` marks its entry fuzzy (stale), keeping the old translation to revise.
"""

import re
from collections import Counter
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "locale"

# What a translation must keep as it is: the markdown's structure, formulas, code and links.
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_PATTERNS = {
    "heading levels": re.compile(r"^(#{1,6}) ", re.M),
    "inline code": re.compile(r"`(?:[^`\n]|\n(?!\s*\n))+`"),  # may wrap onto the next line
    "link targets": re.compile(r"\]\(([^)\s]+)\)"),
    "display formulas": re.compile(r"\$\$.+?\$\$", re.S),
}


def catalogue_path(stem, language="zh_CN", locale_dir=LOCALE_DIR):
    return Path(locale_dir) / language / "notebooks" / f"{stem}.po"


def template(path):
    """The catalogue of one notebook's markdown cells, untranslated, in the notebook's order."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    catalogue = Catalog(project=path.stem, charset="utf-8", fuzzy=False)
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    for number, cell in enumerate(markdown, start=1):
        catalogue.add(cell.source, context=f"{path.stem}#{cell.id}",
                      auto_comments=[f"markdown cell {number} of {len(markdown)}"])
    return catalogue


def read_catalogue(path):
    with open(path, "rb") as file:
        return read_po(file, charset="utf-8")


def update_catalogues(paths, language="zh_CN", locale_dir=LOCALE_DIR):
    """Create or update each notebook's catalogue: new cells get empty entries, changed cells fuzzy ones (stale:
    their old translation is kept to revise), deleted cells disappear. Returns the written paths."""
    written = []
    for path in map(Path, paths):
        fresh = template(path)
        target = catalogue_path(path.stem, language, locale_dir)
        if target.exists():
            catalogue = read_catalogue(target)
            fresh.creation_date = catalogue.creation_date  # no date-only changes in the file
            catalogue.update(fresh, update_header_comment=False)
            catalogue.obsolete.clear()
        else:
            catalogue = fresh
            catalogue.locale = language
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as file:
            write_po(file, catalogue, width=0, sort_output=False)
        written.append(target)
    return written


def structure(text):
    """What must be the same in a cell and its translation: headings' levels, inline code, links, formulas and
    fenced code blocks (as multisets), and the number of inline formulas."""
    blocks = _FENCE.findall(text)
    prose = _FENCE.sub("", text)
    found = {name: Counter(" ".join(match.split()) for match in pattern.findall(prose))  # a wrap is a space
             for name, pattern in _PATTERNS.items()}
    found["code blocks"] = Counter(blocks)
    found["inline formulas ($)"] = Counter({"$": _PATTERNS["display formulas"].sub("", prose).count("$")})
    return found


def problems(path, language="zh_CN", locale_dir=LOCALE_DIR):
    """What keeps a notebook's translation from being complete and current, one line per cell."""
    path = Path(path)
    target = catalogue_path(path.stem, language, locale_dir)
    if not target.exists():
        return [f"{target} is missing: run python -m tools translate {path}"]
    by_cell = {entry.context: entry for entry in read_catalogue(target) if entry.id}
    found = []
    for expected in template(path):
        if not expected.id:
            continue
        entry = by_cell.get(expected.context)
        where = f"{target.name}: {expected.context} ({expected.auto_comments[0]})"
        if entry is None or not entry.string:
            found.append(f"{where}: not translated")
        elif entry.fuzzy or entry.id != expected.id:
            found.append(f"{where}: stale (the English changed since it was translated)")
        else:
            english, translated = structure(entry.id), structure(entry.string)
            found += [f"{where}: {name} differ" for name in english if english[name] != translated[name]]
    return found
