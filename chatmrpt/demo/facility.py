"""A DHIS2-style facility-month export of malaria testing, consistent with the demo wards.

The column names are those of Nigeria's DHIS2 pivot-table exports (METHODOLOGY §9); they are
module constants so the TPR code and its tests can use the very same strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chatmrpt.demo import names as naming
from chatmrpt.demo.states import StateInfo

COUNTRY_COLUMN = "orgunitlevel1"
STATE_COLUMN = "orgunitlevel2"
LGA_COLUMN = "orgunitlevel3"
WARD_COLUMN = "orgunitlevel4"
FACILITY_COLUMN = "organisationunitname"
FACILITY_LEVEL_COLUMN = "FacilityLevel"
PERIOD_COLUMN = "periodname"
COUNTRY_NAME = "Nigeria"

FACILITY_LEVELS = ("Primary", "Secondary", "Tertiary")
TEST_METHODS = ("rdt", "microscopy")
AGE_GROUPS = ("u5", "o5", "pw")

# DHIS2 data element names: what was counted, by which test, in which age group
_TESTED_BY = {"rdt": "Persons presenting with fever & tested by RDT",
              "microscopy": "Persons presenting with fever and tested by Microscopy"}
_POSITIVE_BY = {"rdt": "Persons tested positive for malaria by RDT",
                "microscopy": "Persons tested positive for malaria by Microscopy"}
_AGE_WORDS = {"u5": "<5yrs", "o5": "≥5yrs (excl PW)", "pw": "Preg Women (PW)"}
# (method, age group) -> column
TESTED_COLUMNS: dict[tuple[str, str], str] = {
    (method, age): f"{_TESTED_BY[method]} {_AGE_WORDS[age]}"
    for method in TEST_METHODS for age in AGE_GROUPS
}
POSITIVE_COLUMNS: dict[tuple[str, str], str] = {
    (method, age): f"{_POSITIVE_BY[method]} {_AGE_WORDS[age]}"
    for method in TEST_METHODS for age in AGE_GROUPS
}
DATA_ELEMENT_COLUMNS = tuple(TESTED_COLUMNS.values()) + tuple(POSITIVE_COLUMNS.values())
ORGUNIT_COLUMNS = (COUNTRY_COLUMN, STATE_COLUMN, LGA_COLUMN, WARD_COLUMN, FACILITY_COLUMN)
EXPORT_COLUMNS = ORGUNIT_COLUMNS + (FACILITY_LEVEL_COLUMN, PERIOD_COLUMN) + DATA_ELEMENT_COLUMNS

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
YEARS = (2023, 2024)
MAX_YEARS = 10


def period_names(years: tuple[int, ...] = YEARS) -> tuple[str, ...]:
    """Month names of the given years ("January 2023", ...), in calendar order."""
    return tuple(f"{m} {y}" for y in years for m in MONTH_NAMES)


def check_years(years) -> tuple[int, ...]:
    """Distinct consecutive-or-not calendar years, 1 to ``MAX_YEARS`` of them, sorted."""
    try:
        out = tuple(sorted({int(y) for y in years}))
    except (TypeError, ValueError):
        out = ()
    if not out or len(out) > MAX_YEARS or out[0] < 1900 or out[-1] > 2100:
        raise ValueError(f"years must be 1 to {MAX_YEARS} calendar years between 1900 and "
                         f"2100, not {years!r}")
    return out


PERIOD_NAMES = period_names(YEARS)

# About 160 bytes a row and 24 rows a facility: 36,000 facilities keep the export near
# 140 MB. Above that (states of more than ~17,000 wards) each ward gets one facility, and
# above 36,000 wards only a spread-out sample of wards has one, as in a partial export.
MAX_FACILITIES = 36_000
# facility-months are drawn in fixed blocks of facilities so the export can be written
# block by block with bounded memory and still be identical to the one-piece table
FACILITY_BLOCK = 2_000

_ROW_NOT_REPORTED = 0.03  # share of facility-months with every cell blank
_CELL_BLANK = 0.01  # share of other positive counts left blank
_MICROSCOPY_SHARE = {"Primary": 0.2, "Secondary": 0.9, "Tertiary": 1.0}
_BASE_CASELOAD = {"Primary": (40.0, 0.5), "Secondary": (120.0, 0.4), "Tertiary": (250.0, 0.3)}


@dataclass(frozen=True, eq=False)
class WardTesting:
    """What the facility export needs to know about each ward (aligned arrays)."""

    lga: np.ndarray  # LGA name
    ward: np.ndarray  # ward name
    tpr: np.ndarray  # under-5 RDT positivity, percent (no gaps)
    population: np.ndarray
    urban: np.ndarray  # 0-1
    trend: np.ndarray  # log change of caseload from one year to the next


def decorate_state(state: StateInfo) -> str:
    suffix = "" if state.code == "FC" else " State"
    return f"{state.prefix} {state.name}{suffix}"


def decorate_lga(state: StateInfo, lga: str) -> str:
    return f"{state.prefix} {lga} Local Government Area"


def decorate_ward(state: StateInfo, ward: str) -> str:
    return f"{state.prefix} {ward} Ward"


def build_facilities(
    rng: np.random.Generator,
    state: StateInfo,
    wards: WardTesting,
    name_pool: list[str],
    max_facilities: int = MAX_FACILITIES,
) -> pd.DataFrame:
    """One row per facility: ward index, decorated names, level and testing parameters,
    sorted as DHIS2 sorts a pivot export (LGA, ward, facility). 1-4 facilities per ward
    (more in towns) while the total stays within ``max_facilities``."""
    n = len(wards.ward)
    per_ward = rng.choice(4, size=n, p=(0.35, 0.35, 0.2, 0.1)) + 1
    per_ward = np.minimum(per_ward + (wards.urban > 0.6), 4)
    if per_ward.sum() > max_facilities:
        per_ward = np.ones(n, dtype=int)
        if n > max_facilities:
            per_ward[:] = 0
            per_ward[np.sort(rng.choice(n, size=max_facilities, replace=False))] = 1
    ward_of = np.repeat(np.arange(n), per_ward)
    total = len(ward_of)

    secondary = rng.random(total) < 0.04 + 0.15 * wards.urban[ward_of]
    level = np.where(secondary, "Secondary", "Primary").astype(object)
    # a few tertiary hospitals, in the most urban wards that have facilities
    n_tertiary = max(1, round(n / 500))
    covered = np.unique(ward_of)
    top = covered[np.argsort(-wards.urban[covered], kind="stable")[:n_tertiary]]
    first_of_ward = np.searchsorted(ward_of, top)
    level[first_of_ward] = "Tertiary"

    pfx = state.prefix
    facility_names = np.empty(total, dtype=object)
    start = 0
    for w, count in zip(covered, per_ward[covered], strict=True):
        taken: set[str] = set()
        for j in range(start, start + count):
            kind_list = naming.FACILITY_TYPES[level[j]]
            kind = kind_list[int(rng.integers(len(kind_list)))]
            locality = wards.ward[w]
            if j > start and rng.random() < 0.6:
                locality = name_pool[int(rng.integers(len(name_pool)))]
            name = f"{pfx} {locality} {kind}"
            while name in taken:
                name += " II"
            taken.add(name)
            facility_names[j] = name
        start += count

    caseload = np.empty(total)
    for lvl, (median, sigma) in _BASE_CASELOAD.items():
        sel = level == lvl
        caseload[sel] = median * np.exp(rng.normal(0.0, sigma, size=int(sel.sum())))
    caseload *= (wards.population[ward_of] / 20_000) ** 0.3 / per_ward[ward_of] ** 0.3
    share = np.array([_MICROSCOPY_SHARE[x] for x in level])

    facilities = pd.DataFrame(
        {
            "ward_index": ward_of,
            COUNTRY_COLUMN: COUNTRY_NAME,
            STATE_COLUMN: decorate_state(state),
            LGA_COLUMN: [decorate_lga(state, x) for x in wards.lga[ward_of]],
            WARD_COLUMN: [decorate_ward(state, x) for x in wards.ward[ward_of]],
            FACILITY_COLUMN: facility_names,
            FACILITY_LEVEL_COLUMN: level,
            "caseload": caseload,
            "microscopy": rng.random(total) < share,
            "microscopy_load": rng.uniform(0.25, 0.6, size=total) * (1 + (level != "Primary")),
            "older_ratio": rng.uniform(1.2, 2.0, size=total),
            "pregnant_ratio": rng.uniform(0.08, 0.2, size=total),
            "effect": rng.normal(0.0, 0.25, size=total),
        }
    )
    order = np.lexsort(
        (
            facilities[FACILITY_COLUMN].to_numpy(dtype=object),
            facilities[WARD_COLUMN].to_numpy(dtype=object),
            facilities[LGA_COLUMN].to_numpy(dtype=object),
        )
    )
    return facilities.iloc[order].reset_index(drop=True)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def facility_month_blocks(
    facilities: pd.DataFrame,
    wards: WardTesting,
    latitude: float,
    seed_sequence: np.random.SeedSequence,
    years: tuple[int, ...] = YEARS,
) -> Iterator[pd.DataFrame]:
    """The export in blocks of ``FACILITY_BLOCK`` facilities (12 rows a year each).

    Each ward's caseload changes by its ``trend`` (log change) from one year to the next,
    counted from the first year, so a ward's burden rises or falls steadily over ``years``.
    """
    years = check_years(years)
    periods = period_names(years)
    months = len(periods)
    calendar = np.arange(months) % 12 + 1
    year = np.repeat(np.array(years) - years[0], 12)
    # transmission peaks with the rains: later and sharper in the north
    north = latitude > 9.0
    amplitude = 0.55 if north else 0.3
    peak = 9 if north else 7
    season = np.cos(2 * np.pi * (calendar - peak) / 12)
    load_season = np.exp(amplitude * season)
    load_season /= load_season.mean()
    children = seed_sequence.spawn((len(facilities) + FACILITY_BLOCK - 1) // FACILITY_BLOCK)
    for b, child in enumerate(children):
        rng = np.random.default_rng(child)
        block = facilities.iloc[b * FACILITY_BLOCK : (b + 1) * FACILITY_BLOCK]
        yield _block(rng, block, wards, load_season, amplitude * season, year, periods)


def _block(rng, block, wards, load_season, season_shift, year, periods) -> pd.DataFrame:
    f = len(block)
    m = len(load_season)
    w = block["ward_index"].to_numpy()
    trend = np.exp(wards.trend[w][:, None] * year[None, :])
    mu = block["caseload"].to_numpy()[:, None] * load_season[None, :] * trend
    base_logit = _logit(wards.tpr[w] / 100.0)[:, None] + block["effect"].to_numpy()[:, None]
    base_logit = base_logit + 0.6 * season_shift[None, :]

    counts: dict[str, np.ndarray] = {}
    blank: dict[str, np.ndarray] = {}
    not_reported = rng.random((f, m)) < _ROW_NOT_REPORTED
    age_load = {
        "u5": np.ones(f),
        "o5": block["older_ratio"].to_numpy(),
        "pw": block["pregnant_ratio"].to_numpy(),
    }
    # older children/adults and pregnant women test positive less often than under-5s
    age_shift = {"u5": 0.0, "o5": -0.45, "pw": -0.6}
    has_lab = block["microscopy"].to_numpy()
    lab_load = block["microscopy_load"].to_numpy()
    for method in TEST_METHODS:
        for age in AGE_GROUPS:
            lam = mu * age_load[age][:, None]
            shift = age_shift[age]
            missing = not_reported.copy()
            if method == "microscopy":
                lam = lam * lab_load[:, None]
                shift -= 0.15  # microscopy reads a little lower than RDT
                missing |= ~has_lab[:, None]
            tested = rng.poisson(lam)
            noise = rng.normal(0.0, 0.15, size=(f, m))
            positive = rng.binomial(tested, _expit(base_logit + shift + noise))
            key_t = TESTED_COLUMNS[(method, age)]
            key_p = POSITIVE_COLUMNS[(method, age)]
            counts[key_t], blank[key_t] = tested, missing
            counts[key_p] = positive
            blank[key_p] = missing | (rng.random((f, m)) < _CELL_BLANK)

    data: dict[str, object] = {}
    for col in ORGUNIT_COLUMNS + (FACILITY_LEVEL_COLUMN,):
        data[col] = np.repeat(block[col].to_numpy(dtype=object), m)
    data[PERIOD_COLUMN] = np.tile(np.array(periods, dtype=object), f)
    for col in DATA_ELEMENT_COLUMNS:
        data[col] = pd.arrays.IntegerArray(counts[col].astype(np.int64).ravel(), blank[col].ravel())
    return pd.DataFrame(data, columns=list(EXPORT_COLUMNS))
