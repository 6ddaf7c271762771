"""Run the build steps in order and write the derived files and the build report."""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._files import DATASETS, resolve_root
from ..errors import DataValidationError, Problem
from ..schema import LIST_DELIMITER, schemas
from . import judges as judges_step
from . import prisoners as prisoners_step
from .roster import read_roster
from .tables import write

STEPS = ("sanction_designations", "prisoners", "prisoner_facts", "judges", "datapackage", "codebook")
RAW = "raw"
CURATED = Path("curated") / "prisoners.csv"
REPORT = Path("docs") / "build_report.md"
ROSTER = "viasna-political-prisoners-2023-03.jsonl"
ROSTER_SOURCE = "viasna-2023-03-political-prisoners-database"
ROSTER_AS_OF = "2023-03"
OFAC_SDN = "us-ofac-sdn-2026-08-20.csv"
OFAC_EARLIER = "us-ofac-sdn-names-2026-03-22.json"
EU_LIST = "eu-fsf-belarus-2022-09-13.csv"


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    merges: int = 0
    report: list[str] = field(default_factory=list)


def _text_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def build(root: str | Path | None = None, echo=print) -> BuildResult:
    """Rebuild the derived tables of the checkout at ``root`` (default: this package's repository)."""
    base = resolve_root(root)
    raw = base / RAW
    if not (raw / ROSTER).exists():
        raise FileNotFoundError(f"{raw / ROSTER} not found: `belarus-data build` needs a checkout with raw/ "
                                "(the installed package does not carry it)")
    known = schemas(base)
    result = BuildResult()
    # The hand-edited input is checked before anything is written: a bad cell stops the build
    # with its row in curated/prisoners.csv and leaves every derived file as it was.
    curated = prisoners_step.read_curated(base / CURATED, known["prisoners"], str(CURATED))

    # 1. sanction_designations: a thin call; new list arguments are added here.
    from ..designations import DesignationInputError, build_designations, write_table
    sanctions = _text_table(base / DATASETS / "sanctions.csv")
    try:
        designations = build_designations(ofac_sdn=raw / OFAC_SDN, uk_list_dir=raw,
                                          ofac_earlier_names=raw / OFAC_EARLIER, sanctions=sanctions,
                                          eu_list=raw / EU_LIST)
    except DesignationInputError as e:
        raise DataValidationError([Problem(RAW, None, None, "designations", str(e))]) from None
    path = base / DATASETS / "sanction_designations.csv"
    write_table(designations, path)
    result.written.append(path)
    echo(f"sanction_designations: {len(designations)} rows")

    # 2. prisoners + prisoner_facts
    records, problems = read_roster(raw / ROSTER, f"{RAW}/{ROSTER}")
    result.problems = problems
    judges, judge_id_of = judges_step.cluster_judges(records)
    committed = _committed_ids(base / DATASETS / "prisoners.csv")
    people, facts, merges, merge_report = prisoners_step.build_prisoners(
        records, problems, curated, judge_id_of, committed, ROSTER_SOURCE, ROSTER_AS_OF)
    result.merges = len(merges)
    for name, rows in (("prisoners", people), ("prisoner_facts", facts)):
        result.written.append(write(rows, known[name], base / DATASETS / f"{name}.csv"))
    echo(f"prisoners: {len(people)} rows ({len(records)} roster records, {len(curated)} curated people, "
         f"{len(merges)} merged); prisoner_facts: {len(facts)} rows")

    # 3. judges
    links, link_report = judges_step.link_designations(judges, designations)
    rows = judges_step.judge_rows(judges, links, designations, ROSTER_SOURCE)
    result.written.append(write(rows, known["judges"], base / DATASETS / "judges.csv"))
    echo(f"judges: {len(rows)} rows, {len(links)} linked to a designation")

    # 4. descriptor and codebook
    from ..codebook import write_codebook
    from ..datapackage import write_descriptor
    result.written += [write_descriptor(base), write_codebook(base)]

    result.report = _report(problems, merges, merge_report, link_report, len(records), len(curated))
    report_path = base / REPORT
    report_path.write_text("\n".join(result.report) + "\n", encoding="utf-8")
    result.written.append(report_path)
    counts = Counter(p.rule for p in problems)
    echo(f"roster problems reported: {len(problems)} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); "
         f"listed in {REPORT}")
    return result


def _committed_ids(path: Path) -> dict[int, str]:
    """{roster_record_id: person_id} of the committed table, so a rebuild keeps every id."""
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {int(r["roster_record_id"]): r["person_id"] for r in csv.DictReader(f)
                if r.get("roster_record_id")}


def _report(problems: list[Problem], merges, merge_report: list[str], link_report: list[str],
            n_records: int, n_curated: int) -> list[str]:
    lines = ["# Build report", "",
             "Written by `belarus-data build`; do not edit. Rows are file, line (= record), field, `[rule]`.", "",
             f"- roster records with a name: {n_records}; curated people: {n_curated}; merged: {len(merges)}",
             f"- roster problems: {len(problems)}", "", "## Roster texts not parsed and records breaking a rule", ""]
    lines += [f"- {p}" for p in sorted(problems, key=lambda p: (p.rule, p.row or 0, p.column or ""))]
    lines += ["", "## Curated people merged with a roster record", "",
              "| person_id | roster record | agreeing facts |", "|---|---|---|"]
    lines += [f"| {m.person_id} | {m.record.record_id} | {'; '.join(m.evidence)} |"
              for m in sorted(merges, key=lambda m: m.person_id)]
    lines += ["", "## Not merged: conflicts and likely candidates (check by hand)", ""]
    lines += [f"- {line}" for line in merge_report]
    lines += ["", "## Judges and sanctions designations", ""]
    lines += [f"- {line}" for line in link_report]
    return [line.replace(LIST_DELIMITER + LIST_DELIMITER, LIST_DELIMITER) for line in lines]
