"""The ``belarus-data`` command line."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import DataValidationError


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
    from .validate import validate

    validate(args.root)
    print(f"valid: {args.root or 'the installed data'} passed every check")
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
    from .codebook import write_codebook

    print(f"wrote {write_codebook(args.root)}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import build

    result = build(args.root)
    print(f"wrote {len(result.written)} files; {result.merges} curated people merged with a roster record")
    return 0


def parser() -> argparse.ArgumentParser:
    from .cite import FORMATS as CITE_FORMATS
    from .export import FORMATS as EXPORT_FORMATS

    p = argparse.ArgumentParser(prog="belarus-data", description=(
        "Political-prisoner releases in Belarus, the people freed, and the sanctions eased in exchange."))
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help, description=help)
        c.add_argument("--root", type=Path, default=None,
                       help="a checkout or unpacked data package (default: the installed data)")
        c.set_defaults(func=func)
        return c

    command("info", _info, "list the tables with their rows, the version, licences and citation")
    command("validate", _validate, "check the data against its schemas and rules")
    command("find", _find, "find people by any spelling of their name").add_argument("name", nargs="+")
    command("cite", _cite, "print the citation").add_argument("--format", choices=CITE_FORMATS, default="text")
    e = command("export", _export, "write the tables as Parquet, SQLite or a zipped data package")
    e.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    e.add_argument("--out", type=Path, required=True)
    command("reproduce", _reproduce, "validate, run every notebook and write the report") \
        .add_argument("--out", type=Path, default=Path("report"))
    command("build-datapackage", _build_datapackage, "regenerate datapackage.json (for contributors)")
    command("build-codebook", _build_codebook, "regenerate docs/codebook.md (for contributors)")
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
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["build-designations"]:  # its own parser owns every option after the name
        return _build_designations(argparse.Namespace(args=argv[1:]))
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except DataValidationError as e:
        print(str(e), file=sys.stderr)
        return 1
    except (KeyError, FileNotFoundError, ValueError) as e:
        print(f"error: {e.args[0] if e.args else e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
