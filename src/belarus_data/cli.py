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
    from .names import find_person

    found = find_person(" ".join(args.name), root=args.root)
    if found.empty:
        print(f"nobody matches '{' '.join(args.name)}'")
        return 0
    for r in found.itertuples():
        aliases = ", ".join(r.aliases)
        print(f"{r.match_score:5.1f}  {r.person_id:<28} {r.name}" + (f"  (also: {aliases})" if aliases else ""))
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


def parser() -> argparse.ArgumentParser:
    from .cite import FORMATS as CITE_FORMATS
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
    command("find", _find, "find people by any spelling of their name").add_argument("name", nargs="+")
    command("cite", _cite, "print the citation").add_argument("--format", choices=CITE_FORMATS, default="text")
    e = command("export", _export, "write the tables as Parquet, SQLite or a zipped data package")
    e.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    e.add_argument("--out", type=Path, required=True)
    command("reproduce", _reproduce, "validate, run every notebook and write the report") \
        .add_argument("--out", type=Path, default=Path("report"))
    command("build-datapackage", _build_datapackage, "regenerate datapackage.json (for contributors)")
    command("build-codebook", _build_codebook, "regenerate docs/codebook.md (for contributors)")
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
