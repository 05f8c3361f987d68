"""The course plan: the notebooks in study order, as data (notebook 00 shows it as a table)."""

from typing import NamedTuple

from course_utils.i18n import N_, _


class PlannedNotebook(NamedTuple):
    """One notebook of the course: file stem, title (English; ``_(title)`` is the notebook's translated H1 title),
    minutes of study, source-article points it teaches."""

    stem: str
    title: str
    minutes: int
    article_points: tuple


#: The notebooks in study order; every one exists in notebooks/ (tests/test_course.py).
#: Article points: the points of the source article that each notebook teaches, numbered in the article's order.
COURSE_PLAN = (
    PlannedNotebook("00_start_here", N_("Start here"), 15, ()),
    PlannedNotebook("01_gradients", N_("Gradients"), 25, (1,)),
    PlannedNotebook("02_learning_rate", N_("Choosing a learning rate"), 30, (2,)),
    PlannedNotebook("03_local_minima", N_("Local minima and random initialisation"), 25, (3,)),
    PlannedNotebook("04_backprop", N_("Backpropagation"), 30, (4,)),
    PlannedNotebook("05_sgd_momentum", N_("SGD, momentum, Nesterov and decay"), 30, (6,)),
    PlannedNotebook("06_rmsprop_adam", N_("RMSprop and Adam"), 30, (7, 8)),
    PlannedNotebook("07_optimizers_in_keras", N_("Optimizers in Keras (capstone)"), 30, (5, 9)),
)


def course_map():
    """The course's notebooks as a Markdown table, each linked (relative to the notebooks' folder)."""
    rows = [_("| # | Notebook | Article points | Minutes |"), "|---|---|---|---|"]
    for entry in COURSE_PLAN:
        points = ", ".join(map(str, entry.article_points)) or "–"
        rows.append(f"| {entry.stem[:2]} | [{_(entry.title)}]({entry.stem}.ipynb) | {points} | {entry.minutes} |")
    total = sum(entry.minutes for entry in COURSE_PLAN)
    rows.append(_("| | **Total** | | **{total}** |").format(total=total))
    return "\n".join(rows)


def next_notebook(stem):
    """The file name of the notebook after ``stem`` in the course plan, or None for the last one."""
    stems = [entry.stem for entry in COURSE_PLAN]
    if stem not in stems:
        raise ValueError(f"stem {stem!r} is not in the course plan; expected one of {stems}")
    index = stems.index(stem)
    return f"{stems[index + 1]}.ipynb" if index + 1 < len(stems) else None
