"""Executing notebooks: a fresh kernel each, started in the notebook's folder with the course's environment."""

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_utils.environment import TENSORFLOW_ENVIRONMENT

#: The kernel's environment for executing notebooks (``make execute`` and the tests alike).
KERNEL_ENVIRONMENT = {**TENSORFLOW_ENVIRONMENT, "PYTHONHASHSEED": "0"}


def run_notebook(notebook, directory, timeout=600, record_timing=False):
    """Execute ``notebook`` in place in a fresh kernel started in ``directory``, and return it.

    The kernel gets ``KERNEL_ENVIRONMENT`` on top of this process's environment, which is left unchanged. nbclient
    stores the widgets' state in the notebook's metadata (so that static renderings show the widgets) and the
    kernel's ``language_info``; record_timing: also each code cell's timestamps, in ``metadata.execution``.
    """
    notebook.metadata.pop("widgets", None)  # an earlier run's state names models that no longer exist
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=record_timing,
                            resources={"metadata": {"path": str(Path(directory).resolve())}})
    return client.execute(env={**os.environ, **KERNEL_ENVIRONMENT})


def execute_notebook(path, timeout=600):
    """Run the notebook at ``path`` top to bottom in a fresh kernel and store its outputs in place."""
    path = Path(path)
    notebook = run_notebook(nbformat.read(path, as_version=4), path.parent, timeout)
    nbformat.write(notebook, path)
    return notebook
