"""raw/ holds the input snapshots of the derived tables, each described in raw/manifest.json."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
MANIFEST = RAW / "manifest.json"
REQUIRED = ("file", "what", "published_by", "obtained_from", "as_of", "licence", "sha256")


def _entries() -> list[dict]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]


def test_every_manifest_entry_is_complete_and_its_sha256_matches_the_file():
    for entry in _entries():
        missing = [key for key in REQUIRED if not entry.get(key)]
        assert not missing, f"{entry.get('file')}: manifest lacks {missing}"
        data = (RAW / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"raw/{entry['file']} changed"
        assert len(data) == entry["bytes"], f"raw/{entry['file']}: size differs from the manifest"


def test_every_raw_file_is_in_the_manifest_once():
    listed = [entry["file"] for entry in _entries()]
    assert len(listed) == len(set(listed))
    on_disk = sorted(p.name for p in RAW.iterdir() if p.is_file() and p != MANIFEST)
    assert sorted(listed) == on_disk


def test_raw_is_kept_out_of_the_wheel_but_in_the_sdist():
    import tomllib

    hatch = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]
    assert not any(str(path).startswith("raw") for path in hatch["wheel"].get("force-include", {}))
    assert hatch["wheel"]["packages"] == ["src/belarus_data"]
    assert "raw" in hatch["sdist"]["include"]
