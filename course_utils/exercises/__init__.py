"""The exercises of each notebook, one module per notebook (``01_gradients`` -> ``gradients``).

A notebook's exercise section starts with ``from course_utils.exercises.gradients import ex1, ex2, ex3``;
each ``exN`` is a :class:`course_utils.checks.Exercise`. A module owns its exercises' data: a check never
recomputes the answer from variables the learner may have changed.
"""
