"""The ``belarus-data`` command line.

Every command's errors end in :func:`main`'s one handler: a message naming the file (and row
and column where there are some) on stderr and a non-zero exit, never a traceback:
1 for data or data files that fail (missing, unreadable, invalid), 2 for a usage problem or a
file that cannot be written, 3 for a bug (set
``BELARUS_DATA_DEBUG=1`` to see its traceback), 130 for Ctrl-C; output cut short by a closed
pipe (``| head``) ends quietly.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import DataValidationError

DEBUG_ENV = "BELARUS_DATA_DEBUG"
EXIT_INVALID, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 1, 2, 3, 130, 141


def _info(args: argparse.Namespace) -> int:
    from .load import load_all
    from .schema import schemas

    tables = load_all(root=args.root)
    first = next(iter(tables.values()))
    print(f"belarus-data {first.attrs['version']}")
    print("Licences: data CC-BY-4.0, code MIT")
    print(f"Cite as: {first.attrs['citation']}\n")
    described = schemas(args.root)
    width = max(map(len, tables))
    for name, frame in tables.items():
        print(f"{name:<{width}}  {len(frame):>6} rows  {described[name].description}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .rules import WARNING, severity
    from .validate import report

    result = report(args.root)
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0 if result["valid"] else EXIT_INVALID
    from .errors import Problem

    found = [Problem(p["file"], p["row"], p["column"], p["rule"], p["message"]) for p in result["problems"]]
    warnings = [p for p in found if severity(p.rule) == WARNING]
    if warnings:
        print(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} (curation policies; they do not fail "
              "validation):", *(f"warning: {p}" for p in warnings), sep="\n", file=sys.stderr)
    if not result["valid"]:
        raise DataValidationError([p for p in found if severity(p.rule) != WARNING])
    print(f"valid: {args.root or 'the installed data'} passed every check")
    return 0


def _rules(args: argparse.Namespace) -> int:
    from .rules import catalogue, render_markdown

    if args.format == "json":
        print(json.dumps([{"code": r.code, "title": r.title, "description": r.description, "severity": r.severity,
                           "checked": "after reading every table" if r.check else "while reading"}
                          for r in catalogue()], indent=2, ensure_ascii=False))
    else:
        print(render_markdown())
    return 0


def _find(args: argparse.Namespace) -> int:
    from .search import find
    from .spelling import clean

    query = " ".join(args.name)
    found = find(query, kinds=args.kind or ("prisoner", "judge", "designated"), limit=args.limit,
                 min_score=args.min_score, entities=args.entities, root=args.root)
    if found.empty:
        print(f"nobody matches '{clean(query)[:200]}'")
        return 0
    for r in found.itertuples():
        by = f"  [{r.lists.replace(';', ', ')}]" if r.lists else ""
        also = f"  (matched: {clean(r.matched)})" if r.matched != r.name else ""
        print(f"{r.score:5.1f}  {r.kind:<10} {clean(r.id):<28} {clean(r.name)}{by}  why: {r.why}{also}")
    return 0


def _cite(args: argparse.Namespace) -> int:
    from .cite import cite

    print(cite(args.format, root=args.root))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export

    for path in export(args.format, args.out, root=args.root):
        print(f"wrote {path}")
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from .reproduce import NotebookFailed, reproduce

    try:
        reproduce(args.out, root=args.root)
    except NotebookFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the report is moved into place only when complete
        print(f"interrupted: {args.out} was left as it was before this run", file=sys.stderr)
        return 130
    return 0


def _build_datapackage(args: argparse.Namespace) -> int:
    from .datapackage import write_descriptor

    print(f"wrote {write_descriptor(args.root)}")
    return 0


def _build_codebook(args: argparse.Namespace) -> int:
    from .codebook import write_codebook, write_rule_lists

    print(f"wrote {write_codebook(args.root)}")
    for path in write_rule_lists(args.root):
        print(f"wrote {path}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .diff import diff, write

    text = write(diff(args.old_root, args.new_root), args.format, args.out)
    if args.out is None:
        sys.stdout.write(text)
    else:
        print(f"wrote {args.out}")
    return 0


def _as_of(args: argparse.Namespace) -> int:
    from .asof import as_of

    state = as_of(args.date, root=args.root)
    print(f"As of {state.date:%Y-%m-%d} (facts dated on or before it; releases and counts only once a "
          "source dated by then reported them):")
    count = state.latest_count(args.measure, args.counted_by)
    if count is None:
        print(f"  {args.counted_by}'s {args.measure}: no count known yet")
    else:
        print(f"  {args.counted_by}'s {args.measure}: {count.value} ({count.qualifier}) on {count.date:%Y-%m-%d}, "
              f"published {count.first_published_on:%Y-%m-%d}")
    print(f"  ({state.prisoner_counts.attrs['undated']} counts dated by then are set aside: "
          "none of their sources shows a publication date)")
    events = state.releases
    latest = f", the latest {events.release_id.iloc[-1]}" if len(events) else ""
    print(f"  releases known: {len(events)}{latest} ({events.attrs['undated']} more had no dated source)")
    print(f"  release figures known: {len(state.release_figures)}")
    designations = state.designations
    for name, group in designations.groupby("list", observed=True):
        print(f"  {name}: {len(group)} subjects designated and not delisted")
    print(f"  ({designations.attrs['undated']} list entries have no designation date; the newest list snapshot "
          f"is of {designations.attrs['list_as_of']:%Y-%m-%d})")
    return 0


def _build_published_ids(args: argparse.Namespace) -> int:
    from ._files import resolve_root
    from ._version import package_version
    from .diff import diff, write
    from .ids import diff_file, write_published_ids

    version = args.version or package_version()
    print(f"wrote {write_published_ids(version, args.root)}")
    if args.diff_from is not None:
        changes = diff(args.diff_from, resolve_root(args.root))
        if not changes.old_version:
            raise ValueError(f"{args.diff_from} has no datapackage.json giving its version")
        out = resolve_root(args.root) / diff_file(changes.old_version, version)
        write(changes, "csv", out)
        print(f"wrote {out}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import build

    result = build(args.root)
    print(f"wrote {len(result.written)} files; {result.merges} curated people merged with a roster record")
    return 0


def parser() -> argparse.ArgumentParser:
    from .cite import FORMATS as CITE_FORMATS
    from .diff import FORMATS as DIFF_FORMATS
    from .export import FORMATS as EXPORT_FORMATS

    from ._version import package_version

    p = argparse.ArgumentParser(prog="belarus-data", description=(
        "Political-prisoner releases in Belarus, the people freed, and the sanctions eased in exchange."))
    p.add_argument("--version", action="version", version=f"belarus-data {package_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help, description=help)
        c.add_argument("--root", type=Path, default=None,
                       help="a checkout or unpacked data package (default: the installed data)")
        c.set_defaults(func=func)
        return c

    command("info", _info, "list the tables with their rows, the version, licences and citation")
    command("validate", _validate, "check the data against its schemas and rules").add_argument(
        "--format", choices=("text", "json"), default="text",
        help="json: the report for programs, on stdout (see README)")
    command("rules", _rules, "list the validation rules (code, title, severity, description)").add_argument(
        "--format", choices=("markdown", "json"), default="markdown")
    f = command("find", _find, "find prisoners, judges and designated people by any spelling of their name")
    f.add_argument("name", nargs="+", help="a name in any spelling, order or script")
    f.add_argument("--kind", action="append", choices=("prisoner", "judge", "designated"),
                   help="only these kinds of people (repeatable; default all)")
    f.add_argument("--limit", type=int, default=10, help="at most this many hits (default 10)")
    f.add_argument("--min-score", type=float, default=80.0, help="leave out hits scoring below this (default 80)")
    f.add_argument("--entities", action="store_true", help="also search designated companies and organisations")
    command("cite", _cite, "print the citation").add_argument("--format", choices=CITE_FORMATS, default="text")
    e = command("export", _export, "write the tables as Parquet, SQLite or a zipped data package")
    e.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    e.add_argument("--out", type=Path, required=True)
    command("reproduce", _reproduce, "validate, run every notebook and write the report") \
        .add_argument("--out", type=Path, default=Path("report"))
    command("build-datapackage", _build_datapackage, "regenerate datapackage.json (for contributors)")
    command("build-codebook", _build_codebook, "regenerate docs/codebook.md (for contributors)")
    d = sub.add_parser("diff", help="what changed between two versions (checkouts or unpacked packages)",
                       description="Rows added, removed, redirected and changed (field, old, new) per table and "
                                   "id; tables and columns added or removed.")
    d.add_argument("old_root", type=Path)
    d.add_argument("new_root", type=Path)
    d.add_argument("--format", choices=DIFF_FORMATS, default="csv")
    d.add_argument("--out", type=Path, default=None, help="write to this file instead of the screen")
    d.set_defaults(func=_diff)
    a = command("as-of", _as_of, "the state on a date: designations in force, releases and counts known then")
    a.add_argument("date", help="yyyy-mm-dd")
    a.add_argument("--measure", default="held_now")
    a.add_argument("--counted-by", default="Viasna")
    r = command("build-published-ids", _build_published_ids,
                "record this version's ids in versions/, and its diff from the release before (for the release)")
    r.add_argument("--version", default=None, help="default: the package version")
    r.add_argument("--diff-from", type=Path, default=None,
                   help="the previous release's data root (e.g. unpacked with git archive); writes "
                        "versions/<old>-to-<new>-diff.csv")
    command("build", _build, "rebuild every derived table from raw/ and curated/, then the descriptor and "
            "codebook (in a checkout; --root is the checkout)")
    b = sub.add_parser("build-designations", add_help=False,
                       help="derive sanction_designations.csv from official list files (see --help)")
    b.add_argument("args", nargs=argparse.REMAINDER)
    b.set_defaults(func=_build_designations)
    return p


def _build_designations(args: argparse.Namespace) -> int:
    from .designations import main as build

    return build(args.args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every error ends here, as a message and an exit code (see the module)."""
    try:
        code = _run(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return code
    except KeyboardInterrupt:
        print("belarus-data: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except DataValidationError as e:
        _print_error(str(e))
        return EXIT_INVALID
    except OSError as e:
        _print_error(f"error: {_os_message(e)}")
        return EXIT_USAGE
    except (KeyError, ValueError) as e:
        _print_error(f"error: {e.args[0] if e.args else e}")
        return EXIT_USAGE
    except Exception as e:  # a bug: say so plainly; the traceback is for whoever fixes it
        if os.environ.get(DEBUG_ENV):
            raise
        _print_error(f"error: internal error ({type(e).__name__}: {e}); please report it, "
                     f"with the traceback that {DEBUG_ENV}=1 shows")
        return EXIT_BUG


def _run(argv: list[str]) -> int:
    if argv[:1] == ["build-designations"]:  # its own parser owns every option after the name
        return _build_designations(argparse.Namespace(args=argv[1:]))
    args = parser().parse_args(argv)
    return args.func(args)


def _os_message(e: OSError) -> str:
    """An OS error as a sentence naming the file, with a hint for the usual causes."""
    where = " -> ".join(str(f) for f in (e.filename, e.filename2) if f is not None)
    text = f"{where}: {e.strerror or e}" if where else str(e.strerror or e)
    if isinstance(e, PermissionError):
        text += ("; the folder is not writable (an installed package is often read-only: run the build "
                 "commands in a checkout, or give --root / --out a folder you can write to)")
    return text


def _print_error(text: str) -> None:
    try:
        print(text, file=sys.stderr)
    except BrokenPipeError:  # stderr closed too: nothing more can be said
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
