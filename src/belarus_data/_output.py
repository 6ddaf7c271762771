"""Writing outputs safely: into a folder that is not an input, atomically, never through a symlink
that leaves the data root.

Exports and the report are written to a temporary name beside their final place and moved there
only when complete, so an interrupted or failed run leaves either the previous output or nothing,
never half a file.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ._files import DATASETS, NOTEBOOKS, SCHEMAS

INPUT_FOLDERS = (DATASETS, SCHEMAS, NOTEBOOKS)
TEMP_PREFIX = ".belarus-data-tmp-"


class OutputError(ValueError):
    """An output folder or file that cannot or must not be written; the message names it."""


def output_folder(out: str | Path, root: Path) -> Path:
    """``out`` made ready to receive outputs: created if needed, refused when it is a file, not
    writable, or the data root or one of its input folders (writing there would overwrite inputs)."""
    target = Path(out).resolve()
    base = root.resolve()
    for folder in (base, *(base / name for name in INPUT_FOLDERS)):
        if target == folder or (folder != base and target.is_relative_to(folder)):
            raise OutputError(f"--out {out}: refusing to write into the data root or its input folder "
                              f"{folder}; choose another folder (e.g. --out report)")
    if target.exists() and not target.is_dir():
        raise OutputError(f"--out {out}: is a file, not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=target, prefix=TEMP_PREFIX)
        probe.close()
    except OSError as e:
        raise OutputError(f"--out {out}: cannot write there ({e.strerror or e})") from None
    return target


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; moved onto ``path`` when the block ends
    without an error (KeyboardInterrupt included), deleted otherwise."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=path.suffix)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o644)  # mkstemp makes 0600; an export is meant to be shared
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    with atomic_path(path) as temp:
        write(temp)
    return path


def inside(base: Path, relative: str) -> Path:
    """``base/relative``, refusing a file that is (or passes through) a symlink leading out of
    ``base``: an export must carry the data root's own files, never a file from elsewhere."""
    path = base / relative
    if not path.resolve().is_relative_to(base.resolve()):
        raise OutputError(f"{relative}: is a link to {path.resolve()}, outside the data root {base}; "
                          "refusing to export a file from outside the data")
    if not path.is_file():
        raise OutputError(f"{relative}: file is missing (expected at {path})")
    return path
