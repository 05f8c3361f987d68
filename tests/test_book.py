"""The static site of the course (make book, tools/book.py): the generated Jupyter Book project, the built site
loading nothing from the internet, and every page in a real browser with its figures, formulas and widgets.

The fast tests check the generated project (no build). The slow ones build the site once into a temporary folder
over a stale earlier build, from the npm tarballs in build/npm/ only (make test's setup downloads them: the tests
never do), and read it; the browser test serves it on localhost, aborts every request for anything else (a request
to the internet fails the test), opens every page in Debian's Chromium and saves screenshots to
build/book-screenshots/, then opens one page from disk (file://), as the README suggests.
"""

import functools
import json
import http.server
import io
import re
import subprocess
import tarfile
import threading
import tomllib
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
import yaml

import conftest
from conftest import CHROMIUM, NOTEBOOKS, ROOT, skip_without_browser
from course_utils.course import COURSE_PLAN
from tools import book

SCREENSHOTS = ROOT / "build" / "book-screenshots"
PAGES = ["intro", *(entry.stem for entry in COURSE_PLAN), "glossary"]
WIDGET_PAGES = {"02_learning_rate", "06_rmsprop_adam"}  # the notebooks whose explorers are widgets


# --- The generated project (no build) ----------------------------------------------------------------------------

def fake_package(tmp_path, files):
    """A pinned package of ``files`` ({path in package/: bytes}) whose tarball sits in the cache ``tmp_path``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    package = book.NpmPackage("@fake/pkg", "1.0.0", book.integrity(buffer.getvalue()), files=("dist/*.js",),
                              static="fake", strip="dist")
    (tmp_path / "@fake__pkg-1.0.0.tgz").write_bytes(buffer.getvalue())
    return package


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The generated project, with a stand-in for the npm packages (no download)."""
    cache = tmp_path_factory.mktemp("npm")
    package = fake_package(cache, {"dist/a.js": b"//a", "dist/sub/b.js": b"//b", "dist/c.css": b""})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(book, "NPM_PACKAGES", (package,))
        return book.write_project(tmp_path_factory.mktemp("book"), npm_cache=cache)


def test_the_toc_lists_every_notebook_in_course_order_then_the_glossary(project):
    from sphinx_external_toc.parsing import parse_toc_yaml

    toc = parse_toc_yaml(project / "_toc.yml")
    assert toc.root.docname == "intro"
    assert list(toc)[1:] == [entry.stem for entry in COURSE_PLAN] + ["glossary"]  # the order a reader meets them
    assert [entry.stem for entry in COURSE_PLAN] == [path.stem for path in NOTEBOOKS]  # every notebook, no other
    for entry in COURSE_PLAN:  # copied as they are: executed, with outputs and widget state
        name = f"{entry.stem}.ipynb"
        assert (project / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()


def test_the_config_shows_stored_outputs_with_local_scripts_and_launch_buttons(project):
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(user_yaml=project / "_config.yml", cli_config={"latex_individualpages": False},
                                 sourcedir=project)
    raw = yaml.safe_load((project / "_config.yml").read_text(encoding="utf-8"))
    assert raw["execute"]["execute_notebooks"] == "off"  # never re-executed
    scripts = [config["mathjax_path"], *config["nb_ipywidgets_js"]]
    assert not [s for s in scripts if "//" in s], scripts  # served from the site itself
    assert config["html_static_path"] == ["_vendor"]  # served as _static, and not added to every page
    assert (project / "_vendor" / "widgets" / book.WIDGETS_MATHJAX.name).is_file()  # our own script
    for script in (book.WIDGETS_JS, book.MATHJAX_JS):  # the others come from the pinned npm packages
        folder, rest = script.split("/", 1)
        assert any(book._wanted(f"package/{p.strip}/{rest}", p) for p in book.NPM_PACKAGES if p.static == folder)
    assert "sphinx_thebe" not in config["extensions"]  # it writes an unpkg URL into every page
    repository = book.repository_url()
    assert config["html_theme_options"]["repository_url"] == repository
    assert config["html_theme_options"]["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert config["html_theme_options"]["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert raw["repository"]["path_to_book"] == "notebooks"  # launch URLs name the notebook in the repository
    assert (project / "_vendor" / "fake" / "sub" / "b.js").read_bytes() == b"//b"
    assert not (project / "_vendor" / "fake" / "c.css").exists()  # only the files the package names


def test_the_intro_links_every_notebook_and_the_glossary_keeps_the_chinese_terms(project):
    intro = (project / "intro.md").read_text(encoding="utf-8")
    assert re.findall(r"\]\((\d\d_\w+)\.ipynb\)", intro) == [entry.stem for entry in COURSE_PLAN]
    assert book.repository_url() in intro  # how to run it on Colab, from the one URL
    glossary = (project / "glossary.md").read_text(encoding="utf-8")
    assert glossary.startswith("# Glossary English / 中文")
    assert "| learning rate | 学习速率 / 学习率 | 02 |" in glossary
    assert "(00_start_here.ipynb)" in glossary


def pyproject_repository():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]


def test_the_repository_url_is_read_from_pyproject_and_a_missing_one_is_named(tmp_path):
    assert book.repository_url() == pyproject_repository()
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n')
    with pytest.raises(ValueError, match=r"\[project.urls\] Repository must be the GitHub URL"):
        book.repository_url(pyproject)


def test_make_book_warns_while_the_repository_url_is_the_placeholder():
    assert "still the placeholder https://github.com/OWNER/REPO" in book.repository_warning(book.PLACEHOLDER)
    assert book.repository_warning("https://github.com/someone/nn-course") is None


#: Repositories the docs link to that are not this one.
OTHER_REPOSITORIES = {"computationalmodelling/nbval"}
#: A repository in a GitHub, Binder or Colab URL: (OWNER/REPO, the branch or ref after it when Binder names one).
REPOSITORY_IN_URL = re.compile(r"(?:github\.com|mybinder\.org/v2/gh|colab\.research\.google\.com/github)/"
                               r"([\w.-]+/[\w.-]+?)(?:\.git)?(?=[/\"'`)\s?#]|$)(?:/([\w.-]+))?")


def test_every_link_to_the_repository_in_the_docs_names_pyprojects_repository():
    """The README and the instructor guide write the repository's URL out (Binder badge, Colab install): they must
    say what pyproject.toml says, and Binder must open HEAD, the default branch (the site opens book.BRANCH)."""
    ours = pyproject_repository().removeprefix("https://github.com/")
    found = {}
    for name in ("README.md", "docs/instructor_guide.md"):
        for match in REPOSITORY_IN_URL.finditer((ROOT / name).read_text(encoding="utf-8")):
            found.setdefault(match.group(1), set()).add(name)
            if match.group(1) == ours and "mybinder.org" in match.group(0):
                assert match.group(2) == "HEAD", f"{name}: {match.group(0)}"
    assert set(found) - OTHER_REPOSITORIES == {ours}, found
    assert set(found[ours]) == {"README.md", "docs/instructor_guide.md"}


def test_a_readme_table_that_disagrees_with_the_course_plan_is_refused(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    changed = tmp_path / "README.md"
    changed.write_text(readme.replace("| 01 | gradients |", "| 01 | gradient |"), encoding="utf-8")
    with pytest.raises(ValueError, match="make them the same notebooks in the same order"):
        book.readme_outcomes(changed)


def test_a_notebook_without_its_glossary_cell_is_refused(tmp_path):
    notebook = nbformat.read(NOTEBOOKS[0], as_version=4)
    notebook.cells = [c for c in notebook.cells if not c.source.startswith(book.GLOSSARY_HEADING)]
    nbformat.write(notebook, tmp_path / "00_start_here.ipynb")
    with pytest.raises(ValueError, match="expected one markdown cell starting '## Glossary'"):
        book.glossary_page(tmp_path / "00_start_here.ipynb")


def fake_registry(monkeypatch, package, tarball):
    """The npm registry, answering for ``package`` (metadata that agrees with the pin) with ``tarball``; return the
    URLs requested."""
    requested = []

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    def urlopen(url, timeout):
        requested.append(url)
        if url.endswith(f"/{package.version}"):  # the package's metadata
            dist = {"integrity": package.integrity, "tarball": "https://x/t.tgz"}
            return Response(json.dumps({"dist": dist}).encode())
        return Response(tarball)

    monkeypatch.setattr(book.urllib.request, "urlopen", urlopen)
    return requested


def test_make_tests_setup_downloads_the_sites_packages_before_the_tests_run(tmp_path):
    """Also after make clean (build/npm/ removed) or a change of the pins (tools/book.py), as -W simulates."""
    done = subprocess.run(["make", "-n", "--no-print-directory", "-W", "tools/book.py", "test", f"VENV={tmp_path}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    lines = [line.strip() for line in done.stdout.splitlines()]
    python = f"{tmp_path}/bin/python"
    fetch = lines.index(f"{python} -m tools book --fetch")
    assert lines.index(f"{python} -m pip install --disable-pip-version-check -r requirements-instructor.txt") < fetch
    assert fetch < len(lines) - 1 and lines[-1].startswith(f"{python} -m pytest")


def test_the_fetch_command_only_downloads(monkeypatch, capsys):
    from tools.__main__ import main

    monkeypatch.setattr(book, "fetch_npm_packages", lambda: [ROOT / "build" / "npm" / "x-1.0.0.tgz"])
    monkeypatch.setattr(book, "build_book", lambda *args: pytest.fail("--fetch must not build the site"))
    assert main(["book", "--fetch"]) == 0
    assert capsys.readouterr().out == f"cached {ROOT / 'build' / 'npm' / 'x-1.0.0.tgz'}\n"


def test_a_tarball_whose_integrity_differs_from_the_pin_is_refused(tmp_path, monkeypatch):
    package = fake_package(tmp_path, {"dist/a.js": b"//a"})
    (tmp_path / "@fake__pkg-1.0.0.tgz").write_bytes(b"tampered")  # a corrupt cache is downloaded again
    fake_registry(monkeypatch, package, b"not the pinned tarball")
    with pytest.raises(ValueError, match="the download's integrity is sha512-.*expected sha512-"):
        book.npm_tarball(package, tmp_path)


def test_the_setup_fetches_the_tarballs_and_the_tests_build_from_the_cache_without_downloading(tmp_path, monkeypatch):
    package = fake_package(tmp_path, {"dist/a.js": b"//a"})
    tarball = (tmp_path / "@fake__pkg-1.0.0.tgz").read_bytes()
    requested = fake_registry(monkeypatch, package, tarball)
    monkeypatch.setattr(book, "NPM_PACKAGES", (package,))
    cache = tmp_path / "npm"
    with pytest.raises(FileNotFoundError, match=r"not in .*npm.*python -m tools book --fetch.*make test"):
        book.vendor(package, tmp_path / "static", cache, download=False)  # as the tests build: no download
    assert requested == []
    assert book.fetch_npm_packages(cache) == [cache / "@fake__pkg-1.0.0.tgz"]  # make test's setup
    assert len(requested) == 2
    book.vendor(package, tmp_path / "static", cache, download=False)
    assert (tmp_path / "static" / "fake" / "a.js").read_bytes() == b"//a" and len(requested) == 2


# --- The built site ---------------------------------------------------------------------------------------------

STALE_PAGE = "a_removed_notebook.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built once from the committed notebooks and the npm cache (no download), over an earlier build
    that has a page of a notebook since removed: its HTML folder."""
    folder = tmp_path_factory.mktemp("book")
    (folder / "_build" / "html").mkdir(parents=True)
    (folder / "_build" / "html" / STALE_PAGE).write_text("<p>an earlier build's page</p>", encoding="utf-8")
    return book.build_book(folder, download=False)


#: Where a page loads something from: a script, a style sheet, a font, an image, a frame.
LOADED = re.compile(r"""<(?:script|img|iframe|source|embed)\b[^>]*\bsrc=["']([^"']+)"""
                    r"""|<link\b(?=[^>]*\brel=["'](?:stylesheet|preload|modulepreload|icon|shortcut icon)["'])"""
                    r"""[^>]*\bhref=["']([^"']+)"""
                    r"""|@import\s+(?:url\()?["']?([^"')\s]+)|url\(["']?([^"')]+)""")
COMMENT = re.compile(r"/\*.*?\*/|<!--.*?-->", re.DOTALL)  # e.g. ipywidgets' CSS: /* @import url('https://...') */
#: The vendored scripts name a CDN only as a default the site never uses (the browser test checks that nothing is
#: requested): html-manager's require.js loader (the standalone embed.js has none), and MathJax's speech engine,
#: whose data MathJax points at its own copy (sre/) at startup; its other two URLs are for IE and old browsers.
CDN = re.compile(r"https?://(?:cdn[\w-]*\.|[\w.]*unpkg\.com|cdnjs\.|fonts\.googleapis|fonts\.gstatic|"
                 r"ajax\.googleapis|code\.jquery|stackpath|maxcdn|use\.fontawesome|polyfill\.io)[^\s\"'`)]*")
INERT_DEFAULTS = {"_static/widgets/embed.js", "_static/mathjax/tex-mml-chtml.js", "_static/mathjax/ui/menu.js",
                  "_static/mathjax/a11y/sre.js"}


@pytest.mark.slow
def test_the_built_site_loads_nothing_from_the_internet(site):
    remote = []
    for path in site.rglob("*"):
        if path.suffix in {".html", ".css", ".js"}:
            text = COMMENT.sub("", path.read_text(encoding="utf-8", errors="replace"))
            loaded = [url for groups in LOADED.findall(text) for url in groups if url]
            remote += [f"{path.relative_to(site)}: {url}" for url in loaded
                       if url.startswith(("http:", "https:", "//"))]
            if path.relative_to(site).as_posix() not in INERT_DEFAULTS:
                remote += [f"{path.relative_to(site)}: {url}" for url in CDN.findall(text)]
    assert remote == []
    assert (site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()  # MathJax's fonts


@pytest.mark.slow
def test_the_site_is_built_from_scratch(site):
    assert not (site / STALE_PAGE).exists()  # an earlier build's files are not published again
    assert {path.stem for path in site.glob("*.html")} == {*PAGES, "index", "genindex", "search"}


@pytest.mark.slow
def test_every_link_between_pages_resolves(site):
    broken = []
    for page in site.glob("*.html"):
        for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', page.read_text(encoding="utf-8")):
            if "://" in href or href.startswith("mailto:"):
                continue
            target = (page.parent / href.split("?")[0]).resolve()
            if not target.is_file() or (target.suffix == ".ipynb" and target.parent.name != "_sources"):
                broken.append(f"{page.name} -> {href}")
    assert broken == []
    assert 'href="02_learning_rate.html"' in (site / "01_gradients.html").read_text(encoding="utf-8")


# --- Every page in a real browser -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    """The built site on a local port: its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


IMAGES = """() => Array.from(document.querySelectorAll('article.bd-article img')).map(
    i => [i.currentSrc, i.complete && i.naturalWidth])"""
MATH = """() => [document.querySelectorAll('main .math').length, document.querySelectorAll('main mjx-container').length,
                 document.querySelectorAll('main mjx-merror').length]"""
READOUT = "() => document.querySelector('.widget-slider .widget-readout').textContent"


def check_page(page, name):
    """Assert what the open ``page`` of the site shows: its figures, its formulas typeset, the launch buttons of a
    notebook's page, a moving slider on an explorer's page, the glossary in the navigation and as a page."""
    images = page.evaluate(IMAGES)
    assert all(width for _, width in images), f"{name}: images not loaded: {images}"
    outputs = [output for cell in _code_cells(name) for output in cell.outputs]
    stored = sum("image/png" in output.get("data", {}) for output in outputs)
    assert len(images) >= stored, f"{name}: {len(images)} images, the notebook stores {stored}"
    if 'class="math' in page.content():  # MathJax typesets every formula, without an error
        page.wait_for_function(f"() => ({MATH})()[1] >= ({MATH})()[0]", timeout=20_000)
        assert page.evaluate(MATH)[2] == 0, f"{name}: a formula MathJax could not typeset"
    if name in {entry.stem for entry in COURSE_PLAN}:  # Binder and Colab, for this notebook
        for host in ("https://mybinder.org/v2/gh/", "https://colab.research.google.com/github/"):
            link = page.locator(f'a[href^="{host}"]')
            assert link.count() == 1 and f"notebooks/{name}.ipynb" in link.get_attribute("href")
    if name in WIDGET_PAGES:  # the explorer, drawn from its saved state: a slider that moves
        handle = page.locator(".widget-slider .noUi-handle").first
        handle.wait_for(timeout=20_000)
        before = page.evaluate(READOUT)
        handle.focus()
        page.keyboard.press("PageUp")
        page.wait_for_function(f"() => ({READOUT})() !== {before!r}", timeout=5_000)
        handle.scroll_into_view_if_needed()
    elif images:
        page.locator("article.bd-article img").first.scroll_into_view_if_needed()
    if name == "intro":  # the glossary is in the navigation of every page
        glossary = page.locator('nav.bd-links a[href="glossary.html"]')
        assert glossary.inner_text() == "Glossary English / 中文"
    if name == "glossary":
        assert "学习速率" in page.inner_text("article.bd-article")


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_renders_offline_with_figures_formulas_widgets_and_launch_buttons(served, site):
    """Every page served over http, then an explorer's page opened from disk (file://), as the README offers."""
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_FLAGS  # the module pytest imported (tests/ is on sys.path)

    origin, on_disk = urlsplit(served).netloc, site.as_uri() + "/"
    outside, failed, errors = [], [], []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", lambda route: route.continue_()
                      if urlsplit(route.request.url).netloc == origin or route.request.url.startswith(on_disk)
                      else (outside.append(route.request.url), route.abort()))
        page = context.new_page()
        page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            for name in PAGES:
                page.goto(urljoin(served, f"{name}.html"), wait_until="load")
                check_page(page, name)
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
            page.goto(urljoin(on_disk, "02_learning_rate.html"), wait_until="load")
            check_page(page, "02_learning_rate")
        finally:
            browser.close()
    assert outside == [], "the site requested the internet"
    assert failed == [], "requests the server could not answer"
    assert errors == [], "JavaScript errors"


def test_without_chromium_the_browser_tests_skip_but_fail_where_they_must_run(monkeypatch):
    monkeypatch.setattr(conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("COURSE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium at /nonexistent/chromium"):
        skip_without_browser()
    monkeypatch.setenv("COURSE_REQUIRE_BROWSER", "1")  # make test-browser, .ci/run
    with pytest.raises(pytest.fail.Exception, match="COURSE_REQUIRE_BROWSER=1 but the browser test cannot run"):
        skip_without_browser()


def _code_cells(name):
    """The code cells of notebook ``name`` (none for the generated pages)."""
    path = ROOT / "notebooks" / f"{name}.ipynb"
    cells = nbformat.read(path, as_version=4).cells if path.is_file() else []
    return [cell for cell in cells if cell.cell_type == "code"]
