"""One call at the top of every notebook: versions checked, seeds set, TensorFlow quiet and deterministic.

``setup()`` makes a fresh kernel produce the same outputs as the stored ones, which is what the
course's tests (nbval) compare, and what a learner reads.
"""

import gc
import importlib.metadata
import os
import random
import sys
import warnings

import numpy as np

from course_utils._validate import as_bool, as_int
from course_utils.i18n import N_, _, set_language

#: What the course was written and tested for (``requirements.txt`` pins the exact releases).
MIN_PYTHON = (3, 11)
EXPECTED_VERSIONS = {"tensorflow": "2.21", "keras": "3.15"}

#: Set to 1 to turn a version mismatch into a warning (at your own risk).
ALLOW_OTHER_VERSIONS_VARIABLE = "COURSE_UTILS_ALLOW_OTHER_VERSIONS"

#: Set before TensorFlow is first imported: level 3 keeps its C++ log lines out of the notebooks'
#: outputs; oneDNN off makes float results the same on CPUs with and without AVX-512 extensions.
TENSORFLOW_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}

_FIX = N_(
    "Fix: in the workbook's folder run `make lab` (it installs the pinned versions into .venv and "
    "starts JupyterLab with them), or run `pip install -r requirements.txt` in this kernel's "
    "environment; then restart the kernel."
)


class CourseEnvironmentError(RuntimeError):
    """The Python, TensorFlow or Keras in this kernel is not what the course needs."""


def _major_minor(version):
    return ".".join(version.split(".")[:2])


def installed_version(distribution, *alternatives):
    """Version string of the first installed distribution among the names given, else None."""
    for name in (distribution, *alternatives):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def require_versions(versions, python=None):
    """Raise :class:`CourseEnvironmentError` if Python or the packages in ``versions`` are not the course's.

    versions: package name -> installed version (None: not installed), for names in EXPECTED_VERSIONS.
    Only major.minor is compared, so patch releases pass. ``python`` is a ``(major, minor)`` tuple,
    the running interpreter's by default.
    """
    if not isinstance(versions, dict):
        raise TypeError(f"versions must be a dict of package name -> version string, got {type(versions).__name__}")
    python = tuple(sys.version_info[:2]) if python is None else tuple(python)
    problems = []
    if python < MIN_PYTHON:
        problems.append(
            _("Python {found} is too old: the course needs Python {needed} or newer.").format(
                found=f"{python[0]}.{python[1]}", needed=f"{MIN_PYTHON[0]}.{MIN_PYTHON[1]}")
        )
    unknown = set(versions) - set(EXPECTED_VERSIONS)
    if unknown:
        raise ValueError(f"versions names {sorted(unknown)}; expected names among {sorted(EXPECTED_VERSIONS)}")
    for name, found in versions.items():
        wanted = EXPECTED_VERSIONS[name]
        if found is None:
            problems.append(_("{name} is not installed (the course needs {name} {wanted}).").format(
                name=name, wanted=wanted))
        elif _major_minor(found) != wanted:
            problems.append(_("{name} {found} is installed, but the course was written for {name} {wanted}.x.").format(
                name=name, found=found, wanted=wanted))
    if not problems:
        return
    message = "\n".join(problems + [_(_FIX)])
    if os.environ.get(ALLOW_OTHER_VERSIONS_VARIABLE) == "1":
        going_on = _("(Going on because {variable}=1.)").format(variable=ALLOW_OTHER_VERSIONS_VARIABLE)
        warnings.warn(f"{message}\n{going_on}", stacklevel=3)
        return
    anyway = _("To go on anyway, at your own risk, set the environment variable {variable}=1.").format(
        variable=ALLOW_OTHER_VERSIONS_VARIABLE)
    raise CourseEnvironmentError(f"{message}\n{anyway}")


def _quiet_tensorflow_environment():
    """Set TensorFlow's environment variables; warn if it is too late for them to take effect."""
    late = "tensorflow" in sys.modules and any(
        os.environ.get(key) != value for key, value in TENSORFLOW_ENVIRONMENT.items()
    )
    os.environ.update(TENSORFLOW_ENVIRONMENT)
    if late:
        warnings.warn(
            _("TensorFlow was imported before course_utils.setup(), so its log lines may appear in the "
              "outputs. Restart the kernel and run the setup cell first."),
            stacklevel=3,
        )


def environment_summary(seed=None, tensorflow=True):
    """One line naming the versions in use (major.minor only, so it is stable across patch releases)."""
    import matplotlib

    parts = [f"Python {sys.version_info[0]}.{sys.version_info[1]}", f"NumPy {_major_minor(np.__version__)}"]
    if tensorflow:
        import keras
        import tensorflow as tf

        parts += [f"TensorFlow {_major_minor(tf.__version__)}", f"Keras {_major_minor(keras.__version__)}"]
    parts.append(f"Matplotlib {_major_minor(matplotlib.__version__)}")
    versions = ", ".join(parts)
    if seed is None:
        return _("Environment OK: {versions}").format(versions=versions)
    if tensorflow:
        return _("Environment OK: {versions} | seed {seed}, deterministic ops").format(versions=versions, seed=seed)
    return _("Environment OK: {versions} | seed {seed}").format(versions=versions, seed=seed)


def setup(seed=0, *, tensorflow=True, quiet=False, language=None):
    """Prepare a notebook: check versions, seed everything, make TensorFlow quiet and deterministic.

    seed: int >= 0, seeds Python's ``random``, NumPy's global generator and TensorFlow.
    tensorflow: import and configure TensorFlow (False for NumPy-only notebooks: faster start).
    quiet: do not print the one-line environment summary.
    language: of the course's messages (checks, hints, plots), ``"en"`` or ``"zh"``; None keeps the current one
    (``COURSE_LANGUAGE``, else English).
    """
    seed = as_int("seed", seed, 0, 2**32 - 1)
    tensorflow = as_bool("tensorflow", tensorflow)
    if language is not None:
        set_language(language)

    if tensorflow:
        _quiet_tensorflow_environment()
        require_versions(
            {
                "tensorflow": installed_version("tensorflow", "tensorflow-cpu"),
                "keras": installed_version("keras"),
            }
        )
        _configure_tensorflow(seed)
    else:
        require_versions({})
    random.seed(seed)
    np.random.seed(seed)

    from course_utils.plotting import apply_style

    apply_style()
    if not quiet:
        print(environment_summary(seed, tensorflow))
    _spare_the_imports_from_garbage_collection()


def _spare_the_imports_from_garbage_collection():
    """Keep the garbage collector from scanning what the imports built, once per kernel (``gc.freeze``).

    TensorFlow and Keras leave about 370,000 objects behind at import, and every full collection scanned them all
    again (about 0.3 s each, one to three times per notebook). Only the first call freezes: a later one (Run All
    again) would also freeze the first run's models, which then could never be freed.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()


def _configure_tensorflow(seed):
    import keras
    import tensorflow as tf

    if keras.config.backend() != "tensorflow":
        raise CourseEnvironmentError(
            _("Keras is using the {backend} backend; the course needs 'tensorflow'. Fix: unset the KERAS_BACKEND "
              "environment variable (or set it to tensorflow) and restart the kernel.").format(
                backend=repr(keras.config.backend()))
        )
    tf.get_logger().setLevel("ERROR")
    # The course's models are tiny: one thread per op, two ops at a time, beats a thread pool per op (measured
    # 10-25 % faster fits on 2 cores, same results). Fixed at the first op; later calls with the same values are
    # no-ops, so running setup again (Run All twice) is fine.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(2)
    # Seeds Python, NumPy and TensorFlow; must come before op determinism, or random ops raise.
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
