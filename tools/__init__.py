"""Maintainer tooling for the course: not imported by the notebooks, not installed with course_utils.

Run from the repository's root (the Makefile does)::

    python -m tools execute notebooks/*.ipynb     # re-execute in place: outputs and widget state (make execute)
    python -m tools student notebooks/*.ipynb     # student edition into build/student (make student)
    python -m tools slides notebooks/*.ipynb      # reveal.js slides into build/slides (make slides)
    python -m tools lint notebooks/*.ipynb        # the course's notebook rules (make lint); --rules lists them
    python -m tools solutions notebooks/*.ipynb   # store what ex1.solution() shows (make solutions)
    python -m tools book                          # the static site into build/book/_build/html (make book)
    python -m tools book --fetch                  # only download its npm packages into build/npm (make test's setup)
    python -m tools assignments notebooks/*.ipynb # an nbgrader course into build/grading (make assignments)
    python -m tools grade_demo notebooks/*.ipynb  # that course graded on four simulated students (make grade-demo)

Modules: ``execute`` (run notebooks in a fresh kernel), ``student`` and ``slides`` (nbconvert preprocessors),
``lint`` (the rules), ``solutions`` (the solution markers and the stored solutions), ``book`` (the static site:
a Jupyter Book project generated from the notebooks as stored, built offline), ``assignments`` and
``grade_demo`` (grading with nbgrader).
"""
