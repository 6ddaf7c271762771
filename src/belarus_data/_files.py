"""Where the data files are: inside the installed wheel, or in the repository when editable."""
from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

# Names of the files and folders that make a data root; the wheel carries them under _data/.
DATASETS = "datasets"
SCHEMAS = "schemas"
DESCRIPTOR = "datapackage.json"
CITATION = "CITATION.cff"
NOTEBOOKS = "notebooks"
# A data root to use instead of the installed data wherever no root is passed. `belarus-data
# reproduce --root DIR` sets it for the notebooks' kernel, so every notebook analyses DIR.
ROOT_ENV = "BELARUS_DATA_ROOT"


def default_root() -> Path:
    """The folder holding datapackage.json, datasets/ and schemas/ when no root is given: the
    folder named by the environment variable ``BELARUS_DATA_ROOT`` when it is set, else the data
    installed with this package (see :func:`installed_root`)."""
    chosen = os.environ.get(ROOT_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser().resolve()
    return installed_root()


@cache
def installed_root() -> Path:
    """The data of this installation.

    A wheel ships them in ``belarus_data/_data``; an editable install reads the repository,
    two levels above ``src/belarus_data``.
    """
    bundled = Path(str(files("belarus_data"))) / "_data"
    if (bundled / SCHEMAS).is_dir():
        return bundled
    repo = Path(__file__).resolve().parents[2]
    if (repo / SCHEMAS).is_dir():
        return repo
    raise FileNotFoundError(
        f"belarus_data cannot find its data: neither {bundled} nor {repo} holds a '{SCHEMAS}' folder. "
        "Reinstall the package (pip install belarus-data) or run from a checkout."
    )


def resolve_root(root: str | Path | None) -> Path:
    """``root`` as a Path, or :func:`default_root` when it is None."""
    return default_root() if root is None else Path(root)
