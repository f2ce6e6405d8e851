"""What the planning commands (``itn``, ``reprioritize``) share: the finished analysis they
start from and the close of their summaries."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def add_analysis_source(parser: argparse.ArgumentParser) -> None:
    """The finished analysis a command works from (``itn``, ``reprioritize``)."""
    parser.add_argument(
        "source",
        type=Path,
        metavar="DIR_OR_UNIFIED",
        help="analysis output folder, or its unified_dataset.csv / .geoparquet (with "
        "--rank-column: any ward table, CSV or XLSX, with population and urban share)",
    )


def load_wards(source: Path, rank_column: str | None):
    """The unified dataset of an analysis; with an external rank column, any ward table."""
    if rank_column is not None and source.is_file() and source.suffix.lower() in (
        ".csv", ".tsv", ".txt", ".xlsx",
    ):  # fmt: skip
        from chatmrpt.analysis.ingest import read_table

        frame, _source, _notes = read_table(source)
        return frame
    from chatmrpt.analysis.results_io import load_unified

    return load_unified(source)


def print_sources_and_warnings(parameters: dict[str, Any], warnings: Iterable[str]) -> None:
    """The planning inputs' sources and the warnings, closing a plan's summary."""
    for key, label in (("population_source", "Population"), ("urban_share_source", "Urban share")):
        if parameters.get(key):
            print(f"{label}: {parameters[key]}.")
    for warning in warnings:
        print(f"warning: {warning}")
