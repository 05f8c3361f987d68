"""Helpers for the workbook *Optimizers, learning rate and backpropagation with TensorFlow*.

Every notebook starts with::

    import course_utils
    course_utils.setup()

Importing this package imports NumPy and ``setup`` only. A notebook imports the modules it uses
(``from course_utils import landscapes``), and none of them imports TensorFlow or Keras when imported: the
functions that need them import them (``setup(tensorflow=True)`` among them), so the NumPy helpers work without.
"""

from course_utils.environment import setup

__version__ = "0.1.0"

__all__ = ["setup"]
