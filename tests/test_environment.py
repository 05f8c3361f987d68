"""course_utils.setup and the version check: fail fast with a fix, stay quiet and deterministic."""

import re
import subprocess
import sys
import textwrap

import pytest

from conftest import assert_chinese
from course_utils import environment
from course_utils.environment import CourseEnvironmentError, require_versions


def run_python(code):
    """Run code in a fresh interpreter (sys.modules and TensorFlow's state start empty); return stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_matching_versions_pass_whatever_the_patch_release():
    require_versions({"tensorflow": "2.21.7", "keras": "3.15.0"}, python=(3, 11))
    require_versions({"tensorflow": "2.21.0rc1", "keras": "3.15.1"}, python=(3, 13))


def test_wrong_versions_fail_fast_naming_each_problem_and_the_fix(monkeypatch):
    monkeypatch.delenv(environment.ALLOW_OTHER_VERSIONS_VARIABLE, raising=False)
    with pytest.raises(CourseEnvironmentError) as caught:
        require_versions({"tensorflow": "2.15.1", "keras": "2.15.0"}, python=(3, 10))
    message = str(caught.value)
    assert "Python 3.10 is too old" in message and "3.11 or newer" in message
    assert "tensorflow 2.15.1 is installed" in message and "2.21.x" in message
    assert "keras 2.15.0 is installed" in message and "3.15.x" in message
    assert "make lab" in message and "pip install -r requirements.txt" in message


def test_a_missing_package_is_named():
    with pytest.raises(CourseEnvironmentError, match="keras is not installed"):
        require_versions({"keras": None}, python=(3, 11))


def test_mismatch_can_be_allowed_explicitly(monkeypatch):
    monkeypatch.setenv(environment.ALLOW_OTHER_VERSIONS_VARIABLE, "1")
    with pytest.warns(UserWarning, match="keras 3.99.0 is installed"):
        require_versions({"keras": "3.99.0"}, python=(3, 11))


def test_setup_without_tensorflow_does_not_import_it():
    out, _ = run_python(
        """
        import sys
        import course_utils
        course_utils.setup(seed=3, tensorflow=False)
        print("tensorflow" in sys.modules)
        """
    )
    assert out.splitlines() == ["Environment OK: Python 3.{}, NumPy {}, Matplotlib {} | seed 3".format(
        sys.version_info[1], *[".".join(v.split(".")[:2]) for v in (
            __import__("numpy").__version__, __import__("matplotlib").__version__)]
    ), "False"]


@pytest.mark.slow
def test_setup_makes_tensorflow_quiet_deterministic_and_checked():
    out, err = run_python(
        """
        import gc
        import os
        import course_utils
        course_utils.setup(seed=7)
        frozen = gc.get_freeze_count()
        import tensorflow as tf
        from tensorflow.python.framework import config  # the public API has no getter
        print(os.environ["TF_CPP_MIN_LOG_LEVEL"], os.environ["TF_ENABLE_ONEDNN_OPTS"])
        print(config.is_op_determinism_enabled())
        first = tf.random.normal([4]).numpy()
        course_utils.setup(seed=7, quiet=True)  # again, after ops ran: the thread settings are already in force
        print((tf.random.normal([4]).numpy() == first).all())
        threading = tf.config.threading
        print(threading.get_intra_op_parallelism_threads(), threading.get_inter_op_parallelism_threads())
        print(frozen > 100_000, gc.get_freeze_count() <= frozen)  # the imports frozen once, not what ran after
        print(tf.keras.layers.Dense(2).name)  # builds nothing; TensorFlow stays silent
        """
    )
    lines = out.splitlines()
    assert re.fullmatch(
        r"Environment OK: Python 3\.\d+, NumPy \d+\.\d+, TensorFlow 2\.21, Keras 3\.15, Matplotlib \d+\.\d+ "
        r"\| seed 7, deterministic ops",
        lines[0],
    ), lines[0]
    assert lines[1:6] == ["3 0", "True", "True", "1 2", "True True"]
    assert err == "", err  # not one TensorFlow log line


@pytest.mark.slow
def test_setup_warns_when_tensorflow_was_imported_first():
    _, err = run_python(
        """
        import os
        os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)
        import tensorflow
        import course_utils
        course_utils.setup(quiet=True)
        """
    )
    assert "TensorFlow was imported before course_utils.setup()" in err


def test_summary_is_stable_across_patch_releases():
    line = environment.environment_summary(seed=0, tensorflow=False)
    assert not re.search(r"\d+\.\d+\.\d+", line), line


def test_in_chinese_the_summary_and_the_environment_problems_are_chinese(chinese, monkeypatch):
    line = environment.environment_summary(seed=3, tensorflow=False)
    assert re.fullmatch(r"环境正常：Python 3\.\d+, NumPy \d+\.\d+, Matplotlib \d+\.\d+ \| 随机种子 3", line), line
    monkeypatch.delenv(environment.ALLOW_OTHER_VERSIONS_VARIABLE, raising=False)
    with pytest.raises(CourseEnvironmentError) as caught:
        require_versions({"tensorflow": "2.15.1", "keras": None}, python=(3, 10))
    problems = str(caught.value).splitlines()
    assert problems[:3] == ["Python 3.10 太旧了：本课程需要 Python 3.11 或更新的版本。",
                            "已安装的是 tensorflow 2.15.1，但本课程是为 tensorflow 2.21.x 编写的。",
                            "keras 没有安装（本课程需要 keras 3.15）。"]
    assert problems[3].startswith("解决方法：") and "`make lab`" in problems[3]
    assert problems[4] == "如果仍要继续（风险自负），请设置环境变量 COURSE_UTILS_ALLOW_OTHER_VERSIONS=1。"
    for problem in problems:
        assert_chinese(problem)
