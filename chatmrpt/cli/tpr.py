"""``chatmrpt tpr``: test positivity rate per ward from a DHIS2 facility export."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from chatmrpt.analysis.declarations import TPR_VARIABLE, TprParams
from chatmrpt.analysis.filenames import TPR_BY_YEAR_CSV, TREND_CSV, WARD_TPR_CSV
from chatmrpt.analysis.tpr_columns import ORG_ROLES
from chatmrpt.artifacts.atomic import atomic_file
from chatmrpt.cli._options import add_options, add_output, output_file
from chatmrpt.csvsafe import write_csv
from chatmrpt.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from chatmrpt.analysis.tpr import TprResult

NAME = "tpr"
HELP = "test positivity rate per ward from a DHIS2 facility export"
DESCRIPTION = """\
Compute the malaria test positivity rate (TPR = positive / tested x 100) per ward from a
DHIS2 facility export (CSV or XLSX, one row per facility and month; title rows above the
header are skipped). Counts are summed per ward (by State, LGA and ward, never by ward
name alone) over the chosen facility level and age group. With --test both, the method
with the higher rate is used (ties: RDT), never the sum of the two.

Blank count cells are missing, not zero: a tested count without its positive count (or
the reverse) is left out. More positive than tested is capped at tested. Both are
reported. Facility levels: Primary, PHC, health centres/posts, clinics -> primary;
Secondary, general/cottage/specialist hospitals -> secondary; Tertiary, teaching
hospitals, federal medical centres -> tertiary; other values count only with
--facility-level all.
"""
EPILOG = f"""\
Outputs:
  without --join: --out holds one row per ward (State, LGA, WardName, tpr, tested,
  positive, test_method, facilities, periods); with --by-year one row per ward and year,
  and trend.csv next to --out.
  with --join WARDS: --out is the ward table with the TPR added as a variable
  ({", ".join(f"{a}: {v}" for a, v in TPR_VARIABLE.items())}), ready for
  `chatmrpt analyze`; with --by-year also tpr_by_year.csv and trend.csv next to --out.
  A population column in the ward table (Population, pop, ...) adds burden_per_1000, and
  the by-year trend then follows burden per 1,000 instead of TPR.
  Trend: least-squares slope per year over the years present (the number used is in the
  years column); >= N (per 1,000, or TPR points) per year is worsening, <= -N improving,
  otherwise stable, N = --trend-threshold (default 5); fewer than two years:
  insufficient_data.

Column mapping (--columns mapping.json): a JSON object of role -> column name, for
exports whose headers are not recognised, e.g.
  {{"lga": "LGA Name", "ward": "Ward", "rdt_tested_u5": "RDT tested U5",
    "rdt_positive_u5": "RDT positive U5"}}
  roles: {", ".join(ORG_ROLES)},
         and METHOD_MEASURE_AGE with METHOD rdt|microscopy, MEASURE tested|positive,
         AGE u5 (<5yrs) | o5 (>=5yrs excluding pregnant women) | pw (pregnant women),
         e.g. rdt_tested_u5, microscopy_positive_pw.
"""
CLI_OPTIONS = ("age", "facility_level", "test", "by_year", "trend_threshold", "sheet")


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "facility_file",
        type=Path,
        metavar="FACILITY_FILE",
        help="DHIS2 facility export, CSV or XLSX",
    )
    # --join names a ward table here (a yes/no in the HTTP API): declared below, not shared
    add_options(p, TprParams, CLI_OPTIONS)
    p.add_argument(
        "--columns",
        type=Path,
        metavar="mapping.json",
        help="JSON object mapping roles to column names (see below)",
    )
    p.add_argument(
        "--join",
        type=Path,
        metavar="WARDS",
        help="ward table (CSV/XLSX) to add the TPR variable to",
    )
    add_output(p, "CSV to write", metavar="FILE")


def load_column_mapping(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            "invalid_parameter",
            f"The column mapping {path} could not be read ({exc.strerror or exc}).",
            details={"file": str(path)},
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            "invalid_parameter",
            f"The column mapping {path.name} is not valid JSON ({exc.msg}, line {exc.lineno}). "
            'It must be an object like {"ward": "Ward", "rdt_tested_u5": "RDT tested U5"}.',
            details={"file": str(path)},
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InputError(
            "invalid_parameter",
            f"The column mapping {path.name} must be a JSON object of role → column name, "
            'e.g. {"ward": "Ward", "rdt_tested_u5": "RDT tested U5"}.',
            details={"file": str(path)},
        )
    return data


def _write_csv_files(frames: dict[Path, pd.DataFrame]) -> None:
    """Write every file to a temporary name first, then move them all into place."""
    with contextlib.ExitStack() as stack:  # every file renamed in after all are written
        for path, frame in frames.items():
            write_csv(frame, stack.enter_context(
                atomic_file(path, "w", encoding="utf-8", newline="")))


def run(args: argparse.Namespace) -> int:
    # what loads pandas is imported here, not at the top: see chatmrpt.cli
    from chatmrpt.analysis.columns import POPULATION_ALIASES, find_column
    from chatmrpt.analysis.ingest import read_table
    from chatmrpt.analysis.tpr import compute_ward_tpr, join_tpr_to_wards, read_facility_export

    mapping = load_column_mapping(args.columns)
    out = output_file(args.out, WARD_TPR_CSV)
    export, info = read_facility_export(args.facility_file, sheet=args.sheet, columns=mapping)

    ward_table = population = None
    if args.join is not None:
        ward_table, _source, _notes = read_table(args.join)
        if find_column(ward_table.columns, POPULATION_ALIASES):
            population = ward_table

    result = compute_ward_tpr(
        export,
        age=args.age,
        facility_level=args.facility_level,
        test=args.test,
        by_year=args.by_year,
        population=population,
        columns=mapping,
        name=info["file"],
        trend_threshold=args.trend_threshold,
    )

    files: dict[Path, pd.DataFrame] = {}
    join_report = None
    if ward_table is not None:
        joined, join_report = join_tpr_to_wards(ward_table, result)
        files[out] = joined
        if args.by_year:
            files[out.parent / TPR_BY_YEAR_CSV] = result.by_year
    else:
        files[out] = result.by_year if args.by_year else result.wards
    if args.by_year:
        trend = out.parent / TREND_CSV
        if trend in files:
            raise InputError(
                "invalid_parameter",
                f"--out {out.name} would be overwritten by the trend table (trend.csv); "
                "choose another file name.",
            )
        files[trend] = result.trend
    if len(set(files)) != len(files) or out.resolve() in {
        Path(args.facility_file).resolve(),
        *([Path(args.join).resolve()] if args.join else []),
    }:
        raise InputError(
            "invalid_parameter", f"--out {out} would overwrite an input file; choose another name."
        )
    _write_csv_files(files)
    if not args.quiet:
        print_summary(result, info, join_report, list(files))
    return 0


_AGE_TEXT = {
    "u5": "under-fives",
    "o5": "5 and over (excl. pregnant women)",
    "pw": "pregnant women",
    "all": "all ages",
}


def print_summary(result: TprResult, info: dict, join_report: dict | None, files) -> None:
    out = sys.stdout
    r = result.report
    p = result.params
    level = (
        "all facility levels"
        if p["facility_level"] == "all"
        else f"{p['facility_level']} facilities"
    )
    test = "higher of RDT and microscopy" if p["test"] == "both" else p["test"]
    print(
        f"TPR ({_AGE_TEXT[p['age']]}, {test}, {level}) for {r['wards']:,} wards from "
        f"{r['rows_used']:,} of {r['rows']:,} rows of {info['file']}.",
        file=out,
    )
    if info.get("title_rows"):
        print(f"Skipped {info['title_rows']} title row(s) above the header.", file=out)
    used = ", ".join(f"{m} {n}" for m, n in r["methods_used"].items())
    print(f"Method used per ward: {used}.", file=out)
    for reason, count in r["rows_skipped"].items():
        print(f"Rows left out ({reason.replace('_', ' ')}): {count:,}.", file=out)
    for w in r["warnings"]:
        print(f"note: {w}", file=out)
    if result.trend is not None:
        counts = result.trend["trend"].value_counts()
        print("Trend: " + ", ".join(f"{k} {v}" for k, v in counts.items())
              + f" (threshold {p['trend_threshold']:g} per year).", file=out)
    if join_report is not None:
        jr = join_report
        rules = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in jr["by_rule"].items() if v)
        print(
            f"Join: {jr['matched']} of {jr['table_rows']} wards of the ward table got "
            f"{jr['column']} (matched by {rules or 'nothing'}).",
            file=out,
        )
        for f in jr["fuzzy_matches"]:
            print(f"  approximate name: {f['table']} ~ {f['other']} ({f['score']:.0f})", file=out)
        for a in jr["ambiguous"]:
            print(f"  ambiguous: {a}", file=out)
        for w in jr["warnings"]:
            print(f"note: {w}", file=out)
    print("Wrote: " + ", ".join(str(f) for f in files), file=out)
