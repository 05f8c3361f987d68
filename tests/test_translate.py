"""Translation catalogues of the notebooks' prose (tools/translate.py): one entry per markdown cell, kept current."""

import gettext
import re

import nbformat
import pytest
from babel.messages.pofile import write_po
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import NOTEBOOKS
from tools.translate import (as_reference, catalogue_path, edition, gist, in_language, message_problems, messages_path,
                             problems, read_catalogue, structure, template, update_catalogues, update_messages,
                             write_edition)


def write_notebook(path, *markdown):
    notebook = new_notebook(cells=[new_code_cell("x = 1")] + [new_markdown_cell(text) for text in markdown])
    nbformat.write(notebook, path)
    return notebook


def translate_all(path, translate):
    catalogue = read_catalogue(path)
    for entry in catalogue:
        if entry.id:
            entry.string = translate(entry.id)
    with open(path, "wb") as file:
        write_po(file, catalogue, width=0)


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "01_tiny.ipynb"
    notebook = write_notebook(path, "# 01 · Tiny\n\nThe `loss` falls: $f(x) = x^2$.", "## 1. More\n\nSee [next](02_b.ipynb).")
    return path, notebook


def test_each_markdown_cell_is_one_entry_keyed_by_notebook_and_cell_id(tiny):
    path, notebook = tiny
    entries = [entry for entry in template(path) if entry.id]
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    assert [entry.context for entry in entries] == [f"01_tiny#{cell.id}" for cell in markdown]
    assert [entry.id for entry in entries] == [cell.source for cell in markdown]


def test_a_changed_cell_turns_stale_and_keeps_its_old_translation(tiny, tmp_path):
    path, notebook = tiny
    (po,) = update_catalogues([path], locale_dir=tmp_path)
    assert po == catalogue_path("01_tiny", locale_dir=tmp_path)
    assert len(problems(path, locale_dir=tmp_path)) == 2 and "not translated" in problems(path, locale_dir=tmp_path)[0]
    translate_all(po, lambda english: english.replace("falls", "下降").replace("More", "更多"))
    assert problems(path, locale_dir=tmp_path) == []
    notebook.cells[1].source += " Then it rises."
    del notebook.cells[2]
    nbformat.write(notebook, path)
    (stale,) = problems(path, locale_dir=tmp_path)
    assert f"01_tiny#{notebook.cells[1].id}" in stale and "stale" in stale
    update_catalogues([path], locale_dir=tmp_path)
    (entry,) = [entry for entry in read_catalogue(po) if entry.id]
    assert entry.fuzzy and "下降" in entry.string  # stale, with the old translation kept to revise
    assert "stale" in problems(path, locale_dir=tmp_path)[0]


def test_a_changed_cell_keeps_its_own_translation_not_a_similar_cell_s(tmp_path):
    path = tmp_path / "01_twins.ipynb"
    notebook = write_notebook(path, "The loss falls fast here.", "The loss falls slowly here.")
    (po,) = update_catalogues([path], locale_dir=tmp_path)
    translate_all(po, lambda english: "损失下降得很快。" if "fast" in english else "损失下降得很慢。")
    notebook.cells[2].source = "The loss falls fast here, then slowly."
    del notebook.cells[1]
    nbformat.write(notebook, path)
    update_catalogues([path], locale_dir=tmp_path)
    (entry,) = [entry for entry in read_catalogue(po) if entry.id]
    assert entry.fuzzy and entry.string == "损失下降得很慢。"


@pytest.mark.parametrize("translated, differs", [
    ("# 01 · 小\n\n`loss` 下降：$f(x) = x^2$。", None),
    ("## 01 · 小\n\n`loss` 下降：$f(x) = x^2$。", "heading levels"),
    ("# 01 · 小\n\n`损失` 下降：$f(x) = x^2$。", "inline code"),
    ("# 01 · 小\n\n`loss` 下降：f(x) = x^2。", "inline formulas ($)"),
])
def test_a_translation_keeps_headings_code_and_formulas(translated, differs):
    english, other = structure("# 01 · Tiny\n\nThe `loss` falls: $f(x) = x^2$."), structure(translated)
    assert [name for name in english if english[name] != other[name]] == ([differs] if differs else [])


def test_links_and_code_blocks_must_survive_translation():
    english = structure("See [next](02_b.ipynb).\n\n```python\nx = 1\n```")
    assert structure("见[下一本](02_b.ipynb)。\n\n```python\nx = 1\n```") == english
    assert structure("见[下一本](03_c.ipynb)。\n\n```python\nx = 1\n```")["link targets"] != english["link targets"]
    assert structure("见[下一本](02_b.ipynb)。\n\n```python\nx = 2\n```")["code blocks"] != english["code blocks"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_catalogues_hold_the_current_english_of_every_markdown_cell(path):
    """After editing a notebook's prose, run `python -m tools translate` on it: its entry then turns stale."""
    committed = {entry.context: entry.id for entry in read_catalogue(catalogue_path(path.stem)) if entry.id}
    current = {entry.context: entry.id for entry in template(path) if entry.id}
    assert committed == current


# --- course_utils's messages ------------------------------------------------------------------------------------

@pytest.fixture
def package(tmp_path):
    """A tiny package with one translated, one constant and one untranslatable message."""
    folder = tmp_path / "course_utils"
    folder.mkdir()
    (folder / "talk.py").write_text('from course_utils.i18n import N_, _\n\nBYE = N_("Bye")\n\n\n'
                                    'def hello(name):\n    return _("Hello {name}").format(name=name)\n')
    return folder


def translate_messages(po, translations):
    catalogue = read_catalogue(po)
    for entry in catalogue:
        if entry.id in translations:
            entry.string = translations[entry.id]
    with open(po, "wb") as file:
        write_po(file, catalogue, width=0)


def test_messages_are_extracted_translated_and_compiled(package):
    po = update_messages(package_dir=package)
    assert po == messages_path(package_dir=package)
    assert {entry.id for entry in read_catalogue(po) if entry.id} == {"Bye", "Hello {name}"}
    assert sum("not translated" in problem for problem in message_problems(package_dir=package)) == 2
    translate_messages(po, {"Bye": "再见", "Hello {name}": "你好，{name}"})
    assert any(".mo is not compiled" in problem for problem in message_problems(package_dir=package))
    update_messages(package_dir=package)
    assert message_problems(package_dir=package) == []
    chinese = gettext.translation("course_utils", package / "locale", languages=["zh_CN"])
    assert chinese.gettext("Hello {name}").format(name="Ada") == "你好，Ada"


def test_a_translation_must_keep_the_placeholders_and_a_text_must_not_be_built_first(package):
    po = update_messages(package_dir=package)
    translate_messages(po, {"Bye": "再见", "Hello {name}": "你好，{名字}"})
    update_messages(package_dir=package)
    (problem,) = message_problems(package_dir=package)
    assert "placeholders ['名字'] instead of ['name']" in problem
    (package / "more.py").write_text('from course_utils.i18n import _\n\n\ndef f(x):\n    return _(f"x is {x}")\n')
    assert any("more.py:5: _() of a built text" in problem for problem in message_problems(package_dir=package))
    for built in ('"x is " + x', '"x is {}".format(x)', '"x is %s" % x'):
        (package / "more.py").write_text(f'from course_utils.i18n import _\n\n\ndef f(x):\n    return _({built})\n')
        assert any("more.py:5: _() of a built text" in problem for problem in message_problems(package_dir=package))
    (package / "more.py").write_text('from course_utils.talk import BYE\nfrom course_utils.i18n import _\n\n\n'
                                     'def f(hints):\n    return _(BYE), _(hints[0])\n')  # marked N_ where defined
    assert not any("built text" in problem for problem in message_problems(package_dir=package))


def test_the_language_is_chosen_by_setup_or_the_environment(monkeypatch):
    from course_utils import i18n

    monkeypatch.setattr(i18n, "_chosen", None)
    monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, "zh_CN")
    assert i18n.current_language() == "zh"
    monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, "klingon")
    assert i18n.current_language() == "en"
    i18n.set_language("zh")
    assert i18n.current_language() == "zh"
    assert i18n._("") == "", "not the catalogue's header"
    for name in ("zh_CN", "zh-Hans", " ZH_cn.UTF-8"):
        monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, name)
        assert i18n._code(name) == "zh"
        i18n.set_language(name)
        assert i18n.current_language() == "zh"
    assert isinstance(i18n._catalogue("zh"), gettext.GNUTranslations), "the package ships its compiled Chinese"
    with pytest.raises(ValueError, match=r"language must be one of \['en', 'zh'\], got 'fr'"):
        i18n.set_language("fr")


def test_the_package_messages_are_complete_and_current():
    """After changing a message in course_utils, run `python -m tools translate notebooks/*.ipynb` and translate it."""
    assert message_problems() == []


# --- The Chinese edition ---------------------------------------------------------------------------------------

GLOSSARY_ROW = re.compile(r"^\| ([^|]+?) \| ([^|]+?) \| (\d\d) \|$", re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_edition_has_the_english_code_and_translated_prose(path):
    english, chinese = nbformat.read(path, as_version=4), edition(path)
    assert [cell.id for cell in chinese.cells] == [cell.id for cell in english.cells]
    code = [(a.source, b.source) for a, b in zip(english.cells, chinese.cells) if a.cell_type == "code"]
    (first_english, first_chinese), *rest = code
    assert first_chinese == first_english.replace("course_utils.setup(seed=0", 'course_utils.setup(seed=0, language="zh"', 1)
    assert all(a == b for a, b in rest), "code cells are never translated"
    markdown = [cell.source for cell in chinese.cells if cell.cell_type == "markdown"]
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in markdown)
    assert not any(cell.get("outputs") for cell in chinese.cells) and chinese.metadata.course == {"language": "zh"}


def test_the_glossary_s_terms_are_the_ones_the_chinese_edition_uses():
    """Each glossary row's Chinese (one of its variants) appears in the edition of the notebook the row names."""
    english = nbformat.read(NOTEBOOKS[0], as_version=4)
    glossary = next(cell.source for cell in english.cells if "| English | 中文 | notebook |" in cell.source)
    rows = GLOSSARY_ROW.findall(glossary)
    assert len(rows) > 25
    prose = {path.stem[:2]: "\n".join(cell.source for cell in edition(path).cells if cell.cell_type == "markdown")
             for path in NOTEBOOKS}
    missing = [(english, chinese, number) for english, chinese, number in rows
               if not any(variant.strip() in prose[number]
                          for variant in re.split(r"[/(),（），、]", chinese) if variant.strip())]
    assert missing == []


def test_an_edition_is_refused_until_every_cell_is_translated(tiny, tmp_path):
    path, notebook = tiny
    update_catalogues([path], locale_dir=tmp_path)
    with pytest.raises(ValueError, match=r"01_tiny.ipynb is not fully translated:\n.*not translated"):
        edition(path, locale_dir=tmp_path)


def test_an_english_and_a_chinese_reply_have_the_same_gist_when_they_say_the_same():
    assert gist("✅ Correct: `x` is 2 times too large (0.5).") == gist("✅ 正确：`x` 大了 2 倍（0.5）。")
    assert gist("✅ Correct: 2 of 3") == gist("✅ 正确：3 个中的 2 个"), "a translation may reorder the values"
    assert gist("❌ Not yet: `x` is 2 times too large.") != gist("✅ 正确：`x` 大了 2 倍。"), "the verdict counts"
    assert gist("❌ `x` is 2 times too large.") != gist("❌ `x` 大了 3 倍。"), "the values count"
    assert gist("📝 a ❌ b") != gist("❌ a 📝 b"), "so does the verdicts' order"


def test_a_chinese_line_compares_as_the_english_line_it_says_the_same_as():
    english = "✅ Correct: `W1` is right, 2 of 3.\nlearning rate 0.1: converges ✓"
    assert as_reference(english, "✅ 正确：`W1` 是对的，3 个中的 2 个。\n学习率 0.1：收敛 ✓") == english
    for changed in ("❌ 还不对：`W1` 是对的，3 个中的 2 个。\n学习率 0.1：收敛 ✓",  # another verdict
                    "✅ 正确：`b1` 是对的，3 个中的 2 个。\n学习率 0.1：收敛 ✓",  # another name
                    "✅ 正确：`W1` 是对的，3 个中的 1 个。\n学习率 0.1：收敛 ✓",  # another value
                    "✅ 正确：`W1` 是对的，3 个中的 2 个。\n学习率 0.1：发散 ✗",  # another symbol
                    "✅ 正确：`W1` 是对的，3 个中的 2 个。\nlearning rate 0.1: diverges ✓",  # English that changed
                    "✅ 正确：`W1` 是对的，\n3 个中的 2 个。\n学习率 0.1：收敛 ✓"):  # another line
        assert as_reference(english, changed) != english, changed


def test_a_translation_must_keep_its_numbers(package):
    """The Chinese run compares course_utils's messages by gist: a number a translation drops or adds is a problem."""
    (package / "more.py").write_text('from course_utils.i18n import _\n\nX = _("the top of a 3-D bump")\n')
    po = update_messages(package_dir=package)
    translate_messages(po, {"Bye": "再见", "Hello {name}": "你好，{name}", "the top of a 3-D bump": "三维隆起的顶部"})
    update_messages(package_dir=package)
    (problem,) = message_problems(package_dir=package)
    assert "the numbers [] instead of ['3']" in problem
    translate_messages(po, {"the top of a 3-D bump": "3D 隆起的顶部"})
    update_messages(package_dir=package)
    assert message_problems(package_dir=package) == []


def test_the_setup_call_gets_the_language_once_or_a_clear_error():
    assert in_language("import course_utils\ncourse_utils.setup(seed=0)", "zh") == \
        'import course_utils\ncourse_utils.setup(seed=0, language="zh")'
    assert in_language("course_utils.setup()", "zh") == 'course_utils.setup(language="zh")'
    for source in ("import course_utils", 'course_utils.setup(language="en")', "course_utils.setup(seed=int(0))",
                   "course_utils.setup()\ncourse_utils.setup()"):
        with pytest.raises(ValueError, match="must call course_utils.setup"):
            in_language(source, "zh")


def test_the_chinese_student_edition_and_slides_are_made_from_the_chinese_edition(tmp_path):
    from tools.slides import write_slides
    from tools.student import BANNERS, student_notebook

    (path,) = write_edition([NOTEBOOKS[1]], tmp_path / "zh", execute=False)
    chinese, english = nbformat.read(path, as_version=4), nbformat.read(NOTEBOOKS[1], as_version=4)
    student, english_student = student_notebook(chinese), student_notebook(english)
    assert [cell.source for cell in student.cells if cell.cell_type == "code"][1:] == \
        [cell.source for cell in english_student.cells if cell.cell_type == "code"][1:], "the same stubs"
    assert student.cells[1].source == BANNERS["zh"], "the banner in Chinese"
    assert re.search("[\u4e00-\u9fff]", student.cells[0].source)
    (slides,) = write_slides([path], tmp_path / "slides")
    assert re.search("[\u4e00-\u9fff]", slides.read_text(encoding="utf-8"))


def test_the_words_of_a_display_formula_translate_its_maths_does_not():
    english = structure(r"$$g \approx \frac{f(x+h) - f(x)}{h} \quad \text{(forward difference)}$$")
    assert structure(r"$$g \approx \frac{f(x+h) - f(x)}{h} \quad \text{（前向差分）}$$") == english
    assert structure(r"$$g \approx \frac{f(x+h) - f(x-h)}{2h} \quad \text{（前向差分）}$$") != english
