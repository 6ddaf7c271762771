"""The notebooks run, write the figures they declare, and `reproduce` writes the report."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from belarus_data.reproduce import PNG_SIGNATURE, NotebookFailed, notebook_paths, reproduce

from .conftest import REPO

NOTEBOOKS = notebook_paths(REPO)


def test_there_are_the_four_notebooks_in_order():
    assert [p.stem[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_"]


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


def _root_with_a_broken_notebook(tmp_path: Path) -> Path:
    for item in ("datasets", "schemas", "notebooks"):
        shutil.copytree(REPO / item, tmp_path / item)
    for item in ("datapackage.json", "CITATION.cff"):
        shutil.copy2(REPO / item, tmp_path / item)
    for extra in list((tmp_path / "notebooks").glob("*.ipynb"))[1:]:
        extra.unlink()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('broken on purpose')")]
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
