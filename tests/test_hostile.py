"""Never a silent wrong answer: every bad input and fault ends in a clear error naming the file
(row, column), a non-zero exit and no traceback; the loader refuses exactly what validate
refuses; nothing is fetched; outputs are written whole or not at all."""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import belarus_data as bd
from belarus_data import DataValidationError, cli, rules
from belarus_data.codebook import RULES_END, RULES_START
from belarus_data.validate import problems, report

from .conftest import REPO, read_rows, write_rows
from .hostile import CASES, classify, copy_data, run

CLI = [sys.executable, "-m", "belarus_data.cli"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_bad_input_ends_in_a_clear_error_without_a_traceback(case, tmp_path):
    code, _, err = run(case, copy_data(tmp_path))
    assert "Traceback" not in err and code != "raised", err
    assert code == case.exit, err
    for words in case.words:
        assert words in err, f"{words!r} not in:\n{err}"
    assert classify(case, code, err) == "clear", err
    codes = set(re.findall(r": \[([a-z_]+)\] ", err))
    assert codes <= set(rules.RULES), f"rule codes missing from the catalogue: {codes - set(rules.RULES)}"


# --- one path: the loader refuses exactly what validate refuses, with the same message -------

_PER_FILE_RULES = {r.code for r in rules.catalogue() if r.check is None} - {"descriptor", "metadata", "citation",
                                                                              "remote", "schema", "hash"}
BAD_INTEGERS = ["1e3", "25.0", " 25", "25 ", "+5", "0x10", "1_000", "١٢", "9223372036854775808", "-9223372036854775809",
                "9223372036854775807", "inf", "NaN", "", "007"]
BAD_NUMBERS = ["inf", "-inf", "1e999", "NaN", "nan", "1,5", " 2", "2.", ".5", "1e3", "-0", "Infinity"]
CONTROL = st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp", "Ll"))


@pytest.fixture(scope="module")
def shared_copy(tmp_path_factory) -> Path:
    return copy_data(tmp_path_factory.mktemp("one-path"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_loader_and_validate_refuse_the_same_cells_with_the_same_message(shared_copy, data):
    table, column = data.draw(st.sampled_from([("releases", "released_total"), ("prisoners", "sentence_years"),
                                               ("prisoners", "name"), ("releases", "date"), ("sources", "title")]))
    kind = {"released_total": BAD_INTEGERS, "sentence_years": BAD_NUMBERS}.get(column)
    value = data.draw(st.one_of(st.sampled_from(kind), st.text(max_size=8)) if kind else
                      st.text(CONTROL, min_size=1, max_size=6).map(lambda s: "Name " + s))
    value = value.replace("\n", "").replace("\r", "")
    original = read_rows(shared_copy, table)
    rows = [dict(r) for r in original]
    rows[0][column] = value
    write_rows(shared_copy, table, rows)
    loader = import_module("belarus_data.load")
    loader._parsed.clear(), loader._verified.clear()
    try:
        label, row = f"datasets/{table}.csv", 2
        per_file = {p for p in problems(shared_copy) if p.file == label and p.rule in _PER_FILE_RULES}
        try:
            bd.load(table, root=shared_copy)
            refused: set = set()
        except DataValidationError as e:
            refused = set(e.problems)
        assert refused == per_file, (value, refused ^ per_file)
        assert all(p.row == row and p.column == column for p in per_file), per_file
    finally:
        write_rows(shared_copy, table, original)


def test_a_refused_cell_is_refused_the_same_way_without_the_hash_check(data_copy):
    rows = read_rows(data_copy, "prisoners")
    rows[0]["person_id"] = "Not A Slug"
    write_rows(data_copy, "prisoners", rows)
    with pytest.raises(DataValidationError) as loaded:
        bd.load("prisoners", root=data_copy, verify_hash=False)
    with pytest.raises(DataValidationError) as validated:
        bd.validate(data_copy)
    assert set(loaded.value.problems) <= set(validated.value.problems)
    assert "datasets/prisoners.csv, row 2, column 'person_id': [pattern]" in str(loaded.value)


# --- no network ------------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize(("where", "key"), [("resource", "schema"), ("package", "profile"), ("resource", "path"),
                                             ("resource", "dialect"), ("package", "$schema")])
def test_a_url_in_the_descriptor_is_refused_before_anything_is_fetched(data_copy, no_network, where, key):
    path = data_copy / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    (d if where == "package" else d["resources"][1])[key] = "https://example.org/elsewhere.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    found = [p for p in problems(data_copy) if p.rule == "remote"]
    assert found and "https://example.org/elsewhere.json" in found[0].message and "never fetches" in found[0].message
    assert no_network == [], "something tried to connect"


def test_the_standard_v2_profile_address_is_not_a_remote_file(data_copy, no_network):
    path = data_copy / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["$schema"] = "https://datapackage.org/profiles/2.0/datapackage.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    assert not [p for p in problems(data_copy) if p.rule == "remote"]
    assert no_network == []


# --- the command line's own faults -----------------------------------------------------------

def test_version_prints_the_package_version():
    done = subprocess.run([*CLI, "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"belarus-data {bd.__version__}"


def test_piping_into_head_ends_quietly():
    done = subprocess.run(f"{sys.executable} -m belarus_data.cli rules | head -1", shell=True,
                          capture_output=True, text=True)
    assert done.stdout.startswith("| rule |")
    assert done.stderr == "", done.stderr


def test_ctrl_c_exits_130_quietly(tmp_path):
    code = ("import sys, time, belarus_data.cli as c\n"
            "c._validate = lambda args: time.sleep(60)\n"
            "print('ready', flush=True)\n"
            "sys.exit(c.main(['validate']))\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err and "interrupted" in err


def test_a_bug_is_reported_in_one_line_and_exits_3(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_rules", lambda args: 1 / 0)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    assert cli.main(["rules"]) == 3
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError" in err and "Traceback" not in err


def test_a_read_only_install_running_build_codebook_says_where_it_cannot_write(data_copy, monkeypatch, capsys):
    import tempfile

    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(dir))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    for command in ("build-codebook", "build-datapackage"):
        assert cli.main([command, "--root", str(data_copy)]) == 2
        err = capsys.readouterr().err
        assert str(data_copy) in err and "Permission denied" in err and "not writable" in err, err
        assert "Traceback" not in err


# --- outputs written atomically, never blessing bad files ------------------------------------

def test_an_interrupted_build_leaves_the_old_descriptor_whole_and_no_temporary_file(data_copy, monkeypatch):
    before = (data_copy / "datapackage.json").read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    assert cli.main(["build-datapackage", "--root", str(data_copy)]) == 130
    assert (data_copy / "datapackage.json").read_bytes() == before
    assert [p.name for p in data_copy.iterdir() if p.name.endswith(".tmp")] == []


def test_rebuilding_the_descriptor_refuses_a_file_that_fails_validation(data_copy, capsys):
    rows = read_rows(data_copy, "releases")
    rows[0]["released_total"] = "1e3"
    write_rows(data_copy, "releases", rows)
    (data_copy / "datapackage.json").write_text("{}", encoding="utf-8")  # stale: the rebuild would replace it
    assert cli.main(["build-datapackage", "--root", str(data_copy)]) == 1
    assert "'1e3' is not an integer" in capsys.readouterr().err
    assert (data_copy / "datapackage.json").read_text(encoding="utf-8") == "{}"


def test_the_codebook_is_rewritten_atomically_with_the_same_text(data_copy):
    from belarus_data.codebook import render_codebook, write_codebook

    path = write_codebook(data_copy)
    assert path.read_text(encoding="utf-8") == render_codebook(data_copy)
    assert [p.name for p in path.parent.iterdir()] == ["codebook.md"]


# --- the rule catalogue ----------------------------------------------------------------------

@pytest.mark.parametrize("document", ["README.md", "docs/design.md"])
def test_the_rule_lists_in_the_docs_are_generated_from_the_catalogue(document):
    text = (REPO / document).read_text(encoding="utf-8")
    start, end = text.index(RULES_START) + len(RULES_START), text.index(RULES_END)
    assert text[start:end].strip() == rules.render_markdown(), \
        f"the rule list in {document} is stale: run `belarus-data build-codebook`"


def test_every_rule_has_a_code_title_description_and_a_severity():
    for rule in rules.catalogue():
        assert rule.code and rule.title and len(rule.description) > 20, rule.code
        assert rule.severity in (rules.ERROR, rules.WARNING), rule.code


def test_a_plain_function_registers_as_a_rule_and_a_warning_does_not_fail(data_copy, monkeypatch):
    monkeypatch.setattr(rules, "RULES", dict(rules.RULES))

    def every_release_has_a_summary(tables, schemas):
        """Every release has a summary (a test rule)."""
        return [bd.Problem("datasets/releases.csv", 2, "summary", "has_summary", "no summary")]

    rules.RULES["has_summary"] = (every_release_has_a_summary, ("releases",))
    with pytest.raises(DataValidationError, match=r"\[has_summary\] no summary"):
        bd.validate(data_copy)
    rules.register("has_summary", every_release_has_a_summary, needs=("releases",), severity=rules.WARNING)
    bd.validate(data_copy)  # a warning: reported, not failed
    assert [p.rule for p in problems(data_copy)] == ["has_summary"]
    assert rules.RULES["has_summary"].title == "Every release has a summary (a test rule)"


def test_a_curation_policy_is_a_warning_that_validate_reports_and_passes(data_copy, capsys):
    rows = read_rows(data_copy, "releases")
    us = next(r for r in rows if r["mediator"] == "United States")
    us["source_ids"] = us["source_ids"].split(";")[0]
    write_rows(data_copy, "releases", rows)
    assert cli.main(["validate", "--root", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert "warning: datasets/releases.csv" in err and "[two_publishers]" in err


def test_validate_json_is_the_documented_report(data_copy, capsys):
    rows = read_rows(data_copy, "releases")
    rows[1]["released_total"] = "25.0"
    write_rows(data_copy, "releases", rows)
    assert cli.main(["validate", "--root", str(data_copy), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"format", "valid", "root", "version", "errors", "warnings", "skipped_rules", "problems"}
    assert out["valid"] is False and out["errors"] >= 1
    assert {"file": "datasets/releases.csv", "row": 3, "column": "released_total", "rule": "type",
            "severity": "error", "message": "'25.0' is not an integer"} in out["problems"]
    assert report()["valid"] is True and report()["problems"] == []


def test_format_uri_not_the_column_name_makes_a_url_column(data_copy):
    from dataclasses import replace

    from belarus_data._read import check_file
    from belarus_data.schema import schemas

    schema = schemas(data_copy)["sources"]
    rows = read_rows(data_copy, "sources")
    rows[0]["url"] = "not a web address"
    write_rows(data_copy, "sources", rows)
    data = (data_copy / "datasets" / "sources.csv").read_bytes()
    assert [p.rule for p in check_file(data, schema, "s").problems] == ["uri"]
    plain = replace(schema, fields=tuple(replace(f, format=None) if f.name == "url" else f for f in schema.fields))
    assert check_file(data, plain, "s").problems == []


def test_a_file_that_cannot_be_parsed_lists_one_problem_not_its_echoes(data_copy):
    path = data_copy / "datasets" / "sources.csv"
    data = path.read_bytes()
    path.write_bytes(data[:200] + "é".encode("latin-1") + data[200:])
    found = problems(data_copy)
    assert len(found) <= 3, "\n".join(map(str, found))
    assert any(p.rule == "encoding" and p.file == "datasets/sources.csv" for p in found)
    assert report(data_copy)["skipped_rules"], "the checks that needed sources.csv say they did not run"


def test_the_cli_writes_no_partial_line_and_no_traceback_for_a_real_subprocess(data_copy):
    (data_copy / "datasets" / "releases.csv").unlink()
    (data_copy / "datasets" / "releases.csv").mkdir()
    done = subprocess.run([*CLI, "info", "--root", str(data_copy)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "datasets/releases.csv: [file] is a folder" in done.stderr


def test_in_process_run_captures_nothing_on_stdout_for_an_error(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert cli.main(["validate", "--root", str(tmp_path / "none")]) == 1
    assert out.getvalue() == "" and "not a folder" in err.getvalue()


def test_the_shipped_data_raise_no_error_and_no_warning():
    assert problems() == [], "\n".join(map(str, problems()))


def test_an_unreadable_csv_is_named_not_a_traceback(data_copy, monkeypatch, capsys):
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "sanctions.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert cli.main(["validate", "--root", str(data_copy)]) == 1
    assert "datasets/sanctions.csv: [file] cannot be read: permission denied" in capsys.readouterr().err


_HEADER = (REPO / "datasets" / "releases.csv").read_bytes().split(b"\n")[0] + b"\n"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))),
       with_header=st.booleans())
def test_any_bytes_give_a_frame_or_problems_naming_the_file_never_an_exception(body, with_header):
    from belarus_data._read import check_file
    from belarus_data.schema import schemas

    result = check_file((_HEADER if with_header else b"") + body, schemas()["releases"], "datasets/releases.csv")
    assert result.frame is not None or result.problems
    assert all(p.file == "datasets/releases.csv" and rules.severity(p.rule) for p in result.problems)
    assert all(p.rule in rules.RULES for p in result.problems), {p.rule for p in result.problems}
