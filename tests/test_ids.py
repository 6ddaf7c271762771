"""Stable ids: every id a published version used is still present or redirected."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import belarus_data as bd
from belarus_data import DataValidationError, ids
from belarus_data.validate import problems

from .conftest import REPO, read_rows, write_rows

REDIRECT_COLUMNS = ["table", "old_id", "new_id", "version", "reason", "source_ids"]


def stable_id_problems(root):
    return [p for p in problems(root) if p.rule == "stable_ids"]


@pytest.fixture
def checkout(data_copy):
    """The data copy with the published ids, as a checkout has them."""
    shutil.copytree(REPO / ids.VERSIONS, data_copy / ids.VERSIONS)
    return data_copy


def rename_person(root, old, new):
    for table in ("prisoners", "prisoner_releases"):
        rows = read_rows(root, table)
        for row in rows:
            if row["person_id"] == old:
                row["person_id"] = new
        write_rows(root, table, rows)


def redirect(root, *rows):
    """Add redirect rows to those the data already has."""
    existing = read_rows(root, "id_redirects")
    write_rows(root, "id_redirects", existing + [dict(zip(REDIRECT_COLUMNS, r)) for r in rows], REDIRECT_COLUMNS)


def test_every_published_version_keeps_its_ids_in_the_repository():
    assert "0.2.0" in ids.published_versions(REPO)
    published = ids.published_ids("0.2.0", REPO)
    assert set(published.table) >= {"prisoners", "releases", "sources", "prisoner_releases"}
    assert not published.duplicated(["table", "id"]).any()


def test_every_id_of_every_published_version_is_still_present_or_redirected():
    assert stable_id_problems(REPO) == []


def test_a_person_id_that_vanishes_without_a_redirect_is_refused(checkout):
    rename_person(checkout, "ales-bialiatski", "ales-bialiatsky")
    found = stable_id_problems(checkout)
    assert any("'ales-bialiatski', published in 0.2.0, vanished" in p.message and p.file == "datasets/prisoners.csv"
               for p in found), found
    # the composite id of his link vanished too
    assert any(p.file == "datasets/prisoner_releases.csv" and "ales-bialiatski|" in p.message for p in found)


def test_a_redirect_to_the_new_id_keeps_the_promise(checkout):
    rename_person(checkout, "ales-bialiatski", "ales-bialiatsky")
    links = [r for r in read_rows(checkout, "prisoner_releases") if r["person_id"] == "ales-bialiatsky"]
    redirect(checkout, ("prisoners", "ales-bialiatski", "ales-bialiatsky", "1.0.0", "slug respelled", ""),
             *[("prisoner_releases", f"ales-bialiatski|{r['release_id']}", f"ales-bialiatsky|{r['release_id']}",
                "1.0.0", "the person's slug respelled", "") for r in links])
    assert stable_id_problems(checkout) == []
    assert bd.resolve_id("prisoners", "ales-bialiatski", root=checkout) == "ales-bialiatsky"


def test_a_withdrawn_id_needs_no_target(checkout):
    people = read_rows(checkout, "prisoners")
    gone = next(r for r in people if r["person_id"] == "alena-badzyaka")
    write_rows(checkout, "prisoners", [r for r in people if r is not gone])
    links = read_rows(checkout, "prisoner_releases")
    write_rows(checkout, "prisoner_releases", [r for r in links if r["person_id"] != "alena-badzyaka"])
    withdrawn = [("prisoners", "alena-badzyaka", "", "1.0.0", "withdrawn at the person's request", "")]
    withdrawn += [("prisoner_releases", f"alena-badzyaka|{r['release_id']}", "", "1.0.0", "withdrawn with the person", "")
                  for r in links if r["person_id"] == "alena-badzyaka"]
    redirect(checkout, *withdrawn)
    assert stable_id_problems(checkout) == []
    assert bd.resolve_id("prisoners", "alena-badzyaka", root=checkout) is None


def test_a_redirect_to_an_id_that_does_not_exist_is_refused(checkout):
    rename_person(checkout, "ales-bialiatski", "ales-bialiatsky")
    redirect(checkout, ("prisoners", "ales-bialiatski", "ales-bialatsky", "1.0.0", "typo in the target", ""))
    found = stable_id_problems(checkout)
    assert any(p.file == "datasets/id_redirects.csv" and p.column == "new_id" and "'ales-bialatsky'" in p.message
               for p in found), found


def test_a_redirect_of_an_id_that_is_still_present_is_refused(checkout):
    redirect(checkout, ("prisoners", "ales-bialiatski", "maryia-kalesnikava", "1.0.0", "wrong", ""))
    found = stable_id_problems(checkout)
    assert any(p.column == "old_id" and "still an id of prisoners" in p.message for p in found), found


def test_a_redirect_of_an_id_no_version_published_is_refused(checkout):
    redirect(checkout, ("prisoners", "nobody-ever", "ales-bialiatski", "1.0.0", "typo in the old id", ""))
    found = stable_id_problems(checkout)
    assert any(p.column == "old_id" and "not an id of prisoners in any published version" in p.message
               for p in found), found


def test_redirects_running_in_a_circle_are_refused():
    published = {"1.0.0": pd.DataFrame({"table": ["t", "t"], "key": ["id", "id"], "id": ["a", "b"]})}
    current = {"t": pd.DataFrame({"id": ["c"]})}
    redirects = pd.DataFrame([("t", "a", "b", "1.1.0", "x", ""), ("t", "b", "a", "1.1.0", "x", "")],
                             columns=REDIRECT_COLUMNS)
    found = ids.redirect_problems(published, current, {"t": ("id",)}, redirects)
    assert any("circle" in p.message for p in found), found


def test_a_chain_of_redirects_is_followed_to_the_id_that_exists_now():
    published = {"1.0.0": pd.DataFrame({"table": ["t"], "key": ["id"], "id": ["a"]}),
                 "1.1.0": pd.DataFrame({"table": ["t"], "key": ["id"], "id": ["b"]})}
    current = {"t": pd.DataFrame({"id": ["c"]})}
    redirects = pd.DataFrame([("t", "a", "b", "1.1.0", "x", ""), ("t", "b", "c", "1.2.0", "x", "")],
                             columns=REDIRECT_COLUMNS)
    assert ids.redirect_problems(published, current, {"t": ("id",)}, redirects) == []


def test_ids_stay_present_when_the_primary_key_gains_a_column():
    """sanction_designations may get a new key; an entry published as list|entry is still that entry."""
    published = {"0.2.0": pd.DataFrame({"table": ["d"], "key": ["list|list_entry_id"], "id": ["us|36110"]})}
    current = {"d": pd.DataFrame({"subject_id": ["s-1"], "list": ["us"], "list_entry_id": ["36110"]})}
    empty = pd.DataFrame(columns=REDIRECT_COLUMNS)
    assert ids.redirect_problems(published, current, {"d": ("subject_id", "list")}, empty) == []
    current["d"]["list_entry_id"] = ["99999"]
    assert len(ids.redirect_problems(published, current, {"d": ("subject_id", "list")}, empty)) == 1


def test_the_published_ids_of_a_root_are_its_key_cells_joined(checkout, tmp_path):
    path = ids.write_published_ids("9.9.9", checkout)
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    links = written[written.table == "release_figures"]
    assert (links.key == "release_id|measure|country|reported_by|source_id").all()
    assert len(written[written.table == "prisoners"]) == len(bd.prisoners(root=checkout))
    assert set(ids.published_versions(checkout)) == set(ids.published_versions(REPO)) | {"9.9.9"}


def test_a_key_cell_holding_the_separator_is_escaped_so_ids_stay_distinct():
    frame = pd.DataFrame({"a": ["x|y", "x"], "b": ["z", "y|z"]})
    assert list(ids.row_ids(frame, ["a", "b"])) == ["x\\|y|z", "x|y\\|z"]
    assert list(ids.row_ids(frame, ["a"])) == ["x|y", "x"]


def test_resolving_an_id_nobody_published_names_it():
    with pytest.raises(KeyError, match="no-such-person"):
        bd.resolve_id("prisoners", "no-such-person")


def diff_agrees_with_ids(changes: pd.DataFrame, old_ids: pd.DataFrame, new_ids: pd.DataFrame) -> list[str]:
    """What a shipped diff says about ids, against the ids both releases recorded."""
    wrong = []
    for table in sorted(set(old_ids.table) & set(new_ids.table)):
        before = old_ids[old_ids.table == table]
        after = new_ids[new_ids.table == table]
        if set(before.key) != set(after.key):
            continue  # the key changed; rows were matched on the old one
        rows = changes[changes.table == table]
        added = set(rows.id[rows.change == "added"])
        gone = set(rows.id[rows.change.isin(["removed", "redirected"])])
        if added != set(after.id) - set(before.id):
            wrong.append(f"{table}: the diff's added ids are not the ids new in the later release")
        if gone != set(before.id) - set(after.id):
            wrong.append(f"{table}: the diff's removed ids are not the ids gone from the later release")
    return wrong


def test_each_release_after_the_first_ships_its_diff_from_the_one_before():
    versions = ids.published_versions(REPO)
    for old, new in zip(versions, versions[1:]):
        path = REPO / ids.diff_file(old, new)
        assert path.exists(), f"{path.name} is missing: run build-published-ids --diff-from (see CONTRIBUTING.md)"
        changes = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert diff_agrees_with_ids(changes, ids.published_ids(old, REPO), ids.published_ids(new, REPO)) == []


def test_the_release_command_writes_the_ids_and_a_diff_that_agrees_with_them(checkout):
    import subprocess
    import sys

    rename_person(checkout, "ales-bialiatski", "ales-bialiatsky")
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "build-published-ids", "--root", str(checkout),
                           "--version", "9.9.9", "--diff-from", str(REPO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    old_version = bd.__version__
    changes = pd.read_csv(checkout / ids.diff_file(old_version, "9.9.9"), dtype=str, keep_default_na=False)
    assert ("prisoners", "ales-bialiatsky", "added") in set(zip(changes.table, changes.id, changes.change))
    old_ids = ids.current_ids(REPO)
    assert diff_agrees_with_ids(changes, old_ids, ids.published_ids("9.9.9", checkout)) == []
    # and the check can fail: a diff that forgot a removal disagrees
    forgot = changes[~((changes.id == "ales-bialiatski") & (changes.change == "removed"))]
    assert diff_agrees_with_ids(forgot, old_ids, ids.published_ids("9.9.9", checkout))
