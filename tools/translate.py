"""Translations: of the notebooks' prose (a catalogue per notebook) and of course_utils's messages (one domain).

``locale/zh_CN/notebooks/01_gradients.po`` holds an entry for each markdown cell of ``01_gradients.ipynb``: its
context is ``01_gradients#<cell id>``, its ``msgid`` the English source, its ``msgstr`` the translation. Code cells
are never copied: an edition in another language is generated from the English notebooks. When the English of a
cell changes, :func:`update_catalogues` marks its entry fuzzy (stale), keeping the old translation to revise.
"""

import ast
import io
import re
import unicodedata
from collections import Counter
from pathlib import Path
from string import Formatter

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
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
_TEXT_IN_FORMULA = re.compile(r"\\text\{[^{}]*\}")


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
            before = {entry.context: entry.string for entry in catalogue if entry.id and entry.string}
            fresh.creation_date = catalogue.creation_date  # no date-only changes in the file
            catalogue.update(fresh, no_fuzzy_matching=True, update_header_comment=False)  # Babel's ignores contexts
            catalogue.obsolete.clear()
            for entry in catalogue:  # a changed cell keeps its own old translation, marked stale
                if entry.id and not entry.string and entry.context in before:
                    entry.string = before[entry.context]
                    entry.flags.add("fuzzy")
        else:
            catalogue = fresh
            catalogue.locale = language
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as file:
            write_po(file, catalogue, width=0, sort_output=False)
        written.append(target)
    return written


def structure(text):
    """What must be the same in a cell and its translation: headings' levels, inline code, links, formulas (but the
    words of their ``\\text{...}``) and fenced code blocks (as multisets), and the number of inline formulas."""
    blocks = _FENCE.findall(text)
    prose = _FENCE.sub("", text)
    found = {name: Counter(" ".join(match.split()) for match in pattern.findall(prose))  # a wrap is a space
             for name, pattern in _PATTERNS.items()}
    found["display formulas"] = Counter(_TEXT_IN_FORMULA.sub(r"\\text{…}", formula)  # words in a formula translate
                                        for formula in found["display formulas"].elements())
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


# --- The messages of course_utils (checks, hints, environment, plots): one gettext domain ---------------------------

PACKAGE_DIR = ROOT / "course_utils"


def messages_path(language="zh_CN", package_dir=PACKAGE_DIR):
    return Path(package_dir) / "locale" / language / "LC_MESSAGES" / "course_utils.po"


def messages_template(package_dir=PACKAGE_DIR):
    """Every text of the package marked with ``_`` or ``N_``, with where it is used."""
    catalogue = Catalog(project="course_utils", charset="utf-8", fuzzy=False)
    found = extract_from_dir(package_dir, method_map=[("**.py", "python")], keywords={"_": None, "N_": None},
                             comment_tags=("TRANSLATORS:",), strip_comment_tags=True)
    for filename, line, message, comments, context in found:
        catalogue.add(message, locations=[(f"course_utils/{filename}", line)], auto_comments=comments, context=context)
    return catalogue


def _built(node):
    """An f-string, a concatenation or ``%``, or a ``"...".format(...)``/``.join``: a text built, not looked up."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("format", "join"))


def untranslatable_calls(package_dir=PACKAGE_DIR):
    """``_(f"...")`` calls (or a concatenation, ``%`` or ``.format`` inside): gettext cannot look up a text that is
    built before it is translated. ``_(HINT)``, a constant marked ``N_`` where it is defined, is fine."""
    found = []
    for path in sorted(Path(package_dir).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "N_") and \
                    node.args and _built(node.args[0]):
                found.append(f"{path.relative_to(Path(package_dir).parent)}:{node.lineno}: _() of a built text; "
                             "use _(\"... {name} ...\").format(name=...)")
    return found


def _compiled(catalogue):
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


def update_messages(language="zh_CN", package_dir=PACKAGE_DIR):
    """Create or update the package's catalogue (new texts empty, changed ones fuzzy) and compile it to ``.mo``."""
    fresh, target = messages_template(package_dir), messages_path(language, package_dir)
    if target.exists():
        catalogue = read_catalogue(target)
        fresh.creation_date = catalogue.creation_date
        catalogue.update(fresh, update_header_comment=False)
        catalogue.obsolete.clear()
    else:
        catalogue = fresh
        catalogue.locale = language
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as file:
        write_po(file, catalogue, width=0, sort_output=False)
    target.with_suffix(".mo").write_bytes(_compiled(read_catalogue(target)))
    return target


def _fields(text):
    return sorted(field for _, field, _, _ in Formatter().parse(text) if field is not None)


def _literal(text):
    """``text`` without its fields."""
    return "".join(literal for literal, *_ in Formatter().parse(text))


def message_problems(language="zh_CN", package_dir=PACKAGE_DIR):
    """What keeps the package's messages from being complete, current and safe to format, one line each."""
    target = messages_path(language, package_dir)
    if not target.exists():
        return [f"{target} is missing: run python -m tools translate"]
    catalogue = read_catalogue(target)
    found = untranslatable_calls(package_dir)
    current = {message.id for message in messages_template(package_dir) if message.id}
    stored = {message.id for message in catalogue if message.id}
    found += [f"course_utils.po lacks {text!r:.80}: run python -m tools translate" for text in sorted(current - stored)]
    found += [f"course_utils.po holds a text no longer used: {text!r:.80}" for text in sorted(stored - current)]
    for message in catalogue:
        if not message.id:
            continue
        where = f"course_utils.po: {message.id!r:.60}"
        if not message.string:
            found.append(f"{where}: not translated")
        elif message.fuzzy:
            found.append(f"{where}: stale (the English changed since it was translated)")
        elif _fields(message.id) != _fields(message.string):
            found.append(f"{where}: placeholders {_fields(message.string)} instead of {_fields(message.id)}")
        elif _numbers(_literal(message.id)) != _numbers(_literal(message.string)):
            found.append(f"{where}: the numbers {_numbers(_literal(message.string))} instead of "
                         f"{_numbers(_literal(message.id))} (a translation keeps them: tools.translate.gist)")
    if not target.with_suffix(".mo").exists() or target.with_suffix(".mo").read_bytes() != _compiled(catalogue):
        found.append(f"{target.with_suffix('.mo')} is not compiled from the .po: run python -m tools translate")
    return found


# --- An edition in another language: generated from the English notebooks ----------------------------------------

#: The setup call every notebook starts with; the edition adds its language to it.
_SETUP_CALL = re.compile(r"course_utils\.setup\(([^()]*)\)")


def in_language(setup_source, language):
    """The setup cell's source with ``language=`` added to its ``course_utils.setup(...)`` call (one, without it)."""
    calls = _SETUP_CALL.findall(setup_source)
    if len(calls) != 1 or "language=" in calls[0]:
        raise ValueError(f"the setup cell must call course_utils.setup(...) once, without language=; got "
                         f"{setup_source!r:.120}")
    arguments = calls[0].strip()
    return _SETUP_CALL.sub(f'course_utils.setup({arguments + ", " if arguments else ""}language="{language}")',
                           setup_source, count=1)


def edition(path, language="zh", locale="zh_CN", locale_dir=LOCALE_DIR):
    """The notebook at ``path`` in another language, outputs cleared: each markdown cell from its catalogue, and
    ``language=`` added to the setup call of its first code cell (so that course_utils's messages follow). Every
    other code cell is the English one. Raises ValueError when the translation is not complete and current."""
    path = Path(path)
    missing = problems(path, locale, locale_dir)
    if missing:
        raise ValueError(f"{path.name} is not fully translated:\n" + "\n".join(missing))
    translated = {entry.context: entry.string for entry in read_catalogue(catalogue_path(path.stem, locale, locale_dir))}
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    setup_cell = code[0] if code else None
    if setup_cell is None or len(_SETUP_CALL.findall(setup_cell.source)) != 1:
        raise ValueError(f"{path.name} must call course_utils.setup(...) once in its first code cell")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = translated[f"{path.stem}#{cell.id}"]
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    setup_cell.source = in_language(setup_cell.source, language)  # later setup() calls keep the language
    notebook.metadata.pop("widgets", None)
    notebook.metadata["course"] = {"language": language}
    return notebook


def write_edition(paths, out_dir, language="zh", execute=True):
    """Write the edition of each notebook into ``out_dir``, executed unless ``execute`` is False; return the paths."""
    from tools.execute import run_notebook

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in map(Path, paths):
        notebook, target = edition(path, language), out_dir / Path(path).name
        if execute:
            print(f"executing {target}", flush=True)
            run_notebook(notebook, out_dir)
        nbformat.write(notebook, target)
        written.append(target)
    return written


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _numbers(text):
    """The numbers written in ``text``, sorted (a translation may order them differently)."""
    return sorted(_NUMBER.findall(text))


def gist(text):
    """What ``text`` says in any language: its symbols (✅, ❌, ✓...) in order, and its code spans and numbers in any
    order (a translation may reorder them; every translation keeps its message's numbers: ``message_problems``)."""
    symbols = [char for char in text if unicodedata.category(char) == "So"]
    spans = sorted(re.findall(r"`[^`]+`", text))
    return " ".join(symbols) + " | " + " ".join(spans) + " | " + " ".join(_numbers(re.sub(r"`[^`]+`", "", text)))


#: A Chinese character (CJK unified ideographs).
CHINESE = re.compile("[\u4e00-\u9fff]")


def as_reference(reference, translated):
    """``translated`` with each line that says in Chinese what the same line of ``reference`` says in English (the
    same gist) replaced by that line: the two then compare equal exactly when they say the same. Another number of
    lines, or a line that is not Chinese, stays as it is."""
    lines, ours = reference.split("\n"), translated.split("\n")
    if len(lines) != len(ours):
        return translated
    return "\n".join(line if (mine != line and CHINESE.search(mine) and gist(mine) == gist(line)) else mine
                     for line, mine in zip(lines, ours))
