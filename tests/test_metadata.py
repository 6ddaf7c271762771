"""One version everywhere; generated files are fresh; the descriptor matches the files."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

import belarus_data as bd
from belarus_data.codebook import render_codebook
from belarus_data.datapackage import build_descriptor, render

from .conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
CITATION = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))


def test_the_version_is_the_same_everywhere():
    assert bd.__version__ == VERSION
    assert CITATION["version"] == VERSION
    assert DESCRIPTOR["version"] == VERSION


def test_citation_release_date_is_the_changelog_date_of_this_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    match = re.search(rf"^## \[{re.escape(VERSION)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$", changelog, re.M)
    assert match, f"CHANGELOG.md has no '## [{VERSION}] - yyyy-mm-dd' heading"
    assert str(CITATION["date-released"]) == match.group(1)


def test_citation_cff_is_a_valid_cff_1_2_0_dataset():
    import jsonschema

    spec = importlib.util.find_spec("cffconvert")  # installed --no-deps, only for its schema file
    if spec is None:
        pytest.fail("cffconvert (for the CFF 1.2.0 JSON schema) is not installed; see README's test command")
    schema_path = Path(spec.submodule_search_locations[0]) / "schemas" / "1.2.0" / "schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    document = json.loads(json.dumps(CITATION, default=str))  # dates as the strings CFF expects
    jsonschema.validate(document, schema)
    assert CITATION["type"] == "dataset"


def test_licences_are_stated_everywhere():
    assert CITATION["license"] == "CC-BY-4.0"
    assert [lic["name"] for lic in DESCRIPTOR["licenses"]] == ["CC-BY-4.0", "MIT"]
    assert all(r["licenses"][0]["name"] == "CC-BY-4.0" for r in DESCRIPTOR["resources"])
    assert "MIT" in (REPO / "LICENSE").read_text() and "CC BY 4.0" in (REPO / "LICENSE-DATA").read_text()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in readme and "MIT" in readme


def test_datapackage_json_is_exactly_what_the_build_script_writes():
    assert (REPO / "datapackage.json").read_text(encoding="utf-8") == render(build_descriptor(REPO)), \
        "datapackage.json is stale: run `belarus-data build-datapackage`"


def test_every_resource_size_and_hash_match_its_file_using_the_standard_library_only():
    for resource in DESCRIPTOR["resources"]:
        data = (REPO / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data), resource["path"]
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), resource["path"]


def test_every_schema_is_a_resource_and_every_resource_has_sources():
    names = {p.stem for p in (REPO / "schemas").glob("*.json")}
    assert {r["name"] for r in DESCRIPTOR["resources"]} == names
    assert all(r["sources"] for r in DESCRIPTOR["resources"] if (REPO / r["path"]).stat().st_size > 200)


def test_codebook_is_generated_from_the_current_schemas():
    assert (REPO / "docs" / "codebook.md").read_text(encoding="utf-8") == render_codebook(REPO), \
        "docs/codebook.md is stale: run `belarus-data build-codebook`"


def test_every_schema_is_a_valid_table_schema():
    from frictionless import Schema

    for path in (REPO / "schemas").glob("*.json"):
        report = Schema.validate_descriptor(str(path))
        assert report.valid, (path.name, [e.message for e in report.errors])


@pytest.mark.slow
def test_frictionless_validates_every_resource_cell_by_cell():
    """The standard tool agrees with ours (list-item references are ours alone to check)."""
    from frictionless import Package

    package = Package(str(REPO / "datapackage.json"))
    for resource in package.resources:
        report = resource.validate()
        assert report.valid, (resource.name, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


def test_importing_the_package_does_not_import_heavy_dependencies():
    import subprocess
    import sys

    code = ("import sys, belarus_data; heavy = [m for m in ('pandera', 'frictionless', 'matplotlib', "
            "'nbclient', 'rapidfuzz', 'yaml') if m in sys.modules]; print(','.join(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
