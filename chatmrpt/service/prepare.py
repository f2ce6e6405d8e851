"""From a facility export and ward boundaries to a session's dataset (prepare.py's flow).

The ward table built from the export (TPR, tested and positive counts, burden per 1,000
and environmental variables) becomes the dataset's table; the boundaries, the population
file and the built-up raster are stored with it like any upload, so the analysis job,
net planning and reprioritisation read them as they do for an uploaded ward table, and
every result names where the population came from.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatmrpt.errors import InputError
from chatmrpt.jobs.runner import work_root
from chatmrpt.service.files import BOUNDARIES, POPULATION, TABLE, display_name, extension_of

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

_STEM = re.compile(r"[^A-Za-z0-9_-]+")


def prepare_dataset(
    rt: Runtime,
    session_id: str,
    export: bytes,
    export_name: str,
    boundaries: bytes,
    boundaries_name: str,
    *,
    population: bytes | None = None,
    population_name: str | None = None,
    urban: bytes | None = None,
    urban_name: str | None = None,
    age: str = "u5",
    facility_level: str = "all",
    test: str = "both",
    sheet: str | None = None,
    rasters: list | None = None,
) -> dict[str, Any]:
    """Build the ward table from a facility export and add it to the session as a dataset.

    ``rasters``: ``RasterSpec`` list (environmental variables, e.g. from the deployment's
    raster library). Returns the dataset view (as ``add_dataset``) plus ``prepare``: the
    report of every step (TPR join, population, burden, covariates, warnings). Raises
    InputError for anything the user can fix; nothing is stored then.
    """
    from chatmrpt.analysis.prepare import prepare_ward_table
    from chatmrpt.service.datasets import _check_upload, add_dataset
    from chatmrpt.service.sessions import require_session
    from chatmrpt.store.model import to_jsonable

    require_session(rt, session_id)
    export_name = display_name(export_name, "facility export")
    boundaries_name = display_name(boundaries_name, BOUNDARIES)
    _check_upload(rt, export, export_name)
    _check_upload(rt, boundaries, boundaries_name)
    if population is not None:
        population_name = display_name(population_name, POPULATION)
        _check_upload(rt, population, population_name)
    export_ext = extension_of(export_name, TABLE)
    boundaries_ext = extension_of(boundaries_name, BOUNDARIES)
    population_ext = extension_of(population_name, POPULATION) if population is not None else None
    with tempfile.TemporaryDirectory(prefix="prepare-", dir=work_root(rt.settings)) as tmp:
        folder = Path(tmp)
        export_path = folder / f"export.{export_ext}"
        export_path.write_bytes(export)
        boundaries_path = folder / f"boundaries.{boundaries_ext}"
        boundaries_path.write_bytes(boundaries)
        population_path = None
        if population is not None:
            population_path = folder / f"population.{population_ext}"
            population_path.write_bytes(population)
        prepared = prepare_ward_table(
            export_path,
            boundaries_path,
            population=population_path,
            population_name=population_name,
            rasters=rasters,
            age=age,
            facility_level=facility_level,
            test=test,
            sheet=sheet,
            export_name=export_name,
            boundaries_name=boundaries_name,
            include_population=False,  # the dataset carries the population file itself
            s3_endpoint_url=rt.settings.s3_endpoint_url,
        )
    if prepared.table.empty:
        raise InputError("empty_file", f"{boundaries_name} has no wards.")
    stem = _STEM.sub("_", Path(export_name).stem)[:60] or "facility_export"
    table = prepared.table.to_csv(index=False, lineterminator="\n").encode()
    view = add_dataset(
        rt,
        session_id,
        table,
        f"ward_table_{stem}.csv",
        boundaries,
        boundaries_name,
        population=population,
        population_name=population_name,
        urban=urban,
        urban_name=urban_name,
    )
    return dict(view, prepare=to_jsonable(prepared.report))
