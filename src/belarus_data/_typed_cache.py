"""A cache on disk of tables already read, typed and checked, so that the first load in a new
process costs little more than reading the files.

An entry is the pickled frame that the reader made, with no problem, from exactly one file's
bytes. Its name is a sha256 of everything the frame depends on: the CSV's bytes, the schema
file's bytes, the table's name, this package's code and the versions of the libraries that type
the frame (pandas, NumPy, pyarrow, PyYAML, Python). Any change to any of them gives another name,
so an entry is never used for other inputs; an entry no longer named is left behind and pruned,
oldest first, when the folder grows past ``MAX_BYTES``. A file with a problem is never cached,
so it raises on every load; and the loader still checks each file against ``datapackage.json``
every time: the cache saves the typing, never a check.

Entries are pickles, which run code when read, so the cache is used only in a folder that
belongs to the user and that no one else can write to (created with mode 0700). The folder is
``$BELARUS_DATA_CACHE``, else ``$XDG_CACHE_HOME/belarus-data``, else ``~/.cache/belarus-data``;
``BELARUS_DATA_CACHE=off`` turns the cache off. A cache that cannot be used (read-only, not a
folder, full, corrupt) is skipped: it makes loading slower, never different.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

CACHE_ENV = "BELARUS_DATA_CACHE"
OFF = {"off", "0", "false", "no", "none"}
MAX_BYTES = 256 * 2**20
TABLES = "tables"      # typed frames, one file per table and inputs
VERDICTS = "verdicts"  # empty files: "the descriptor, citation and project files of this key pass"
_LIBRARIES = ("pandas", "numpy", "pyarrow", "pyyaml")


def folder() -> Path | None:
    """The cache folder in use, or None when the cache is off or cannot be used safely."""
    chosen = os.environ.get(CACHE_ENV, "").strip()
    if chosen.lower() in OFF:
        return None
    if chosen:
        base = Path(chosen).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "belarus-data"
    return base if _private_folder(base) else None


def _private_folder(path: Path) -> bool:
    """Create ``path`` if needed; True when it is a folder of this user that others cannot write."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        stat = path.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand
        return False
    if not path.is_dir():
        return False
    if hasattr(os, "getuid") and (stat.st_uid != os.getuid() or stat.st_mode & 0o022):
        return False
    return True


@cache
def code_fingerprint() -> str:
    """A sha256 of this package's modules and the versions of the libraries that type a frame."""
    h = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{name}=absent\0".encode())
    h.update(f"{sys.version}\0{pickle.HIGHEST_PROTOCOL}".encode())
    return h.hexdigest()


def table_entry(table: str, schema_digest: str, data_digest: str) -> str:
    """The name of the entry for a table read from a file whose sha256 is ``data_digest``."""
    key = hashlib.sha256(f"{code_fingerprint()}\0{table}\0{schema_digest}\0{data_digest}".encode())
    return f"{table}-{key.hexdigest()[:40]}.pickle"


def verdict_entry(*contents: bytes | None) -> str:
    """The name of the verdict for the files whose bytes are ``contents`` (None: no such file)."""
    h = hashlib.sha256(code_fingerprint().encode())
    for content in contents:
        h.update(b"\0absent" if content is None else b"\0" + hashlib.sha256(content).digest())
    return f"metadata-{h.hexdigest()[:40]}"


def get(name: str) -> bytes | None:
    """The bytes of table entry ``name``, or None when there is none (or it cannot be read)."""
    base = folder()
    if base is None:
        return None
    path = base / TABLES / name
    try:
        blob = path.read_bytes()
        os.utime(path)  # the oldest-used entries are pruned first
    except OSError:
        return None
    return blob


def put(name: str, blob: bytes) -> None:
    """Store table entry ``name`` (whole or not at all), then prune the cache to its size."""
    base = folder()
    if base is not None and _write(base / TABLES, name, blob):
        prune(base)


def has_verdict(name: str) -> bool:
    base = folder()
    return base is not None and (base / VERDICTS / name).is_file()


def put_verdict(name: str) -> None:
    base = folder()
    if base is not None:
        _write(base / VERDICTS, name, b"")


def _write(where: Path, name: str, blob: bytes) -> bool:
    try:
        where.mkdir(mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=where, prefix=".writing-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(temporary, where / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def prune(base: Path, max_bytes: int = MAX_BYTES) -> None:
    """Delete the least recently used table entries until the folder holds at most ``max_bytes``."""
    entries = []
    for path in (base / TABLES).glob("*.pickle"):
        try:
            stat = path.stat()
        except OSError:  # pruned meanwhile by another process
            continue
        entries.append((stat.st_mtime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size


def freeze(frame: object) -> bytes:
    return pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)


def thaw(blob: bytes) -> object:
    """Unpickle ``blob``; the collector is paused, as it would otherwise scan the many new list
    objects of a list column several times over (a third of the time, or more)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(blob)
    finally:
        if was_enabled:
            gc.enable()
