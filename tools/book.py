"""The course as a static site (``make book``): a Jupyter Book 1 project generated into build/book/, built offline.

Everything in the project is generated: ``_config.yml``, ``_toc.yml`` (the notebooks in the order of
``course_utils.course.COURSE_PLAN``), an intro page (the README's description and notebook table), a glossary page
(notebook 00's glossary English / 中文) and the notebooks, copied as they are: executed, never re-executed
(``execute_notebooks: off``; nbval has checked their outputs).

The built site loads nothing from the internet. The pinned Python packages carry no standalone copy of the two
scripts it needs:

- ``@jupyter-widgets/html-manager``'s standalone ``embed.js``, which draws the explorers of 02 and 06 from the
  widget state stored in the notebooks (no kernel; no require.js needed, no widget module fetched from a CDN);
- MathJax 3, which typesets the ``$...$`` formulas (its fonts and extensions load from beside it).

So they come from pinned npm tarballs (``NPM_PACKAGES``), downloaded from the npm registry once (``python -m tools
book --fetch``, which make test's setup runs; ``make book`` downloads what is missing), their sha512 checked, cached
in build/npm/, and copied into the project's ``_vendor`` folder, which Sphinx serves as ``_static`` (not the
project's ``_static``: Jupyter Book would add each script there to every page). The tests build from the cache only
(``download=False``), so that they run offline.

The launch buttons (Binder, Colab) and the repository button read the repository's URL from
``[project.urls] Repository`` in pyproject.toml, and open the branch ``BRANCH``; ``make book`` warns while the URL
is the placeholder (``PLACEHOLDER``).
"""

import base64
import fnmatch
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import urllib.request
from pathlib import Path
from typing import NamedTuple

import nbformat

from course_utils.course import COURSE_PLAN

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NPM_CACHE = ROOT / "build" / "npm"
NPM_REGISTRY = "https://registry.npmjs.org"
#: The branch the site's launch buttons open: Jupyter Book gives Binder and Colab the same one, and Colab needs a
#: branch's name (the README's Binder links say HEAD, Binder's name for the default branch).
BRANCH = "main"
PLACEHOLDER = "https://github.com/OWNER/REPO"  # pyproject.toml's repository URL until the course is published
GLOSSARY_HEADING = "## Glossary"


class NpmPackage(NamedTuple):
    """A pinned npm tarball and the files of it the site serves (fnmatch patterns inside its ``package/``)."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity: "sha512-" and the base64 digest of the tarball
    files: tuple
    static: str  # the folder of _vendor (served as _static) they are copied to, keeping their paths below ``strip``
    strip: str


NPM_PACKAGES = (
    # ipywidgets 8.1.9 stores its state as @jupyter-widgets/controls 2.0.0, which html-manager 1.0.x draws.
    NpmPackage("@jupyter-widgets/html-manager", "1.0.15",
               "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
               files=("dist/embed.js", "dist/*.woff2", "dist/*.woff", "dist/*.ttf", "dist/*.eot", "dist/*.svg"),
               static="widgets", strip="dist"),
    # MathJax 3, as Sphinx 7 loads it (tex-mml-chtml); its fonts, TeX extensions, menu and accessibility parts
    # (speech: sre/) are loaded from beside it on demand.
    NpmPackage("mathjax", "3.2.2",
               "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
               files=("es5/tex-mml-chtml.js", "es5/input/*", "es5/output/chtml/*", "es5/ui/*", "es5/a11y/*",
                      "es5/adaptors/*", "es5/sre/*"),
               static="mathjax", strip="es5"),
)
VENDOR = "_vendor"  # the project's folder of vendored scripts; Sphinx copies its content into _static
WIDGETS_JS = "widgets/embed.js"  # relative to _static, as Sphinx's add_js_file takes it
# Our own script, loaded before embed.js: MathJax 2's entry point that ipywidgets calls, for MathJax 3.
WIDGETS_MATHJAX = Path(__file__).with_name("book_widgets_mathjax.js")
MATHJAX_JS = "mathjax/tex-mml-chtml.js"


# --- The repository ---------------------------------------------------------------------------------------------

def repository_url(pyproject=ROOT / "pyproject.toml"):
    """The repository's URL, from pyproject.toml's ``[project.urls] Repository`` (the one place it is written)."""
    urls = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"].get("urls", {})
    url = urls.get("Repository", "")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"{pyproject}: [project.urls] Repository must be the GitHub URL "
                         f"https://github.com/OWNER/REPO (the launch buttons need it), not {url!r}")
    return url


def repository_warning(url):
    """What to tell the maintainer about the repository's URL ``url`` before publishing the site, or None."""
    if url == PLACEHOLDER:
        return (f"[project.urls] Repository in pyproject.toml is still the placeholder {PLACEHOLDER}: the site's "
                "launch buttons and repository link lead nowhere until it is the course's GitHub URL")
    return None


# --- The generated project ----------------------------------------------------------------------------------------

def book_config(repository):
    """The book's _config.yml, as a dict: stored outputs, offline scripts, launch buttons."""
    return {
        "title": readme_title(),
        **dict(zip(("copyright", "author"), license_holder())),
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", VENDOR, "**.ipynb_checkpoints"],
        "execute": {"execute_notebooks": "off"},  # the committed outputs, as nbval checked them
        "repository": {"url": repository, "path_to_book": "notebooks", "branch": BRANCH},
        "launch_buttons": {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org",
                           "colab_url": "https://colab.research.google.com"},
        "html": {"use_repository_button": True, "use_issues_button": False, "use_edit_page_button": False,
                 "use_multitoc_numbering": False, "home_page_in_navbar": False},
        "sphinx": {"config": {
            "html_static_path": [VENDOR],
            "nb_ipywidgets_js": {f"widgets/{WIDGETS_MATHJAX.name}": {}, WIDGETS_JS: {}},
            # Jupyter Book's extensions but sphinx-thebe, which writes a CDN URL (unpkg) into every page.
            "extensions": [name for name in default_extensions() if name != "sphinx_thebe"],
            "mathjax_path": MATHJAX_JS,
            "nb_render_markdown_format": "myst",  # so that the course map's links (00) become page links
        }},
    }


def license_holder(license_file=ROOT / "LICENSE"):
    """The year and the holder of the LICENSE's copyright: the site's footer names them."""
    found = re.search(r"^Copyright \(c\) (\d{4}) (.+)$", Path(license_file).read_text(encoding="utf-8"), re.MULTILINE)
    if not found:
        raise ValueError(f"{license_file}: expected a line 'Copyright (c) YEAR HOLDER' (the site's footer names them)")
    return found.group(1), found.group(2).strip()


def default_extensions():
    """The Sphinx extensions Jupyter Book loads by default."""
    from jupyter_book.config import get_default_sphinx_config

    return get_default_sphinx_config()["extensions"]


def table_of_contents():
    """The book's _toc.yml, as a dict: the intro page, each notebook in course order, the glossary."""
    return {
        "format": "jb-book",
        "root": "intro",
        "parts": [
            {"caption": "The notebooks", "chapters": [{"file": entry.stem} for entry in COURSE_PLAN]},
            {"caption": "Reference", "chapters": [{"file": "glossary"}]},
        ],
    }


def readme_sections(readme=ROOT / "README.md"):
    """The README as {heading: text}; the text before the first ``## `` heading is under ``""``."""
    sections = {}
    heading = ""
    for line in Path(readme).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            continue
        sections.setdefault(heading, []).append(line)
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


def readme_title(readme=ROOT / "README.md"):
    """The README's ``# `` title."""
    return readme_sections(readme)[""].splitlines()[0].removeprefix("# ").strip()


def readme_description(readme=ROOT / "README.md"):
    """What the course is: the README's paragraphs before its first section (no badge, no comment)."""
    paragraphs = readme_sections(readme)[""].split("\n\n")[1:]
    return "\n\n".join(p for p in paragraphs if not p.startswith(("<!--", "[![")))


def readme_outcomes(readme=ROOT / "README.md"):
    """What each notebook leaves the learner able to do, from the README's table: {stem: text}."""
    rows = re.findall(r"^\| (\d\d) \| (\w+) \| (.+) \|$", readme_sections(readme)["The notebooks"], re.MULTILINE)
    outcomes = {f"{number}_{name}": text for number, name, text in rows}
    planned = [entry.stem for entry in COURSE_PLAN]
    if list(outcomes) != planned:
        raise ValueError(f"README's table 'The notebooks' lists {list(outcomes)}; the course plan (COURSE_PLAN) "
                         f"lists {planned}: make them the same notebooks in the same order")
    return outcomes


def intro_page(repository, readme=ROOT / "README.md"):
    """The site's home page: what the course is, the notebooks (linked), and how to run them."""
    outcomes = readme_outcomes(readme)
    rows = ["| # | Notebook | You leave able to | Minutes |", "|---|---|---|---|"]
    for entry in COURSE_PLAN:
        rows.append(f"| {entry.stem[:2]} | [{entry.title}]({entry.stem}.ipynb) | {outcomes[entry.stem]} "
                    f"| {entry.minutes} |")
    total = sum(entry.minutes for entry in COURSE_PLAN)
    return f"""# {readme_title(readme)}

{readme_description(readme)}

## The notebooks

{chr(10).join(rows)}

About {total} minutes in all. The English / 中文 glossary of the source article's terms is
[its own page](glossary.md).

## Reading and running

Each page is a notebook as the repository stores it, executed, with its outputs. The explorers of notebooks 02
and 06 show the state they were saved in: their sliders move, but the figure is redrawn only by a running
notebook. To run one, use the launch button (the rocket at the top of a notebook's page) to open it on Binder, or
clone [the repository]({repository}) and run `make lab`. On Colab, first install the course's helpers with
`!pip install "git+{repository}"`, and set `COURSE_UTILS_ALLOW_OTHER_VERSIONS=1`.
"""


def glossary_page(notebook=NOTEBOOKS / f"{COURSE_PLAN[0].stem}.ipynb"):
    """The glossary English / 中文 of notebook 00 as a page of its own, headed as the notebook heads it."""
    cells = nbformat.read(notebook, as_version=4).cells
    glossary = [c.source for c in cells if c.cell_type == "markdown" and c.source.startswith(GLOSSARY_HEADING)]
    if len(glossary) != 1:
        raise ValueError(f"{notebook}: expected one markdown cell starting {GLOSSARY_HEADING!r} (the glossary "
                         f"the site shows as a page), found {len(glossary)}")
    stem = Path(notebook).stem
    title = next(e.title for e in COURSE_PLAN if e.stem == stem)
    source = glossary[0].removeprefix("#")  # "## Glossary" -> "# Glossary": the page's title
    return f"{source}\n\nFrom notebook [{stem[:2]} · {title}]({stem}.ipynb).\n"


def write_yaml(path, data):
    import yaml

    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_project(out_dir, notebooks=NOTEBOOKS, npm_cache=NPM_CACHE, download=True):
    """Write the Jupyter Book project into ``out_dir`` (replacing the previous one); return its folder.

    download: fetch an npm tarball missing from ``npm_cache`` (else raise FileNotFoundError)."""
    out_dir = Path(out_dir)
    missing = [e.stem for e in COURSE_PLAN if not (Path(notebooks) / f"{e.stem}.ipynb").is_file()]
    if missing:
        raise FileNotFoundError(f"the course plan's notebooks {missing} are not in {notebooks}")
    for generated in (VENDOR, "_config.yml", "_toc.yml", "intro.md", "glossary.md"):
        target = out_dir / generated
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    for old in out_dir.glob("*.ipynb"):
        old.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    repository = repository_url()
    write_yaml(out_dir / "_config.yml", book_config(repository))
    write_yaml(out_dir / "_toc.yml", table_of_contents())
    (out_dir / "intro.md").write_text(intro_page(repository), encoding="utf-8")
    (out_dir / "glossary.md").write_text(glossary_page(Path(notebooks) / f"{COURSE_PLAN[0].stem}.ipynb"),
                                         encoding="utf-8")
    for entry in COURSE_PLAN:
        shutil.copy2(Path(notebooks) / f"{entry.stem}.ipynb", out_dir)
    for package in NPM_PACKAGES:
        vendor(package, out_dir / VENDOR, npm_cache, download)
    ours = out_dir / VENDOR / WIDGETS_JS.split("/")[0]
    ours.mkdir(parents=True, exist_ok=True)
    shutil.copy2(WIDGETS_MATHJAX, ours)
    return out_dir


# --- The scripts the site serves ----------------------------------------------------------------------------------

def integrity(data):
    """The npm registry's integrity string of ``data``: ``sha512-`` and the base64 SHA-512 digest."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def npm_tarball(package, cache=NPM_CACHE, download=True):
    """The pinned tarball of ``package``: from ``cache``, else downloaded from the npm registry; its sha512 checked.

    download=False: raise FileNotFoundError, saying how to fill the cache, instead of downloading."""
    cache = Path(cache)
    path = cache / f"{package.name.replace('/', '__')}-{package.version}.tgz"
    if path.is_file() and integrity(path.read_bytes()) == package.integrity:
        return path
    if not download:
        raise FileNotFoundError(f"{package.name}@{package.version} is not in {cache} (or not as pinned): download the "
                                f"site's npm packages once, online, with `python -m tools book --fetch` (the setup of "
                                f"make test runs it)")
    url = f"{NPM_REGISTRY}/{package.name.replace('/', '%2f')}/{package.version}"
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            dist = json.load(response)["dist"]
        if dist["integrity"] != package.integrity:
            raise ValueError(f"{package.name}@{package.version}: the registry gives the integrity {dist['integrity']}, "
                             f"the pin in tools/book.py is {package.integrity}")
        with urllib.request.urlopen(dist["tarball"], timeout=300) as response:
            data = response.read()
    except OSError as error:
        raise RuntimeError(f"could not download {package.name}@{package.version} from {NPM_REGISTRY} ({error}); "
                           f"the site needs it once, then it is cached in {cache}") from error
    if integrity(data) != package.integrity:
        raise ValueError(f"{dist['tarball']}: the download's integrity is {integrity(data)}, expected "
                         f"{package.integrity} (pinned in tools/book.py)")
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def fetch_npm_packages(cache=NPM_CACHE):
    """Download every pinned npm tarball the site needs into ``cache`` (those not there yet); return their paths."""
    return [npm_tarball(package, cache) for package in NPM_PACKAGES]


def vendor(package, static_dir, cache=NPM_CACHE, download=True):
    """Copy the files the site needs from ``package``'s tarball into ``static_dir/package.static``."""
    target = Path(static_dir) / package.static
    with tarfile.open(npm_tarball(package, cache, download)) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and _wanted(m.name, package)]
        for member in members:
            relative = Path(member.name).relative_to(Path("package") / package.strip)
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_bytes(tar.extractfile(member).read())
    if not members:
        raise ValueError(f"{package.name}@{package.version} holds none of {package.files}")
    return target


def _wanted(name, package):
    inside = name.removeprefix("package/")
    return inside != name and any(fnmatch.fnmatchcase(inside, pattern) for pattern in package.files)


# --- The build ------------------------------------------------------------------------------------------------------

def build_book(out_dir, notebooks=NOTEBOOKS, npm_cache=NPM_CACHE, download=True):
    """Write the project into ``out_dir`` and build it with Jupyter Book from scratch; return the HTML folder.

    The previous build is removed first, so that no page or script of it stays. Warnings are errors (a broken link
    between notebooks fails the build). download: as for :func:`write_project`.
    """
    project = write_project(out_dir, notebooks, npm_cache, download)
    shutil.rmtree(project / "_build", ignore_errors=True)
    command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(project),
               "--warningiserror", "--keep-going", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"jupyter-book build {project} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return project / "_build" / "html"
