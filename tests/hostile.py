"""Bad inputs and faults, as a hostile user would try them, each with what must happen.

Shared by tests/test_hostile.py and by anyone measuring a version of the package against them
(``python -m tests.hostile``: inputs tried, clear errors, unclear ones, tracebacks, silent wrong
results). A case is: a change to a private copy of the data (or None), the command line run
on it (``{root}`` is the copy), the exit code it must end with, and words its stderr must hold.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .conftest import DATA_ITEMS, REPO, read_rows, write_bytes, write_rows

Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Mutation | None
    argv: tuple[str, ...]
    exit: int
    words: tuple[str, ...]
    at_most: int | None = None  # lines of stderr: more means the real problem drowns in echoes


def copy_data(folder: Path) -> Path:
    for item in DATA_ITEMS:
        source = REPO / item
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, folder / item)
    return folder


# --- changes to a data copy -------------------------------------------------------------------

def cell(table: str, column: str, value: str, row: int = 0) -> Mutation:
    def mutate(root: Path) -> None:
        rows = read_rows(root, table)
        rows[row][column] = value
        write_rows(root, table, rows)
    return mutate


def raw_line(table: str, change: Callable[[bytes], bytes], line: int = 1) -> Mutation:
    """Change one line of the file as bytes (and rehash it, so only this fault remains)."""
    def mutate(root: Path) -> None:
        lines = (root / "datasets" / f"{table}.csv").read_bytes().split(b"\n")
        lines[line] = change(lines[line])
        write_bytes(root, table, b"\n".join(lines))
    return mutate


def descriptor(change: Callable[[dict], object]) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / "datapackage.json"
        d = json.loads(path.read_text(encoding="utf-8"))
        result = change(d)
        path.write_text(json.dumps(d if result is None else result, indent=2), encoding="utf-8")
    return mutate


def resource(name: str, **values) -> Mutation:
    def change(d: dict) -> None:
        next(r for r in d["resources"] if r["name"] == name).update(values)
    return descriptor(change)


def remove_table(name: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root / "datasets" / f"{name}.csv").unlink()
        (root / "schemas" / f"{name}.json").unlink()
        descriptor(lambda d: d.update(resources=[r for r in d["resources"] if r["name"] != name]))(root)
    return mutate


def write(relative: str, text: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root / relative).write_text(text, encoding="utf-8")
    return mutate


def replace(relative: str, old: str, new: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def schema_of(table: str, change: Callable[[dict], None]) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / "schemas" / f"{table}.json"
        d = json.loads(path.read_text(encoding="utf-8"))
        change(d)
        path.write_text(json.dumps(d, indent=2), encoding="utf-8")
    return mutate


def make_folder(relative: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        path.unlink()
        path.mkdir()
    return mutate


def unrelated_package(root: Path) -> None:
    """Another project's data package: its own name, resources and files."""
    for item in ("datasets", "schemas"):
        shutil.rmtree(root / item)
    (root / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "datapackage.json").write_text(json.dumps({
        "name": "weather", "resources": [{"name": "data", "path": "data.csv", "profile": "tabular-data-resource",
                                          "schema": {"fields": [{"name": "a", "type": "integer"},
                                                                {"name": "b", "type": "integer"}]}}]}),
        encoding="utf-8")


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for m in mutations:
            m(root)
    return mutate


V = ("validate", "--root", "{root}")
REL = "datasets/releases.csv"
# the cell count of a releases row, from its schema (a short row has one fewer, a long one more)
RELEASE_COLUMNS = len(json.loads((REPO / "schemas" / "releases.json").read_text(encoding="utf-8"))["fields"])
PEOPLE = "datasets/prisoners.csv"
CASES = [
    # Values: the two paths agree because there is one; each of these is refused.
    Case("integer written 1e3", cell("releases", "released_total", "1e3"), V, 1, (REL, "row 2", "'1e3' is not an integer")),
    Case("integer written 25.0", cell("releases", "released_total", "25.0"), V, 1, (REL, "'25.0' is not an integer")),
    Case("integer with a space", cell("releases", "released_total", " 25"), V, 1, (REL, "' 25' is not an integer")),
    Case("integer past 2^63", cell("releases", "released_total", "9223372036854775808"), V, 1,
         (REL, "released_total", "outside the 64-bit integer range")),
    Case("integer far past 2^63", cell("releases", "political_prisoners", "1" * 40), V, 1, (REL, "64-bit")),
    Case("number written inf", cell("prisoners", "sentence_years", "inf"), V, 1, (PEOPLE, "'inf' is not a number")),
    Case("number written 1e999", cell("prisoners", "sentence_years", "1e999"), V, 1, (PEOPLE, "too large to be a finite number")),
    Case("number written NaN", cell("prisoners", "sentence_years", "NaN"), V, 1, (PEOPLE, "'NaN' is not a number")),
    Case("short row", raw_line("releases", lambda line: line[: line.rindex(b",")]), V, 1,
         (REL, "row 2", "[field_count]", f"row has {RELEASE_COLUMNS - 1} cells")),
    Case("long row", raw_line("releases", lambda line: line + b",extra"), V, 1, (REL, "[field_count]", f"row has {RELEASE_COLUMNS + 1} cells")),
    Case("NUL in a text cell", cell("prisoners", "notes", "before\x00after"), V, 1, (PEOPLE, "[text]", "U+0000")),
    Case("terminal escape in a name", cell("prisoners", "name", "\x1b[31mRed\x1b[0m"), V, 1, (PEOPLE, "'name'", "U+001B")),
    Case("bidi override in a name", cell("prisoners", "name", "Ales\u202eikstaila"), V, 1, (PEOPLE, "U+202E")),
    Case("bidi isolate in a title", cell("sources", "title", "a\u2067b"), V, 1, ("datasets/sources.csv", "U+2067")),
    Case("not a URL in a format:uri column", cell("sources", "url", "www.example.org/x"), V, 1,
         ("datasets/sources.csv", "[uri]")),
    Case("formula", cell("releases", "summary", "=1+1"), V, 1, (REL, "[formula]")),
    # The loader (here through `info`) refuses what validate refuses, with the same words.
    Case("info over 1e3", cell("releases", "released_total", "1e3"), ("info", "--root", "{root}"), 1,
         (REL, "row 2", "'1e3' is not an integer")),
    Case("info over 25.0", cell("releases", "released_total", "25.0"), ("info", "--root", "{root}"), 1,
         (REL, "'25.0' is not an integer")),
    Case("info over a short row", raw_line("releases", lambda line: line[: line.rindex(b",")]),
         ("info", "--root", "{root}"), 1, (REL, "[field_count]")),
    Case("info over inf", cell("prisoners", "sentence_years", "inf"), ("info", "--root", "{root}"), 1,
         (PEOPLE, "'inf' is not a number")),
    Case("info over a terminal escape", cell("prisoners", "name", "\x1b]0;owned\x07"), ("info", "--root", "{root}"), 1,
         (PEOPLE, "U+001B")),
    Case("info over a bad pattern", cell("prisoners", "person_id", "Not A Slug"), ("info", "--root", "{root}"), 1,
         (PEOPLE, "[pattern]")),
    # Tables, resources, schemas and files that are missing or foreign.
    Case("a whole table removed", remove_table("prisoner_counts"), V, 1,
         ("schemas/prisoner_counts.json", "resource 'prisoner_counts' is missing")),
    Case("schema removed", lambda root: (root / "schemas" / "sanctions.json").unlink(), V, 1,
         ("schemas/sanctions.json", "[file]", "missing")),
    Case("schema not JSON", write("schemas/releases.json", "{ not json"), V, 1,
         ("schemas/releases.json", "[schema]", "not valid JSON")),
    Case("schema with an unknown type", schema_of("releases", lambda d: d["fields"][1].update(type="geopoint")), V, 1,
         ("schemas/releases.json", "geopoint")),
    Case("schema with a stray bound", schema_of("releases", lambda d: d.update({"x-minRows": "many"})), V, 1,
         ("schemas/releases.json", "x-minRows")),
    Case("schema pattern not a regular expression",
         schema_of("sources", lambda d: d["fields"][0]["constraints"].update(pattern="([")), V, 1,
         ("schemas/sources.json", "not a regular expression")),
    Case("schema column without a name", schema_of("releases", lambda d: d["fields"][0].pop("name")), V, 1,
         ("schemas/releases.json", "[schema]", "'name'")),
    Case("a column twice in the header", raw_line("releases", lambda line: line.replace(b"kind", b"date"), line=0), V, 1,
         (REL, "row 1", "[header]", "'kind' is missing")),
    Case("descriptor not UTF-8", lambda root: (root / "datapackage.json").write_bytes(b"\xff\xfe{}"), V, 1,
         ("datapackage.json", "not UTF-8")),
    Case("datasets a file", lambda root: (shutil.rmtree(root / "datasets"), (root / "datasets").write_text("x")), V, 1,
         ("datasets/sources.csv", "[file]", "Not a directory")),
    Case("a reference to a table that does not exist",
         schema_of("prisoner_releases", lambda d: d["foreignKeys"][0]["reference"].update(resource="inmates")), V, 1,
         ("schemas/prisoner_releases.json", "'inmates', which is not a table")),
    Case("a stray schema", write("schemas/notes.json", '{"fields": [{"name": "a"}]}'), V, 1,
         ("schemas/notes.json", "not a table of this package")),
    Case("resource missing from the descriptor",
         descriptor(lambda d: d.update(resources=[r for r in d["resources"] if r["name"] != "sanctions"])), V, 1,
         ("datapackage.json", "resource 'sanctions' is missing")),
    Case("an extra resource", descriptor(lambda d: d["resources"].append({**d["resources"][0], "name": "extra"})), V, 1,
         ("datapackage.json", "resource 'extra' is not a table")),
    Case("resource pointing elsewhere", resource("releases", path="datasets/sources.csv"), V, 1,
         ("datapackage.json", "resource 'releases' has path")),
    Case("an unrelated data package", unrelated_package, V, 1, ("not a belarus-data package",)),
    Case("CSV that is a folder", make_folder("datasets/releases.csv"), V, 1, (REL, "[file]", "is a folder")),
    Case("empty CSV", write("datasets/releases.csv", ""), V, 1, (REL, "file is empty")),
    Case("data root missing", None, ("validate", "--root", "{root}/nowhere"), 1, ("nowhere", "not a folder")),
    Case("data root missing, info", None, ("info", "--root", "{root}/nowhere"), 1, ("nowhere", "schemas", "missing")),
    Case("a folder that is no data root", None, ("info", "--root", "{root}/datasets"), 1, ("schemas", "missing")),
    # Descriptor metadata checked against what it describes.
    Case("bytes wrong", resource("sources", bytes=1), V, 1, ("datasets/sources.csv", "[hash]", "says 1 bytes")),
    Case("hash removed", descriptor(lambda d: d["resources"][0].pop("hash") and None), V, 1, ("[hash]", "with a hash")),
    Case("version faked", descriptor(lambda d: d.update(version="9.9.9")), V, 1, ("[metadata]", "version is '9.9.9'")),
    Case("version faked, info", descriptor(lambda d: d.update(version="9.9.9")), ("info", "--root", "{root}"), 1,
         ("[metadata]", "9.9.9")),
    Case("citation faked", descriptor(lambda d: d.update(citation="Someone (1999). Other data.")), V, 1,
         ("[metadata]", "citation")),
    Case("package renamed", descriptor(lambda d: d.update(name="other")), V, 1, ("not a belarus-data package",)),
    Case("descriptor not JSON", write("datapackage.json", "{"), V, 1, ("datapackage.json", "not valid JSON")),
    Case("descriptor a list", write("datapackage.json", "[]"), V, 1, ("datapackage.json", "not a data package descriptor")),
    Case("descriptor missing", lambda root: (root / "datapackage.json").unlink(), V, 1, ("datapackage.json", "missing")),
    # No network.
    Case("schema given as a URL", resource("releases", schema="https://example.org/releases.json"), V, 1,
         ("[remote]", "https://example.org/releases.json", "never fetches")),
    Case("profile given as a URL", descriptor(lambda d: d.update(profile="https://example.org/profile.json")), V, 1,
         ("[remote]", "profile")),
    Case("resource path given as a URL", resource("sources", path="https://example.org/sources.csv"), V, 1,
         ("[remote]", "path")),
    Case("dialect given as a URL", resource("sources", dialect="http://example.org/dialect.json"), V, 1,
         ("[remote]", "dialect")),
    # The citation.
    Case("CITATION.cff not YAML, validate", write("CITATION.cff", "title: [unclosed\n"), V, 1,
         ("CITATION.cff", "[citation]", "not valid YAML")),
    Case("CITATION.cff not YAML, cite", write("CITATION.cff", "title: [unclosed\n"), ("cite", "--root", "{root}"), 1,
         ("CITATION.cff", "not valid YAML")),
    Case("CITATION.cff without a version, cite", replace("CITATION.cff", "\nversion:", "\nversion_:"),
         ("cite", "--root", "{root}", "--format", "bibtex"), 1, ("CITATION.cff", "lacks version")),
    Case("CITATION.cff a folder, cite", make_folder("CITATION.cff"), ("cite", "--root", "{root}", "--format", "cff"), 1,
         ("CITATION.cff", "is a folder")),
    # Noise that hides the error: one real problem, not a hundred echoes.
    Case("Latin-1 byte", raw_line("releases", lambda line: line.replace(b",", "é,".encode("latin-1"), 1), line=2), V, 1,
         (REL, "row 3", "[encoding]"), at_most=3),
    Case("unbalanced quote", raw_line("releases", lambda line: b'"' + line), V, 1,
         (REL, "[csv]", "further problems in this file not listed"), at_most=4),
    # Rebuilding the descriptor does not bless a file that fails validation.
    Case("build-datapackage over a bad cell", cell("releases", "released_total", "1e3"),
         ("build-datapackage", "--root", "{root}"), 1, (REL, "'1e3' is not an integer")),
    # Warnings are reported and do not fail.
    Case("more rows than x-maxRows", schema_of("releases", lambda d: d.update({"x-maxRows": 3})),
         V, 0, ("warning:", REL, "[row_upper_bounds]")),
]
PROBLEM_CASES = [c for c in CASES if c.exit == 1]


def run(case: Case, root: Path) -> tuple[int | str, str, str]:
    """Apply the case to a data copy at ``root`` and run its command in this process:
    (exit code, or 'raised' when an exception escaped main, stdout, stderr)."""
    from belarus_data import _package, cli

    if case.mutate is not None:
        case.mutate(root)
    _package.descriptor.cache_clear()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: int | str = cli.main([a.replace("{root}", str(root)) for a in case.argv])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException as e:  # noqa: BLE001 - an escaped exception is what is measured
            code = "raised"
            err.write(f"Traceback (escaped): {type(e).__name__}: {e}\n")
    return code, out.getvalue(), err.getvalue()


def classify(case: Case, code: int | str, err: str) -> str:
    if code == "raised" or "Traceback" in err:
        return "traceback"
    if "internal error" in err:
        return "internal error"
    if case.exit != 0 and code == 0:
        return "silent wrong result"
    if case.at_most is not None and len(err.strip().splitlines()) > case.at_most:
        return "noisy"
    if code == case.exit and all(w in err for w in case.words):
        return "clear"
    return "unclear"


if __name__ == "__main__":  # pragma: no cover - a measurement, run by hand
    import tempfile
    from collections import Counter

    tally: Counter[str] = Counter()
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            code, _, err = run(case, copy_data(Path(tmp)))
            verdict = classify(case, code, err)
            tally[verdict] += 1
            print(f"{verdict:<20} {case.id}: exit {code}; {err.strip().splitlines()[-1][:110] if err.strip() else ''}")
    print(f"{len(CASES)} inputs: " + ", ".join(f"{n} {v}" for v, n in tally.most_common()), file=sys.stderr)
