"""The diff between two versions, shown on small fictional versions written by each test."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import belarus_data as bd
from belarus_data import DataValidationError


def version(root: Path, tables: dict[str, tuple[list[str], str]], number: str | None = None) -> Path:
    """A fictional data root: ``{table: (primary key, CSV text)}``, each with a minimal schema."""
    (root / "datasets").mkdir(parents=True)
    (root / "schemas").mkdir()
    for name, (key, text) in tables.items():
        columns = text.splitlines()[0].split(",")
        schema = {"fields": [{"name": c, "type": "string"} for c in columns], "primaryKey": key}
        (root / "schemas" / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
        (root / "datasets" / f"{name}.csv").write_text(text, encoding="utf-8")
    if number:
        (root / "datapackage.json").write_text(json.dumps({"version": number}), encoding="utf-8")
    return root


PEOPLE = "person_id,name,city\nanna-k,Anna K,Minsk\nboris-l,Boris L,Hrodna\nvera-m,Vera M,\n"
LINKS = "person_id,release_id,outcome\nanna-k,2025-01-01,freed\nboris-l,2025-01-01,freed\n"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return version(tmp_path / "old", {"people": (["person_id"], PEOPLE),
                                      "links": (["person_id", "release_id"], LINKS),
                                      "gone": (["id"], "id,x\n1,a\n")}, "1.0.0")


def changes(d) -> set[tuple[str, ...]]:
    return set(d.changes.itertuples(index=False, name=None))


def test_a_version_against_itself_has_no_changes(old):
    d = bd.diff(old, old)
    assert d.changes.empty
    assert d.summary().to_numpy().sum() == 0
    assert "No row was added, removed or changed." in d.to_markdown()


def test_rows_added_removed_and_changed_are_listed_by_table_and_id(old, tmp_path):
    people = "person_id,name,city\nanna-k,Anna K,Vilnius\nvera-m,Vera M,Brest\ngleb-n,Gleb N,\n"
    links = "person_id,release_id,outcome\nanna-k,2025-01-01,exiled\n"
    new = version(tmp_path / "new", {"people": (["person_id"], people),
                                     "links": (["person_id", "release_id"], links),
                                     "gone": (["id"], "id,x\n1,a\n")}, "1.1.0")
    assert changes(bd.diff(old, new)) == {
        ("people", "gleb-n", "added", "", "", ""),
        ("people", "boris-l", "removed", "", "", ""),
        ("people", "anna-k", "changed", "city", "Minsk", "Vilnius"),
        ("people", "vera-m", "changed", "city", "", "Brest"),
        ("links", "boris-l|2025-01-01", "removed", "", "", ""),
        ("links", "anna-k|2025-01-01", "changed", "outcome", "freed", "exiled"),
    }


def test_tables_and_columns_added_or_removed_are_listed_and_shared_cells_still_compared(old, tmp_path):
    people = "person_id,name,birth_year\nanna-k,Anna K.,1980\nboris-l,Boris L,\nvera-m,Vera M,\n"
    new = version(tmp_path / "new", {"people": (["person_id"], people),
                                     "links": (["person_id", "release_id"], LINKS),
                                     "judges": (["judge_id"], "judge_id,name\nj-1,J One\n")})
    found = changes(bd.diff(old, new))
    assert ("judges", "", "table_added", "", "", "") in found
    assert ("gone", "", "table_removed", "", "", "") in found
    assert ("judges", "j-1", "added", "", "", "") in found and ("gone", "1", "removed", "", "", "") in found
    assert ("people", "", "column_added", "birth_year", "", "") in found
    assert ("people", "", "column_removed", "city", "", "") in found
    # the column that left is not a change of each row; the cell both versions share is
    assert [c for c in found if c[2] == "changed"] == [("people", "anna-k", "changed", "name", "Anna K", "Anna K.")]


def test_rows_are_matched_on_the_old_key_when_the_new_schema_extends_it(old, tmp_path):
    links = "person_id,release_id,n,outcome\nanna-k,2025-01-01,1,freed\nboris-l,2025-01-01,1,freed\n"
    new = version(tmp_path / "new", {"people": (["person_id"], PEOPLE),
                                     "links": (["person_id", "release_id", "n"], links),
                                     "gone": (["id"], "id,x\n1,a\n")})
    found = changes(bd.diff(old, new))
    assert found == {("links", "", "column_added", "n", "", "")}


def test_an_id_gone_with_a_redirect_is_reported_as_redirected_not_removed(old, tmp_path):
    people = "person_id,name,city\nanna-k,Anna K,Minsk\nborys-l,Boris L,Hrodna\n"
    redirects = ("table,old_id,new_id,version,reason,source_ids\n"
                 "people,boris-l,borys-l,1.1.0,slug respelled,\npeople,vera-m,,1.1.0,withdrawn on request,\n")
    new = version(tmp_path / "new", {"people": (["person_id"], people),
                                     "links": (["person_id", "release_id"], LINKS),
                                     "gone": (["id"], "id,x\n1,a\n"),
                                     "id_redirects": (["table", "old_id"], redirects)}, "1.1.0")
    d = bd.diff(old, new)
    found = changes(d)
    assert ("people", "boris-l", "redirected", "", "", "borys-l") in found
    assert ("people", "vera-m", "redirected", "", "", "") in found
    assert ("people", "borys-l", "added", "", "", "") in found
    assert not [c for c in found if c[2] == "removed"]
    summary = d.summary()
    assert summary.loc["people", "redirected"] == 2 and summary.loc["people", "added"] == 1
    markdown = d.to_markdown()
    assert "### Data changes from 1.0.0 to 1.1.0" in markdown
    assert "- redirected `boris-l` to `borys-l`" in markdown and "- withdrawn `vera-m`" in markdown


def test_the_markdown_lists_the_changes_of_small_tables_only(old, tmp_path):
    people = PEOPLE + "".join(f"p-{i},P {i},\n" for i in range(30))
    new = version(tmp_path / "new", {"people": (["person_id"], people),
                                     "links": (["person_id", "release_id"], LINKS.replace("freed\n", "exiled\n", 1)),
                                     "gone": (["id"], "id,x\n1,a\n")})
    markdown = bd.diff(old, new).to_markdown(list_at_most=25)
    assert "| `people` | 30 | 0 | 0 | 0 |" in markdown and "added `p-0`" not in markdown
    assert "- changed `anna-k|2025-01-01`: `outcome`" in markdown


def test_a_duplicate_id_is_refused_with_the_file_named(old, tmp_path):
    new = version(tmp_path / "new", {"people": (["person_id"], PEOPLE + "anna-k,Anna again,\n")})
    with pytest.raises(DataValidationError, match=r"datasets/people.csv, row 5: \[primary_key\]"):
        bd.diff(old, new)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "belarus_data.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("format", ["csv", "json", "markdown"])
def test_the_command_writes_each_format(old, tmp_path, format):
    people = PEOPLE.replace("Minsk", "Vilnius")
    new = version(tmp_path / "new", {"people": (["person_id"], people),
                                     "links": (["person_id", "release_id"], LINKS),
                                     "gone": (["id"], "id,x\n1,a\n")})
    out = tmp_path / f"diff.{format}"
    done = run("diff", str(old), str(new), "--format", format, "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    if format == "csv":
        assert text.splitlines() == ["table,id,change,field,old,new", "people,anna-k,changed,city,Minsk,Vilnius"]
    elif format == "json":
        document = json.loads(text)
        assert document["changes"] == [{"table": "people", "id": "anna-k", "change": "changed", "field": "city",
                                        "old": "Minsk", "new": "Vilnius"}]
        assert document["old"]["version"] == "1.0.0"
    else:
        assert "| `people` | 0 | 0 | 0 | 1 |" in text


def test_the_command_names_a_root_that_is_not_a_data_root(old, tmp_path):
    done = run("diff", str(old), str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "nowhere" in done.stderr and "Traceback" not in done.stderr
