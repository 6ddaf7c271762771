"""``belarus-data reproduce``: validate the data, run every notebook, write the report."""
from __future__ import annotations

import base64
import html
import time
from collections.abc import Callable
from pathlib import Path

from ._files import NOTEBOOKS, resolve_root
from .load import load_all
from .validate import validate

NOTEBOOK_TIMEOUT_S = 600


class NotebookFailed(RuntimeError):
    """A notebook raised; the message names the notebook and the failing cell."""


def notebook_paths(root: str | Path | None = None) -> list[Path]:
    return sorted((resolve_root(root) / NOTEBOOKS).glob("*.ipynb"))


def reproduce(out: str | Path, *, root: str | Path | None = None,
              progress: Callable[[str], None] = print) -> Path:
    """Validate, execute the notebooks in order, and write ``out/index.html``; returns its path."""
    target = Path(out)
    (target / "figures").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    validate(root)
    progress(f"validated the data ({time.perf_counter() - started:.1f} s)")
    pages = []
    for path in notebook_paths(root):
        t0 = time.perf_counter()
        pages.append(_run_notebook(path, target))
        progress(f"ran {path.name} ({time.perf_counter() - t0:.1f} s)")
    index = target / "index.html"
    index.write_text(_index_html(load_all(root=root), pages), encoding="utf-8")
    progress(f"wrote {index}")
    return index


def _run_notebook(path: Path, target: Path) -> tuple[str, list[str]]:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=NOTEBOOK_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(target)}})
    try:
        client.execute()
    except CellExecutionError as e:
        cell = next((i for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"
                     and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        raise NotebookFailed(f"{path.name}: cell {cell} failed: {str(e).splitlines()[-1] if str(e) else e}") from None
    nbformat.write(nb, target / path.name)
    figures = []
    for i, cell in enumerate(nb.cells):
        for j, output in enumerate(cell.get("outputs", [])):
            png = output.get("data", {}).get("image/png")
            if png:
                name = f"{path.stem}-cell{i:02d}-{j}.png"
                (target / "figures" / name).write_bytes(base64.b64decode(png))
                figures.append(name)
    body, _ = HTMLExporter().from_notebook_node(nb)
    (target / f"{path.stem}.html").write_text(body, encoding="utf-8")
    return path.stem, figures


def _index_html(tables: dict, pages: list[tuple[str, list[str]]]) -> str:
    any_table = next(iter(tables.values()))
    version = any_table.attrs.get("version")
    citation = any_table.attrs.get("citation") or ""
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>{len(df)}</td></tr>" for n, df in tables.items())
    links = "".join(
        f"<li><a href='{html.escape(stem)}.html'>{html.escape(stem)}</a> ({len(figs)} figure{'s' if len(figs) != 1 else ''})</li>"
        for stem, figs in pages) or "<li>No notebooks in this version.</li>"
    return (f"<!doctype html><meta charset='utf-8'><title>belarus-data {version}</title>"
            f"<h1>belarus-data {html.escape(str(version))}: reproduced analyses</h1>"
            f"<p>The data passed validation. Cite as: {html.escape(citation)}</p>"
            f"<h2>Notebooks</h2><ul>{links}</ul>"
            f"<h2>Tables</h2><table><tr><th>table</th><th>rows</th></tr>{rows}</table>")
