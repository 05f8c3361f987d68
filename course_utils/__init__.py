"""Helpers for the workbook *Optimizers, learning rate and backpropagation with TensorFlow*.

Every notebook starts with::

    import course_utils
    course_utils.setup()

Importing this package is cheap: submodules load on first use, and TensorFlow is imported only by
the functions that need it (``setup(tensorflow=True)`` among them), so the NumPy helpers work without it.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("checks", "environment", "plotting")
_LAZY_ATTRIBUTES = {
    "setup": "environment",
    "environment_summary": "environment",
    "Feedback": "checks",
}

__all__ = ["setup", "environment_summary", "Feedback", *_SUBMODULES]


def __getattr__(name):
    """Import submodules and their main functions on first access (PEP 562)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_ATTRIBUTES:
        module = importlib.import_module(f"{__name__}.{_LAZY_ATTRIBUTES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
