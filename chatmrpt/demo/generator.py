"""Synthetic but realistic Nigerian ward data for demonstrations, tests and benchmarks.

``generate_state`` builds a state in memory (no files); ``write_state`` and
``write_demo_data`` write it as the three files users would bring: the ward table
(``wards.csv``), the ward boundaries (``wards_boundaries.zip``, a zipped shapefile with a
``.prj``) and a DHIS2-style facility-month export (``facility_tpr.csv``).

The same number of wards, seed and state give byte-identical files. Every random draw comes
from its own stream (``SeedSequence([seed, state number, stream])``), so changing one part
of the generator does not reshuffle the others.

Malaria risk is planted, not random: a latent risk built from the covariates in the
directions of METHODOLOGY §3 (wetter, greener, lower, closer to water, poorer housing, less
urban → riskier) plus spatially correlated noise drives the under-5 test positivity rate, so
a correct analysis ranks the truly riskier wards high.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from scipy.sparse import csr_matrix

from chatmrpt.analysis.dataset import LGA, LGA_CODE, STATE, STATE_CODE, WARD_CODE, WARD_NAME
from chatmrpt.artifacts.atomic import publish, staging_folder
from chatmrpt.demo import facility as fac
from chatmrpt.demo import geometry as geo
from chatmrpt.demo import names as naming
from chatmrpt.demo.params import DEFAULT_SEED, DEFAULT_STATE, MAX_WARDS, MIN_WARDS
from chatmrpt.demo.states import STATES, StateInfo
from chatmrpt.errors import InputError

WARDS_FILE = "wards.csv"
BOUNDARIES_FILE = "wards_boundaries.zip"
FACILITY_FILE = "facility_tpr.csv"
SHAPEFILE_LAYER = "wards_boundaries"

POPULATION = "Population"
VARIABLES = (
    "urban_percentage",
    "u5_tpr_rdt",
    "rainfall",
    "ndvi",
    "evi",
    "ndwi",
    "ndmi",
    "soil_wetness",
    "elevation",
    "distance_to_waterbodies",
    "housing_quality",
    "nighttime_lights",
)
WARD_COLUMNS = (STATE_CODE, STATE, LGA, LGA_CODE, WARD_NAME, WARD_CODE, POPULATION) + VARIABLES
BOUNDARY_COLUMNS = (STATE_CODE, WARD_CODE, WARD_NAME, LGA_CODE, LGA)

# METHODOLOGY §3: direction each variable takes in the analysis
INVERSE_VARIABLES = frozenset(
    {
        "distance_to_waterbodies",
        "elevation",
        "housing_quality",
        "urban_percentage",
        "nighttime_lights",
    }
)
# variables with ~1% of cells left empty; together they hit every zone's default list
VARIABLES_WITH_GAPS = ("u5_tpr_rdt", "housing_quality", "distance_to_waterbodies")
GAP_SHARE = 0.01

# decimals each variable is published with
_DECIMALS = {
    "urban_percentage": 2,
    "u5_tpr_rdt": 2,
    "rainfall": 1,
    "ndvi": 4,
    "evi": 4,
    "ndwi": 4,
    "ndmi": 4,
    "soil_wetness": 4,
    "elevation": 1,
    "distance_to_waterbodies": 1,
    "housing_quality": 4,
    "nighttime_lights": 3,
}

# how strongly (and which way) each covariate drives the planted risk; signs follow §3
_RISK_WEIGHTS = {
    "rainfall": 0.35,
    "soil_wetness": 0.25,
    "ndvi": 0.15,
    "evi": 0.10,
    "ndwi": 0.25,
    "ndmi": 0.10,
    "distance_to_waterbodies": -0.30,
    "elevation": -0.25,
    "housing_quality": -0.35,
    "urban_percentage": -0.30,
    "nighttime_lights": -0.20,
}

# random streams
_LAYOUT, _LGAS, _NAMES, _VARIABLES, _GAPS, _FACILITIES, _FACILITY_MONTHS = range(1, 8)

# fixed timestamp inside the zip, so the archive's bytes depend only on its content
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

Progress = Callable[[str, float], None]


@dataclass(frozen=True, eq=False)
class DemoState:
    """A generated state: the ward table, its boundaries and the planted risk.

    ``wards`` holds the columns of ``wards.csv`` (``WARD_COLUMNS``), one row per ward, in
    file order. ``boundaries`` has the same wards in a different (spatial) order, as real
    layers do; join on ``WardCode``. ``true_risk`` is the latent risk (mean 0, sd 1) the
    generator used, aligned with ``wards``.
    """

    state: StateInfo
    seed: int
    wards: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    true_risk: pd.Series
    facilities: pd.DataFrame
    ward_testing: fac.WardTesting  # what the facility export is drawn from
    latitude: float  # of the state centre; sets the malaria season

    @property
    def n_lgas(self) -> int:
        return int(self.wards[LGA_CODE].nunique())

    def iter_facility_export(self, years: tuple[int, ...] = fac.YEARS) -> Iterator[pd.DataFrame]:
        """The DHIS2-style export in blocks of facilities (bounded memory), 12 months of
        each of ``years``."""
        seq = np.random.SeedSequence([self.seed, self.state.number, _FACILITY_MONTHS])
        yield from fac.facility_month_blocks(self.facilities, self.ward_testing, self.latitude, seq,
                                             years)

    def facility_export(self, years: tuple[int, ...] = fac.YEARS) -> pd.DataFrame:
        """The whole export as one table (columns ``facility.EXPORT_COLUMNS``)."""
        blocks = list(self.iter_facility_export(years))
        if not blocks:
            return pd.DataFrame(columns=list(fac.EXPORT_COLUMNS))
        return pd.concat(blocks, ignore_index=True)


def _rng(seed: int, state: StateInfo, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, state.number, stream]))


def _zscore(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def check_parameters(n_wards, seed, state_code) -> StateInfo:
    """Validate the user's parameters; the state's record when they are fine."""
    if isinstance(n_wards, bool) or not isinstance(n_wards, int | np.integer):
        raise InputError(
            "invalid_parameter",
            f"The number of wards must be a whole number, got {n_wards!r}.",
            details={"parameter": "wards"},
        )
    if not MIN_WARDS <= n_wards <= MAX_WARDS:
        raise InputError(
            "invalid_parameter",
            f"The number of wards must be between {MIN_WARDS:,} and {MAX_WARDS:,}, got "
            f"{n_wards:,}. Choose a value in that range with --wards.",
            details={"parameter": "wards", "value": int(n_wards)},
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**63:
        raise InputError(
            "invalid_parameter",
            f"The seed must be a whole number from 0 to 2^63-1, got {seed!r}.",
            details={"parameter": "seed"},
        )
    code = str(state_code).strip().upper()
    if code not in STATES:
        raise InputError(
            "invalid_parameter",
            f"Unknown state code {state_code!r}. Use one of the two-letter Nigerian state "
            f"codes: {', '.join(sorted(STATES))}.",
            details={"parameter": "state", "value": str(state_code)},
        )
    return STATES[code]


def generate_state(
    n_wards: int,
    seed: int = DEFAULT_SEED,
    state_code: str = DEFAULT_STATE,
    *,
    progress: Progress | None = None,
) -> DemoState:
    """Generate a synthetic state of ``n_wards`` wards (100..100,000). Pure: writes nothing."""
    state = check_parameters(n_wards, seed, state_code)
    n_wards = int(n_wards)
    seed = int(seed)

    def report(step: str, done: float) -> None:
        if progress is not None:
            progress(step, done)

    report("laying out wards", 0.0)
    layout = geo.build_layout(_rng(seed, state, _LAYOUT), n_wards, state.lon, state.lat)
    report("drawing ward boundaries", 0.15)
    cells = geo.ward_polygons(layout)
    pairs = geo.queen_pairs(cells)
    report("grouping wards into LGAs", 0.55)
    lga_of = geo.group_into_lgas(_rng(seed, state, _LGAS), layout.seeds, layout.spacing, pairs)
    report("naming wards and LGAs", 0.65)
    lonlat = layout.to_lonlat(layout.seeds)
    urban = _urban_share(layout)
    ids = _identities(_rng(seed, state, _NAMES), state, lga_of, urban)
    report("deriving ward variables", 0.8)
    values, risk, trend = _variables(_rng(seed, state, _VARIABLES), layout, lonlat, urban)
    complete_tpr = values["u5_tpr_rdt"].copy()
    _punch_gaps(_rng(seed, state, _GAPS), values, pairs, n_wards)

    table = pd.DataFrame(
        {
            STATE_CODE: state.code,
            STATE: state.name,
            LGA: ids["lga"],
            LGA_CODE: ids["lga_code"],
            WARD_NAME: ids["ward"],
            WARD_CODE: ids["ward_code"],
            POPULATION: values.pop(POPULATION).astype(np.int64),
            **{v: values[v] for v in VARIABLES},
        },
        columns=list(WARD_COLUMNS),
    )
    for col in (STATE_CODE, STATE, LGA, LGA_CODE, WARD_NAME, WARD_CODE):
        table[col] = table[col].astype(str)
    # file order: by LGA code, then ward code; the boundary layer keeps the spatial order
    order = np.lexsort((ids["ward_code"], ids["lga_code"]))
    wards = table.iloc[order].reset_index(drop=True)
    boundaries = gpd.GeoDataFrame(
        table[list(BOUNDARY_COLUMNS)].copy(), geometry=cells, crs="EPSG:4326"
    )
    true_risk = pd.Series(risk[order], index=wards.index, name="true_risk")

    report("placing health facilities", 0.9)
    testing = fac.WardTesting(
        lga=np.asarray(ids["lga"], dtype=object)[order],
        ward=np.asarray(ids["ward"], dtype=object)[order],
        tpr=complete_tpr[order],
        population=wards[POPULATION].to_numpy(dtype=float),
        urban=urban[order],
        trend=trend[order],
    )
    facilities = fac.build_facilities(_rng(seed, state, _FACILITIES), state, testing, ids["pool"])
    report("done", 1.0)
    return DemoState(
        state=state,
        seed=seed,
        wards=wards,
        boundaries=boundaries,
        true_risk=true_risk,
        facilities=facilities,
        ward_testing=testing,
        latitude=layout.lat0,
    )


def _urban_share(layout: geo.Layout) -> np.ndarray:
    """0-1 urban share from the towns: near 1 in a town's dense core, fading outwards."""
    xy = layout.seeds
    share = np.zeros(len(xy))
    for t in layout.towns:
        d2 = (xy[:, 0] - t.x) ** 2 + (xy[:, 1] - t.y) ** 2
        share = np.maximum(share, t.intensity * np.exp(-d2 / (0.55 * t.radius) ** 2))
    return share


def _identities(rng, state: StateInfo, lga_of, urban) -> dict:
    n = len(lga_of)
    k = int(lga_of.max()) + 1
    # the LGA holding the most urban ward is the state's municipal LGA
    capital_lga = int(lga_of[int(np.argmax(urban))])
    names = naming.lga_names(k, state.name_styles, state.capital_lga, rng)
    # names[0] is the municipal LGA; the others in random order
    lga_name = np.empty(k, dtype=object)
    others = [i for i in range(k) if i != capital_lga]
    lga_name[capital_lga] = names[0]
    for i, name in zip(others, names[1:], strict=True):
        lga_name[i] = name
    # LGA codes follow the alphabetical order of LGA names, as the official list does
    alpha = sorted(range(k), key=lambda i: lga_name[i])
    lga_code = np.empty(k, dtype=object)
    for rank, i in enumerate(alpha):
        lga_code[i] = f"{state.number * 1000 + rank + 1:05d}"
    abbreviations = naming.lga_abbreviations([lga_name[i] for i in alpha], rng)
    lga_abbr = np.empty(k, dtype=object)
    for i, abbr in zip(alpha, abbreviations, strict=True):
        lga_abbr[i] = abbr

    lga_style = [naming.pick_style(state.name_styles, rng) for _ in range(k)]
    pools = {
        # twice as many base names as wards: most names are unique, a few repeat
        style: naming.base_pool(style, max(80, 2 * n), rng)
        for style, _ in state.name_styles
    }
    ward_name = np.empty(n, dtype=object)
    ward_code = np.empty(n, dtype=object)
    members_of = np.split(np.argsort(lga_of, kind="stable"), np.cumsum(np.bincount(lga_of))[:-1])
    for i, members in enumerate(members_of):
        style = lga_style[i]
        ward_name[members] = naming.ward_names_for_lga(len(members), style, pools[style], rng)
    # "Sabon Gari" (or its southern counterpart) in two LGAs at least, as in real states
    common = naming.COMMON_WARD_NAMES[lga_style[0]][0]
    holders = [i for i, m in enumerate(members_of) if common in set(ward_name[m])]
    for i in range(k):
        if len(holders) >= 2:
            break
        if i in holders:
            continue
        members_of_i = members_of[i]
        ward_name[members_of_i[int(rng.integers(len(members_of_i)))]] = common
        holders.append(i)
    # a handful of accented names, to exercise text encodings
    n_accented = max(2, n // 400)
    placed = 0
    for ward in rng.permutation(n):
        if placed == n_accented:
            break
        lga_members = members_of[lga_of[ward]]
        name = naming.ACCENTED_WARD_NAMES[placed % len(naming.ACCENTED_WARD_NAMES)]
        if name not in set(ward_name[lga_members]) and ward_name[ward] != common:
            ward_name[ward] = name
            placed += 1
    for i, members in enumerate(members_of):
        numbers = rng.permutation(len(members)) + 1
        for ward, number in zip(members, numbers, strict=True):
            ward_code[ward] = f"{state.code}S{lga_abbr[i]}{number:02d}"
    return {
        "lga": lga_name[lga_of],
        "lga_code": lga_code[lga_of],
        "ward": ward_name,
        "ward_code": ward_code,
        "pool": pools[lga_style[0]],
    }


def _variables(rng, layout: geo.Layout, lonlat: np.ndarray, urban: np.ndarray):
    n = len(lonlat)
    xy = layout.seeds
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    extent, s = layout.extent_km, layout.spacing

    def broad():
        return geo.smooth_field(rng, xy, extent / 4)

    def local():
        return geo.smooth_field(rng, xy, 4 * s)

    def iid(sd):
        return rng.normal(0.0, sd, size=n)

    v: dict[str, np.ndarray] = {}
    # rainfall falls from ~2,400 mm on the coast to ~700 mm in the far north
    v["rainfall"] = 600 + 1900 * _expit(-(lat - 9.0) * 0.55 + 0.18 * broad() + 0.08 * local())

    # rivers run along the zero lines of a smooth field; wards on them have distance 0
    river = geo.smooth_field(rng, xy, max(3 * s, extent / 12))
    distance = 20_000 * np.tanh(np.abs(river) / 1.1) ** 1.3
    distance[np.abs(river) < 0.015] = 0.0
    v["distance_to_waterbodies"] = distance

    # coastal plain, northern plateau, Jos plateau, eastern highlands, Kaduna uplands
    relief = (
        20
        + 430 * _expit((lat - 7.3) * 1.6)
        + 750 * np.exp(-((lon - 9.0) ** 2 / 0.8 + (lat - 9.6) ** 2 / 0.5))
        + 700 * np.exp(-((lon - 11.5) ** 2 / 0.4 + (lat - 7.0) ** 2 / 0.4))
        + 200 * np.exp(-((lon - 7.8) ** 2 / 2.0 + (lat - 10.5) ** 2 / 1.5))
    )
    valleys = -40 * (1 - distance / 20_000)
    v["elevation"] = np.clip(50 + relief + valleys + 80 * broad() + 25 * local(), 50, 1500)

    rain_z = _zscore(v["rainfall"])
    dist_z = _zscore(distance)
    wet = 0.6 * broad() + 0.4 * local()
    v["urban_percentage"] = 100 * np.clip(
        urban * (1 + iid(0.08)) + rng.exponential(0.03, n) * (rng.random(n) < 0.5), 0, 1
    )
    lights = 55 * urban**1.4 * np.exp(iid(0.25)) + rng.gamma(1.5, 0.3, size=n)
    v["nighttime_lights"] = np.clip(lights, 0, 60)
    south = (9.5 - layout.lat0) / 3
    v["housing_quality"] = 0.03 + 0.9 * _expit(
        -1.1 + 3.0 * urban + 0.35 * south + 0.35 * local() + iid(0.3)
    )
    v["soil_wetness"] = 0.05 + 0.9 * _expit(0.8 * rain_z + 0.5 * wet - 0.6 * dist_z + iid(0.25))
    ndvi = 0.05 + 0.65 * _expit(0.7 * rain_z + 0.35 * wet + 0.3 * local() - 1.8 * urban + iid(0.2))
    v["ndvi"] = ndvi
    v["evi"] = np.clip(0.62 * ndvi - 0.005 + iid(0.012), 0.01, 0.7)
    v["ndwi"] = -0.55 + 0.6 * _expit(
        0.6 * rain_z + 0.6 * wet - 0.5 * dist_z - 0.5 * urban + iid(0.25)
    )
    v["ndmi"] = -0.3 + 0.7 * _expit(0.6 * _zscore(ndvi) + 0.5 * wet + iid(0.3))

    for name in v:
        v[name] = np.round(v[name], _DECIMALS[name])
    latent = sum(w * _zscore(v[name]) for name, w in _RISK_WEIGHTS.items())
    latent = latent + 0.45 * geo.smooth_field(rng, xy, 5 * s) + iid(0.25)
    risk = _zscore(latent)
    tpr = 5 + 80 * _expit(-0.3 + 1.1 * risk + iid(0.55))
    v["u5_tpr_rdt"] = np.round(tpr, _DECIMALS["u5_tpr_rdt"])

    population = 16_000 * np.exp(iid(0.5)) * (1 + 3 * urban**1.5)
    v[POPULATION] = np.round(np.clip(population, 1_500, 250_000))
    # caseload drift from 2023 to 2024, for per-ward trends in the facility export
    trend = 0.12 * geo.smooth_field(rng, xy, extent / 3) + iid(0.05)
    return v, risk, trend


def _punch_gaps(rng, values: dict, pairs: np.ndarray, n: int) -> None:
    """Blank ~1% of cells of a few variables, each blank ward with observed neighbours only,
    so spatial imputation has something to work with."""
    both = np.concatenate([pairs, pairs[:, ::-1]])
    adjacency = csr_matrix((np.ones(len(both)), (both[:, 0], both[:, 1])), shape=(n, n))
    count = max(1, round(GAP_SHARE * n))
    for name in VARIABLES_WITH_GAPS:
        blank = np.zeros(n, dtype=bool)
        chosen = 0
        for ward in rng.permutation(n):
            if chosen == count:
                break
            if blank[adjacency[ward].indices].any():
                continue
            blank[ward] = True
            chosen += 1
        column = values[name].astype(float)
        column[blank] = np.nan
        values[name] = column


# ------------------------------------------------------------------------------ writing


def write_state(
    demo: DemoState,
    out_dir: str | os.PathLike,
    *,
    facility_export: bool = True,
    progress: Progress | None = None,
    years: tuple[int, ...] = fac.YEARS,
) -> dict[str, Path]:
    """Write ``demo`` into ``out_dir``: ``wards.csv``, ``wards_boundaries.zip`` and (unless
    ``facility_export`` is false) ``facility_tpr.csv`` with 12 months of each of ``years``.

    Files are written into a temporary folder next to ``out_dir`` and moved in only when
    all are complete, so an interrupted run never leaves a half-written file. Without the
    facility export, an older ``facility_tpr.csv`` in ``out_dir`` is removed, because it
    would describe other wards.
    """
    out = check_out_dir(out_dir)
    try:
        years = fac.check_years(years)
    except ValueError as exc:
        raise InputError("invalid_parameter", f"{str(exc).capitalize()}.",
                         details={"parameter": "years"}) from exc

    def report(step: str, done: float) -> None:
        if progress is not None:
            progress(step, done)

    with contextlib.ExitStack() as stack:
        try:
            tmp = stack.enter_context(staging_folder(out, suffix=".tmp"))
        except PermissionError as exc:
            raise InputError(
                "invalid_parameter",
                f"Cannot write into {out.parent}: permission denied. Choose a folder you can "
                "write to with --out.",
                details={"parameter": "out", "path": str(out)},
            ) from exc
        report(WARDS_FILE, 0.0)
        demo.wards.to_csv(tmp / WARDS_FILE, index=False, encoding="utf-8", lineterminator="\n")
        report(BOUNDARIES_FILE, 0.1)
        write_boundaries_zip(demo.boundaries, tmp / BOUNDARIES_FILE)
        files = [WARDS_FILE, BOUNDARIES_FILE]
        if facility_export:
            report(FACILITY_FILE, 0.3)
            n_blocks = max(1, -(-len(demo.facilities) // fac.FACILITY_BLOCK))
            with open(tmp / FACILITY_FILE, "w", encoding="utf-8", newline="") as fh:
                for i, block in enumerate(demo.iter_facility_export(years)):
                    block.to_csv(fh, index=False, header=i == 0, lineterminator="\n")
                    report(FACILITY_FILE, 0.3 + 0.7 * (i + 1) / n_blocks)
            files.append(FACILITY_FILE)
        written = dict(zip(files, publish(tmp, out, files), strict=True))
        if not facility_export:
            (out / FACILITY_FILE).unlink(missing_ok=True)
        report("done", 1.0)
    return {
        "wards": written[WARDS_FILE],
        "boundaries": written[BOUNDARIES_FILE],
        **({"facility_tpr": written[FACILITY_FILE]} if facility_export else {}),
    }


def write_demo_data(
    out_dir: str | os.PathLike,
    n_wards: int,
    seed: int = DEFAULT_SEED,
    state_code: str = DEFAULT_STATE,
    facility_export: bool = True,
) -> dict[str, Path]:
    """Generate a state and write its files into ``out_dir``; returns the paths written
    (keys ``wards``, ``boundaries`` and, with the export, ``facility_tpr``)."""
    check_out_dir(out_dir)
    demo = generate_state(n_wards, seed, state_code)
    return write_state(demo, out_dir, facility_export=facility_export)


def check_out_dir(out_dir: str | os.PathLike) -> Path:
    out = Path(out_dir).expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise InputError(
            "invalid_parameter",
            f"The output location {out} is an existing file, not a folder. Give a folder "
            "with --out (it is created if missing).",
            details={"parameter": "out", "path": str(out)},
        )
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(
                    "invalid_parameter",
                    f"Cannot create the output folder {out}: {parent} is a file.",
                    details={"parameter": "out", "path": str(out)},
                )
            break
    return out


def write_boundaries_zip(boundaries: gpd.GeoDataFrame, path: Path) -> None:
    """A zipped shapefile (.shp .shx .dbf .prj .cpg) whose bytes depend only on the wards."""
    with tempfile.TemporaryDirectory(dir=path.parent) as shp_dir:
        shp = Path(shp_dir) / f"{SHAPEFILE_LAYER}.shp"
        pyogrio.write_dataframe(
            boundaries,
            shp,
            driver="ESRI Shapefile",
            encoding="UTF-8",
            # RESIZE shrinks text fields from GDAL's default 80 characters to the longest value
            layer_options={"SPATIAL_INDEX": "NO", "RESIZE": "YES"},
        )
        _fix_dbf_date(shp.with_suffix(".dbf"))
        with zipfile.ZipFile(path, "w") as zf:
            for suffix in _SHAPEFILE_PARTS:
                part = shp.with_suffix(suffix)
                if not part.exists():
                    continue
                info = zipfile.ZipInfo(part.name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, part.read_bytes(), compresslevel=6)


def _fix_dbf_date(dbf: Path) -> None:
    # a dBASE header stores the day it was written (bytes 1-3: years since 1900, month,
    # day); pin it so the same wards give the same bytes on any day
    with open(dbf, "r+b") as fh:
        fh.seek(1)
        fh.write(bytes((_ZIP_TIME[0] - 1900, _ZIP_TIME[1], _ZIP_TIME[2])))
