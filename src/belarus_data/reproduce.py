"""``belarus-data reproduce``: validate the data, run every notebook, write the report."""
from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._files import NOTEBOOKS, resolve_root
from .load import load_all
from .validate import validate

NOTEBOOK_TIMEOUT_S = 600
FIGURES_ENV = "BELARUS_DATA_FIGURES"  # where notebooks save their PNG figures
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotebookFailed(RuntimeError):
    """A notebook raised, or did not write a figure it declares; the message names it and the cell."""


@dataclass
class NotebookRun:
    name: str
    seconds: float
    figures: list[str] = field(default_factory=list)


def notebook_paths(root: str | Path | None = None) -> list[Path]:
    return sorted((resolve_root(root) / NOTEBOOKS).glob("*.ipynb"))


def reproduce(out: str | Path, *, root: str | Path | None = None,
              progress: Callable[[str], None] = print) -> Path:
    """Validate, execute the notebooks in order, and write ``out/index.html``; returns its path.

    ``out`` receives the executed notebooks (``.ipynb``), each rendered as HTML, the PNG figures
    in ``out/figures/``, and ``index.html`` linking them all.
    """
    target = Path(out).resolve()
    figures = target / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    validate(root)
    progress(f"validated the data ({time.perf_counter() - started:.1f} s)")
    runs = []
    for path in notebook_paths(root):
        runs.append(run_notebook(path, target))
        progress(f"ran {path.name} ({runs[-1].seconds:.1f} s, {len(runs[-1].figures)} figures)")
    index = target / "index.html"
    index.write_text(_index_html(load_all(root=root), runs), encoding="utf-8")
    progress(f"wrote {index}")
    return index


def run_notebook(path: Path, target: Path) -> NotebookRun:
    """Execute one notebook with ``target`` as working folder; write it as .ipynb and .html."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    t0 = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    declared = list(nb.metadata.get("belarus_data", {}).get("figures", []))
    client = NotebookClient(nb, timeout=NOTEBOOK_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(target)}})
    previous = os.environ.get(FIGURES_ENV)
    os.environ[FIGURES_ENV] = str(target / "figures")  # the kernel inherits it
    try:
        client.execute()
    except CellExecutionError as e:
        cell = next((i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error"
                                                               for o in c.get("outputs", []))), "?")
        last = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        raise NotebookFailed(f"{path.name}: cell {cell} failed: {last}") from None
    finally:
        if previous is None:
            os.environ.pop(FIGURES_ENV, None)
        else:
            os.environ[FIGURES_ENV] = previous
    for name in declared:
        figure = target / "figures" / name
        if not figure.is_file() or figure.read_bytes()[:8] != PNG_SIGNATURE:
            raise NotebookFailed(f"{path.name}: declared figure {name} was not written as a PNG")
    nbformat.write(nb, target / path.name)
    body, _ = HTMLExporter().from_notebook_node(nb)
    (target / f"{path.stem}.html").write_text(body, encoding="utf-8")
    return NotebookRun(path.stem, time.perf_counter() - t0, declared)


def _index_html(tables: dict, runs: list[NotebookRun]) -> str:
    first = next(iter(tables.values()))
    version = html.escape(str(first.attrs.get("version")))
    citation = html.escape(first.attrs.get("citation") or "")
    items = []
    for run in runs:
        images = "".join(f"<figure><img src='figures/{html.escape(f)}' width='640' alt='{html.escape(f)}'>"
                         f"<figcaption>{html.escape(f)}</figcaption></figure>" for f in run.figures)
        items.append(f"<li><h3><a href='{html.escape(run.name)}.html'>{html.escape(run.name)}</a></h3>"
                     f"<p>ran in {run.seconds:.1f} s · <a href='{html.escape(run.name)}.ipynb'>notebook</a></p>{images}</li>")
    notebooks = "".join(items) or "<li>No notebooks in this version.</li>"
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>{len(df)}</td></tr>" for n, df in tables.items())
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>belarus-data {version}</title></head><body>"
            f"<h1>belarus-data {version}: the analyses, reproduced</h1>"
            f"<p>The data passed validation before the notebooks ran. Cite as: {citation}</p>"
            f"<h2>Notebooks</h2><ol>{notebooks}</ol>"
            f"<h2>Tables</h2><table><tr><th>table</th><th>rows</th></tr>{rows}</table></body></html>")
