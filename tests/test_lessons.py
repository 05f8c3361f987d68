"""Each notebook's conclusions hold on its own experiments.

For every notebook with a claims file ``tests/lessons/NN_name.py``, the notebook runs top to bottom in one kernel
and the claims file then runs in that same kernel, so it sees the very variables whose printed values and figures
the prose interprets. A claims file calls ``claim(quote, holds, detail)`` once per conclusion:

- ``quote`` is a passage of the notebook's markdown, copied exactly (whitespace may differ): rewording the prose
  without revisiting its claim fails here, as does deleting it;
- ``holds`` is the experiment's verdict (a bool), computed from the notebook's variables;
- ``detail`` (optional) says what was measured, shown when the claim fails.

So a change that breaks a sentence (a new seed, rate or data set) breaks this test.
"""

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NOTEBOOKS, ROOT
from tools.execute import KERNEL_ENVIRONMENT

CLAIMS = ROOT / "tests" / "lessons"
WITH_CLAIMS = [path for path in NOTEBOOKS if (CLAIMS / f"{path.stem}.py").exists()]

COLLECT = '''
__lesson_claims = []


def claim(quote, holds, detail=""):
    """Record that the passage ``quote`` of the prose is what the experiment shows (``holds``)."""
    __lesson_claims.append({"quote": str(quote), "holds": bool(holds), "detail": str(detail)})
'''
REPORT = "import json as __json\nprint(__json.dumps(__lesson_claims))"


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


#: Notebooks whose lesson is being rewritten (issue 11): their claims file lands with the rewrite.
PENDING = set()


def test_every_notebook_with_prose_to_hold_has_a_claims_file():
    missing = [path.name for path in NOTEBOOKS
               if path.stem not in {"00_start_here", *PENDING} and path not in WITH_CLAIMS]
    assert not missing, f"no claims file in tests/lessons/ for {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_CLAIMS, ids=lambda p: p.name)
def test_the_prose_says_what_the_experiments_show(path, monkeypatch):
    for key, value in KERNEL_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    notebook = nbformat.read(path, as_version=4)
    prose = squash(" ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown"))
    checks = [nbformat.v4.new_code_cell(COLLECT), nbformat.v4.new_code_cell((CLAIMS / f"{path.stem}.py").read_text()),
              nbformat.v4.new_code_cell(REPORT)]
    notebook.cells = checks[:1] + notebook.cells + checks[1:]
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(output.get("text", "") for output in checks[-1].outputs if output.output_type == "stream")
    claims = json.loads(printed.strip().splitlines()[-1])
    assert len(claims) >= 3, f"{path.name}: only {len(claims)} claims; hold every conclusion the prose draws"
    problems = [f"no longer in the prose: {c['quote']!r}" for c in claims if squash(c["quote"]) not in prose]
    problems += [f"no longer shown by the experiment: {c['quote']!r} ({c['detail']})" for c in claims if not c["holds"]]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
