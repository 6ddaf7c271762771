"""The notebooks run, write the figures they declare, and `reproduce` writes the report."""
from __future__ import annotations

import importlib
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest

import belarus_data as bd
from belarus_data._files import ROOT_ENV
from belarus_data.reproduce import PNG_SIGNATURE, NotebookFailed, notebook_paths, notebook_title, reproduce

from .conftest import REPO

NOTEBOOKS = notebook_paths(REPO)
reproduce_module = importlib.import_module("belarus_data.reproduce")  # the module, not the function


def test_there_are_the_five_notebooks_in_order():
    assert [p.stem[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebooks_hold_no_outputs_and_declare_their_figures(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["belarus_data"]["figures"], "each notebook declares the PNG figures it writes"
    source = "\n".join(c.source for c in nb.cells)
    assert "read_csv" not in source and "datasets/" not in source, "notebooks use the public loader API only"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    lines: list[str] = []
    reproduce(out, progress=lines.append)
    assert lines[0].startswith("validated the data")
    assert [line.split()[1] for line in lines[1:-1]] == [p.name for p in NOTEBOOKS]
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_runs_and_writes_every_figure_it_declares_as_a_real_png(report, path):
    executed = nbformat.read(report / path.name, as_version=4)
    assert not [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    for name in executed.metadata["belarus_data"]["figures"]:
        assert (report / "figures" / name).read_bytes()[:8] == PNG_SIGNATURE, name
    assert (report / f"{path.stem}.html").stat().st_size > 10_000


def test_the_index_links_every_notebook_and_figure(report):
    index = (report / "index.html").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"href='{path.stem}.html'" in index
        for name in nbformat.read(path, as_version=4).metadata["belarus_data"]["figures"]:
            assert f"figures/{name}" in index


def _root_with_a_broken_notebook(tmp_path: Path, *cells: str) -> Path:
    for item in ("datasets", "schemas", "notebooks"):
        shutil.copytree(REPO / item, tmp_path / item)
    for item in ("datapackage.json", "CITATION.cff"):
        shutil.copy2(REPO / item, tmp_path / item)
    for extra in list((tmp_path / "notebooks").glob("*.ipynb"))[1:]:
        extra.unlink()
    nb = nbformat.v4.new_notebook()
    cells = cells or ("x = 1", "raise ValueError('broken on purpose')")
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, tmp_path / "notebooks" / "99_broken.ipynb")
    return tmp_path


def test_a_failing_notebook_stops_the_run_naming_the_notebook_and_cell(tmp_path):
    root = _root_with_a_broken_notebook(tmp_path / "root")
    with pytest.raises(NotebookFailed, match=r"99_broken.ipynb: cell 1 failed: .*broken on purpose"):
        reproduce(tmp_path / "out", root=root, progress=lambda line: None)
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "reproduce", "--root", str(root),
                           "--out", str(tmp_path / "out2")], capture_output=True, text=True)
    assert done.returncode == 1
    assert "99_broken.ipynb: cell 1 failed" in done.stderr and "Traceback" not in done.stderr
    assert "\x1b" not in done.stderr  # IPython colours the error name; a terminal code is not printed


def test_what_the_kernel_prints_to_its_stderr_stays_out_of_the_users_error(tmp_path):
    # ipykernel sometimes prints a traceback of its own while shutting down after a failed cell;
    # the user must see the notebook's error, not the kernel's noise.
    root = _root_with_a_broken_notebook(
        tmp_path / "root", "import os; os.write(2, b'Traceback (most recent call last): kernel noise\\n')",
        "raise ValueError('broken on purpose')")
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "reproduce", "--root", str(root),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 1
    assert "99_broken.ipynb: cell 1 failed: ValueError: broken on purpose" in done.stderr
    assert "kernel noise" not in done.stderr and "Traceback" not in done.stderr


def test_a_kernel_that_dies_is_reported_with_what_it_last_printed(tmp_path):
    root = _root_with_a_broken_notebook(
        tmp_path / "root", "import os; os.write(2, b'out of memory, say\\n'); os._exit(3)")
    with pytest.raises(NotebookFailed, match=r"99_broken.ipynb: the notebook's kernel died \(out of memory, say\)"):
        reproduce(tmp_path / "out", root=root, progress=lambda line: None)


# --- the report as a reader sees it -----------------------------------------------------------

def _pages(report: Path) -> list[Path]:
    return [report / f"{p.stem}.html" for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_page_is_titled_by_its_heading_shows_its_figures_and_links_back(report, path):
    page = (report / f"{path.stem}.html").read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    assert f"<title>{notebook_title(nb, '?')}</title>" in page
    assert notebook_title(nb, "?").startswith(path.stem[:2])
    figures = nb.metadata["belarus_data"]["figures"]
    images, links = _images_and_links(page)
    assert sum(src.startswith("data:image/png;base64,") for src in images) >= len(figures), "figures are inline"
    assert links.count("index.html") == 2, "a way back to the index, above and below"
    position = NOTEBOOKS.index(path)
    if position:
        assert f"{NOTEBOOKS[position - 1].stem}.html" in links
    if position + 1 < len(NOTEBOOKS):
        assert f"{NOTEBOOKS[position + 1].stem}.html" in links


def _images_and_links(page: str) -> tuple[list[str], list[str]]:
    from html.parser import HTMLParser

    images: list[str] = []
    links: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "img":
                images.append(a.get("src") or "")
            elif tag == "a" and a.get("href"):
                links.append(a["href"])

    Collect().feed(page)
    return images, links


def test_no_page_asks_the_network_for_anything(report):
    for page in [*_pages(report), report / "index.html"]:
        text = page.read_text(encoding="utf-8")
        assert "<script src" not in text and "require.js" not in text and "mathjax" not in text.lower(), page.name
        # what a browser fetches by itself: src= of any element, href= of <link> (a stylesheet, an
        # icon); an <a href> to a cited source is a link a reader may follow, not a request
        remote = re.findall(r"""\bsrc\s*=\s*["']?(?:https?:)?//""", text)
        remote += re.findall(r"""<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//""", text)
        assert not remote, (page.name, remote)
        assert not re.findall(r"@import\s+url\(\s*['\"]?(?:https?:)?//", text), page.name


def test_a_second_run_into_the_same_folder_leaves_what_a_first_would(report, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(report, out)
    root = _root_with_notebooks(tmp_path / "root", _ROOT_PROBE)
    reproduce(out, root=root, progress=lambda line: None)
    fresh = tmp_path / "fresh"
    reproduce(fresh, root=root, progress=lambda line: None)
    listing = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert listing == sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    assert not list(out.glob("0*.html")) and "01_" not in (out / "index.html").read_text(encoding="utf-8")


_ROOT_PROBE = """
import os
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import belarus_data as bd
releases = bd.releases()
print("ROOT", releases.attrs["path"])
fig, ax = plt.subplots()
ax.plot([1, 2], [len(releases), len(releases)])
fig.savefig(Path(os.environ["BELARUS_DATA_FIGURES"]) / "probe.png")
"""


def _root_with_notebooks(root: Path, *sources: str) -> Path:
    for item in ("datasets", "schemas"):
        shutil.copytree(REPO / item, root / item)
    for item in ("datapackage.json", "CITATION.cff"):
        shutil.copy2(REPO / item, root / item)
    (root / "notebooks").mkdir()
    for i, source in enumerate(sources):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Probe {i}"), nbformat.v4.new_code_cell(source)]
        nb.metadata["belarus_data"] = {"figures": ["probe.png"]}
        nbformat.write(nb, root / "notebooks" / f"9{i}_probe.ipynb")
    return root


def test_reproduce_with_a_root_makes_every_notebook_analyse_that_root(tmp_path):
    root = _root_with_notebooks(tmp_path / "root", _ROOT_PROBE)
    out = tmp_path / "out"
    reproduce(out, root=root, progress=lambda line: None)
    executed = nbformat.read(out / "90_probe.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert f"ROOT {root.resolve() / 'datasets' / 'releases.csv'}" in printed


def test_the_root_environment_variable_chooses_the_data_everywhere(tmp_path, monkeypatch):
    root = _root_with_notebooks(tmp_path / "root")
    monkeypatch.setenv(ROOT_ENV, str(root))
    assert bd.releases().attrs["path"] == str(root.resolve() / "datasets" / "releases.csv")


@pytest.mark.parametrize("inside", [".", "notebooks", "datasets"])
def test_reproduce_refuses_to_write_over_its_inputs(tmp_path, inside):
    root = _root_with_notebooks(tmp_path / "root", _ROOT_PROBE)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "reproduce", "--root", str(root),
                           "--out", str(root / inside)], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "refusing to write into the data root" in done.stderr
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_an_interrupted_run_leaves_the_previous_report_untouched(report, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(report, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = []
    real = reproduce_module.run_notebook

    def interrupted(path, target, **kw):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, target, **kw)

    monkeypatch.setattr(reproduce_module, "run_notebook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reproduce(out, progress=lambda line: None)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_ctrl_c_during_reproduce_exits_130_and_leaves_no_half_written_output(tmp_path):
    root = _root_with_notebooks(tmp_path / "root", "import time\ntime.sleep(60)")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "belarus_data.cli", "reproduce", "--root", str(root),
                                "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.is_dir() and list(out.glob(".belarus-data-tmp-*/figures"))):
        time.sleep(0.2)
    time.sleep(3)  # the kernel is running the notebook's sleep
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert list(out.iterdir()) == []


def test_the_report_prints_no_kernel_or_pandas_noise(tmp_path):
    root = _root_with_notebooks(tmp_path / "root", _ROOT_PROBE)
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "reproduce", "--root",
                           str(root), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "without encryption" not in done.stderr and "FutureWarning" not in done.stderr, done.stderr


def test_the_reader_raises_no_future_warning(data_copy):
    import warnings

    from belarus_data._read import read_table
    from belarus_data.schema import schemas

    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        for name, schema in schemas(data_copy).items():
            data = (data_copy / "datasets" / f"{name}.csv").read_bytes()
            assert not read_table(data, schema, name).problems
            bd.load(name, root=data_copy)


# --- the figures: titles and labels inside, no "nan" -----------------------------------------

def _run_in_process(path: Path, figures: Path, checked: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    original = Figure.savefig

    def savefig(fig, fname, *args, **kwargs):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        frame = fig.bbox
        for ax in fig.axes:
            for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
                assert label.get_text().strip().lower() not in ("nan", "<na>", "none"), (fname, label.get_text())
            texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
            for text in (t for t in texts if t.get_visible() and t.get_text()):
                box = text.get_window_extent(renderer)
                assert box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1 and box.y0 >= frame.y0 - 1 \
                    and box.y1 <= frame.y1 + 1, (Path(str(fname)).name, text.get_text(), "cut off")
            for text in ax.texts:  # labels on the data stay inside the plot's frame
                box, inner = text.get_window_extent(renderer), ax.bbox
                assert inner.x0 <= box.x0 and box.x1 <= inner.x1 and inner.y0 <= box.y0 and box.y1 <= inner.y1, \
                    (Path(str(fname)).name, text.get_text(), "runs into the frame")
        checked.append(Path(str(fname)).name)
        return original(fig, fname, *args, **kwargs)

    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    Figure.savefig = savefig
    try:
        namespace: dict = {"__name__": "__notebook__"}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FutureWarning)
            exec(compile(code, str(path), "exec"), namespace)  # noqa: S102 - our own notebook
    finally:
        Figure.savefig = original
    # A FutureWarning raised in a notebook's code or in the package is one users see, and a sign
    # that the next pandas will answer differently (the `observed=` default of groupby, e.g.).
    ours = [f"{Path(w.filename).name}:{w.lineno}: {w.message}" for w in caught
            if issubclass(w.category, FutureWarning) and _is_ours(w.filename)]
    assert not ours, ours


def _is_ours(filename: str) -> bool:
    where = Path(filename).resolve()
    return any(where.is_relative_to(REPO / part) for part in ("notebooks", "src"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_figures_keep_titles_and_labels_inside_and_label_no_bar_nan(path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BELARUS_DATA_FIGURES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    checked: list[str] = []
    _run_in_process(path, tmp_path, checked)
    assert sorted(checked) == sorted(nbformat.read(path, as_version=4).metadata["belarus_data"]["figures"])


# --- the report in a real browser (skipped where none is installed) ---------------------------

def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.slow
@pytest.mark.skipif(_browser() is None, reason="no Chromium on this machine (apt-get install chromium)")
def test_the_report_in_a_headless_browser_loads_offline_without_errors(report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    pages = [report / "index.html", *_pages(report)]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_browser(), args=["--no-sandbox"])
        try:
            for path in pages:
                page = browser.new_page()
                errors: list[str] = []
                outside: list[str] = []
                failed: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
                page.on("requestfailed", lambda r: failed.append(r.url))
                page.goto(path.as_uri(), wait_until="load")
                page.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))")
                broken = page.evaluate("() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
                                       ".map(i => i.src.slice(0, 80))")
                hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
                assert not errors and not outside and not failed and not broken, (path.name, errors, outside, failed, broken)
                assert page.title(), path.name
                for href in hrefs:  # local links resolve; links to the web are fine, they load nothing
                    if href.startswith("file:"):
                        assert Path(_file_path(href)).is_file(), (path.name, href)
                    else:
                        assert href.startswith(("http://", "https://", "mailto:")), (path.name, href)
                page.close()
        finally:
            browser.close()


def _file_path(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path)
