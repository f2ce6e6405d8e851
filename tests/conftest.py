"""Shared test fixtures: paths to the real ward data kept in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
KANO_TABLE = DATA / "kano_metro" / "kano_metro_variables.csv"
KANO_BOUNDARIES = DATA / "kano_metro" / "kano_metro_wards.zip"
ILORIN_TABLE = DATA / "ilorin" / "ilorin_variables.csv"
ILORIN_BOUNDARIES = DATA / "ilorin" / "ilorin_wards.zip"


@pytest.fixture(scope="session")
def real_data() -> dict[str, Path]:
    return {
        "kano_table": KANO_TABLE,
        "kano_boundaries": KANO_BOUNDARIES,
        "ilorin_table": ILORIN_TABLE,
        "ilorin_boundaries": ILORIN_BOUNDARIES,
    }
