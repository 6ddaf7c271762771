"""``belarus-data reproduce``: validate the data, run every notebook, write the report.

The report is built in a temporary folder inside ``--out`` and moved into place only when every
notebook has run, so a failed or interrupted run leaves the previous report as it was; files a
previous report listed and this one does not write are removed, so a second run into the same
folder gives what a first would. The pages need nothing from the network: no script is loaded,
figures are embedded, the style is inline.
"""
from __future__ import annotations

import html
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._files import NOTEBOOKS, ROOT_ENV, resolve_root
from ._output import TEMP_PREFIX, output_folder
from .load import load_all
from .validate import validate

NOTEBOOK_TIMEOUT_S = 600
FIGURES_ENV = "BELARUS_DATA_FIGURES"  # where notebooks save their PNG figures
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MANIFEST = ".belarus-data-report"  # the files the last report wrote, one per line
INDEX = "index.html"
# Colour and cursor codes (ESC [ ... letter) that IPython puts into error names and messages.
_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class NotebookFailed(RuntimeError):
    """A notebook raised, or did not write a figure it declares; the message names it and the cell."""


@dataclass
class NotebookRun:
    name: str
    seconds: float
    figures: list[str] = field(default_factory=list)
    title: str = ""
    notebook: Any = None  # the executed nbformat node


def notebook_paths(root: str | Path | None = None) -> list[Path]:
    return sorted((resolve_root(root) / NOTEBOOKS).glob("*.ipynb"))


def reproduce(out: str | Path, *, root: str | Path | None = None,
              progress: Callable[[str], None] = print) -> Path:
    """Validate, execute the notebooks in order, and write ``out/index.html``; returns its path.

    ``out`` receives the executed notebooks (``.ipynb``), each rendered as an HTML page (figures
    inline, navigation to the index and between pages), the PNG figures in ``out/figures/``,
    and ``index.html`` linking them all. Every notebook analyses ``root`` (default: the data
    :func:`belarus_data._files.default_root` finds).
    """
    base = resolve_root(root).resolve()
    if not base.is_dir():
        raise FileNotFoundError(f"--root {base}: no such folder")
    target = output_folder(out, base)
    started = time.perf_counter()
    validate(base)
    progress(f"validated the data ({time.perf_counter() - started:.1f} s)")
    with tempfile.TemporaryDirectory(dir=target, prefix=TEMP_PREFIX) as work_dir:
        work = Path(work_dir)
        (work / "figures").mkdir()
        runs = []
        for path in notebook_paths(base):
            runs.append(run_notebook(path, work, root=base))
            progress(f"ran {path.name} ({runs[-1].seconds:.1f} s, {len(runs[-1].figures)} figures)")
        tables = load_all(root=base)
        for i, run in enumerate(runs):
            page = render_page(run, runs[i - 1] if i else None, runs[i + 1] if i + 1 < len(runs) else None)
            (work / f"{run.name}.html").write_text(page, encoding="utf-8")
        (work / INDEX).write_text(_index_html(tables, runs), encoding="utf-8")
        publish(work, target)
    index = target / INDEX
    progress(f"wrote {index}")
    return index


def publish(work: Path, target: Path) -> list[str]:
    """Move every file of ``work`` into ``target`` (one rename each), then delete the files the
    previous report listed that this one does not have; returns the files, relative to target."""
    files = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file())
    manifest = target / MANIFEST
    previous = manifest.read_text(encoding="utf-8").split() if manifest.is_file() else []
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(work / name, target / name)
    for name in set(previous) - set(files):
        stale = target / name
        if stale.resolve().is_relative_to(target) and (stale.is_file() or stale.is_symlink()):
            stale.unlink()
    (work / MANIFEST).write_text("\n".join(files) + "\n", encoding="utf-8")
    os.replace(work / MANIFEST, manifest)
    return files


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables (the kernel inherits them) and restore them afterwards."""
    previous = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_notebook(path: Path, target: Path, *, root: str | Path | None = None) -> NotebookRun:
    """Execute one notebook with ``target`` as working folder, its figures in ``target/figures``
    and ``root`` as its data; write the executed notebook to ``target``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    t0 = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    declared = list(nb.metadata.get("belarus_data", {}).get("figures", []))
    # The kernel logs only errors: at its default level it warns, once per notebook, that its
    # local TCP connection is not encrypted, which users read as a failure.
    client = NotebookClient(nb, timeout=NOTEBOOK_TIMEOUT_S, kernel_name="python3",
                            extra_arguments=["--log-level=ERROR"],
                            resources={"metadata": {"path": str(target)}})
    env = {FIGURES_ENV: str(target / "figures"), ROOT_ENV: str(resolve_root(root)),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # older ipykernels' debugger warns on every start
    # The kernel's own stderr goes to a log, not the user's terminal: while it shuts down after a
    # failed cell, ipykernel can race its own sockets and print a traceback that is not the
    # notebook's error. The log is shown only when the kernel itself dies.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as kernel_log:
        try:
            with _environment(**env):
                execute(client, stderr=kernel_log)
        except CellExecutionError as e:
            cell = next((i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error"
                                                                   for o in c.get("outputs", []))), "?")
            raise NotebookFailed(f"{path.name}: cell {cell} failed: {_last_line(str(e), type(e).__name__)}") from None
        except DeadKernelError:
            kernel_log.seek(0)
            said = _last_line(kernel_log.read(), "it printed nothing")
            raise NotebookFailed(f"{path.name}: the notebook's kernel died ({said})") from None
    for name in declared:
        figure = target / "figures" / name
        if not figure.is_file() or figure.read_bytes()[:8] != PNG_SIGNATURE:
            raise NotebookFailed(f"{path.name}: declared figure {name} was not written as a PNG")
    nbformat.write(nb, target / path.name)
    return NotebookRun(path.stem, time.perf_counter() - t0, declared, notebook_title(nb, path.stem), nb)


def _last_line(text: str, fallback: str) -> str:
    """The last non-empty line of ``text`` without terminal codes, or ``fallback``."""
    lines = [line for line in _TERMINAL_CODES.sub("", text).splitlines() if line.strip()]
    return lines[-1].strip() if lines else fallback


def execute(client: Any, **kernel_options: Any) -> None:
    """Run ``client.execute(**kernel_options)`` so that Ctrl-C stops the notebook cleanly.

    nbclient, run in the main thread, answers SIGINT by killing the kernel under the running cell
    and then fails with an unrelated AssertionError. So the notebook runs in a worker thread
    (where nbclient installs no signal handler), and Ctrl-C in the main thread interrupts the
    kernel as Jupyter's own interrupt button does: the cell stops, nbclient shuts the kernel
    down, and the run ends with KeyboardInterrupt. A second Ctrl-C stops at once.
    """
    if threading.current_thread() is not threading.main_thread():
        client.execute(**kernel_options)
        return
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        try:
            client.execute(**kernel_options)
        except BaseException as e:  # noqa: BLE001 - handed to the main thread below
            outcome["error"] = e

    interrupted = False

    def on_interrupt(signum: int, frame: Any) -> None:
        nonlocal interrupted
        if interrupted:
            raise KeyboardInterrupt
        interrupted = True

    worker = threading.Thread(target=work, name="belarus-data-notebook", daemon=True)
    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            if interrupted:
                _interrupt_kernel(client)
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt
    if "error" in outcome:
        raise outcome["error"]


def _interrupt_kernel(client: Any) -> None:
    """Send SIGINT to the notebook's kernel process, if it is running."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGINT)


def notebook_title(nb: Any, fallback: str) -> str:
    """The text of the notebook's first Markdown heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip() or fallback
    return fallback


# --- HTML ------------------------------------------------------------------------------------

STYLE = """
body { max-width: 60rem; margin: 0 auto; padding: 0 1rem 2rem; line-height: 1.5;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; }
nav.report { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; padding: 0.75rem 0; margin: 0.5rem 0 1rem;
             border-bottom: 1px solid #ddd; font-size: 0.95rem; }
nav.report.bottom { border-bottom: none; border-top: 1px solid #ddd; margin-top: 2rem; }
nav.report a { color: #0b57d0; text-decoration: none; }
nav.report a:hover { text-decoration: underline; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; }
td, th { padding: 0.2rem 0.6rem; border-bottom: 1px solid #eee; text-align: left; }
figure { margin: 1rem 0; }
figcaption { color: #555; font-size: 0.9rem; }
"""

# nbconvert's "lab" page, less everything it would fetch from a CDN (require.js, MathJax, the
# widget and mermaid loaders), plus our style and a navigation bar above and below the notebook.
# Blocks a given nbconvert version lacks are simply not rendered, so this works across versions.
_PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}<style type="text/css">{{ resources.belarus_data_style }}</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.belarus_data_nav_top }}{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.belarus_data_nav_bottom }}{{ super() }}{%- endblock body_footer -%}
"""
_PAGE_TEMPLATE_NAME = "belarus_data_page.html.j2"


def render_page(run: NotebookRun, previous: NotebookRun | None, following: NotebookRun | None) -> str:
    """One notebook as a self-contained HTML page titled by its first heading."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", template_file=_PAGE_TEMPLATE_NAME,
                            extra_loaders=[DictLoader({_PAGE_TEMPLATE_NAME: _PAGE_TEMPLATE})])
    nb = run.notebook
    nb.metadata["title"] = run.title
    resources = {"belarus_data_style": STYLE,
                 "belarus_data_nav_top": _nav(run, previous, following, "top"),
                 "belarus_data_nav_bottom": _nav(run, previous, following, "bottom")}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _nav(run: NotebookRun, previous: NotebookRun | None, following: NotebookRun | None, where: str) -> str:
    links = ["<a href='index.html'>↑ All analyses</a>"]
    if previous is not None:
        links.append(f"<a href='{_e(previous.name)}.html' rel='prev'>← {_e(previous.title)}</a>")
    if following is not None:
        links.append(f"<a href='{_e(following.name)}.html' rel='next'>{_e(following.title)} →</a>")
    links.append(f"<a href='{_e(run.name)}.ipynb'>notebook file</a>")
    return f"<nav class='report {where}' aria-label='report navigation'>{''.join(links)}</nav>"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _index_html(tables: dict, runs: list[NotebookRun]) -> str:
    first = next(iter(tables.values()))
    version = _e(first.attrs.get("version"))
    citation = _e(first.attrs.get("citation") or "")
    items = []
    for run in runs:
        images = "".join(f"<figure><a href='{_e(run.name)}.html'><img src='figures/{_e(f)}' alt='{_e(f)}' "
                         f"loading='lazy'></a><figcaption>{_e(f)}</figcaption></figure>" for f in run.figures)
        items.append(f"<li><h3><a href='{_e(run.name)}.html'>{_e(run.title)}</a></h3>"
                     f"<p>ran in {run.seconds:.1f} s · <a href='{_e(run.name)}.ipynb'>notebook file</a></p>"
                     f"{images}</li>")
    notebooks = "".join(items) or "<li>No notebooks in this version.</li>"
    rows = "".join(f"<tr><td>{_e(n)}</td><td>{len(df)}</td></tr>" for n, df in tables.items())
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>belarus-data {version}: the analyses</title><style>{STYLE}</style></head><body>"
            f"<h1>belarus-data {version}: the analyses, reproduced</h1>"
            f"<p>The data passed validation before the notebooks ran. Cite as: {citation}</p>"
            f"<h2>Notebooks</h2><ol>{notebooks}</ol>"
            f"<h2>Tables</h2><table><tr><th>table</th><th>rows</th></tr>{rows}</table></body></html>\n")
