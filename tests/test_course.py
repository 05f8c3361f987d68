"""The course plan (course_utils.course): every planned notebook exists, and notebook 00's map links them all."""

import re
from pathlib import Path

import pytest

from course_utils.course import COURSE_PLAN, course_map, next_notebook
from tools.translate import catalogue_path, read_catalogue

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"


def test_the_plan_is_exactly_the_notebooks_in_study_order():
    """A planned notebook that does not exist would be a dead link in 00's map: it cannot be planned before it
    is written."""
    assert [path.stem for path in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))] == [e.stem for e in COURSE_PLAN]


def test_course_map_links_every_notebook_and_totals_the_minutes():
    table = course_map().splitlines()
    assert table[:2] == ["| # | Notebook | Article points | Minutes |", "|---|---|---|---|"]
    assert "| 01 | [Gradients](01_gradients.ipynb) | 1 | 25 |" in table
    assert "| 06 | [RMSprop and Adam](06_rmsprop_adam.ipynb) | 7, 8 | 30 |" in table
    assert "| 00 | [Start here](00_start_here.ipynb) | – | 15 |" in table
    assert len(table) == 2 + len(COURSE_PLAN) + 1
    assert table[-1] == f"| | **Total** | | **{sum(entry.minutes for entry in COURSE_PLAN)}** |"


def test_next_notebook_follows_the_plan():
    assert next_notebook("00_start_here") == "01_gradients.ipynb"
    assert next_notebook("07_optimizers_in_keras") is None
    with pytest.raises(ValueError, match="not in the course plan"):
        next_notebook("08_extra")


def translated_h1_title(stem):
    """The title in the translated H1 of a notebook (``# 01 · 梯度``), from its catalogue."""
    for entry in read_catalogue(catalogue_path(stem)):
        found = re.match(r"# \d\d · (.+)", entry.string or "")
        if found:
            return found.group(1)
    raise AssertionError(f"no translated H1 title in {catalogue_path(stem)}")


def test_in_chinese_the_map_names_each_notebook_by_its_translated_title(chinese):
    table = course_map().splitlines()
    assert table[0] == "| # | 笔记本 | 原文要点 | 分钟 |"
    assert table[-1] == f"| | **合计** | | **{sum(entry.minutes for entry in COURSE_PLAN)}** |"
    for entry, row in zip(COURSE_PLAN, table[2:]):
        assert f"| [{translated_h1_title(entry.stem)}]({entry.stem}.ipynb) |" in row
