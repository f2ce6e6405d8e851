"""Datasets: upload a ward table (and boundaries, population, built-up rasters), read one
back, or add the server's demo data (``$CHATMRPT_HOME/demo``, written by ``make run``)
like an upload."""

from __future__ import annotations

from flask import Blueprint, Response

from chatmrpt.errors import InputError
from chatmrpt.web.api.common import PREFIX, S, check_id, optional_files
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form, read_json
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime, get_settings

bp = Blueprint("datasets", __name__, url_prefix=PREFIX)

DEMO_FOLDER = "demo"
DEMO_TABLE = "wards.csv"
DEMO_BOUNDARIES = "wards_boundaries.zip"


@bp.post(S + "/datasets")
@session_required
def add_dataset(session_id: str) -> Response:
    from chatmrpt.service.datasets import add_dataset as add

    files, fields = read_form(("table", "boundaries", "population", "urban"), ("sheet",),
                              required_files=("table",))
    sheet = fields.get("sheet") or None
    if sheet is not None and len(sheet) > 100:
        raise InputError(
            "invalid_parameter", "sheet must be a worksheet name of at most 100 characters."
        )
    table = files["table"]
    boundaries = files.get("boundaries")
    view = add(
        get_runtime(),
        session_id,
        table.read(),
        table.filename or "",
        boundaries.read() if boundaries is not None else None,
        (boundaries.filename or "") if boundaries is not None else None,
        sheet=sheet,
        **optional_files(files, "population", "urban"),
    )
    status = 200 if view.get("reused") else 201
    location = f"/api/sessions/{session_id}/datasets/{view['dataset_id']}"
    return json_response(view, status, {"Location": location})


@bp.get(S + "/datasets/<dataset_id>")
@session_required
def get_dataset(session_id: str, dataset_id: str) -> Response:
    from chatmrpt.service.datasets import dataset_view
    from chatmrpt.service.datasets import get_dataset as fetch

    record = fetch(get_runtime(), session_id, check_id(dataset_id, "dataset"))
    body = dataset_view(record, reused=False)
    body.pop("reused", None)
    body["columns"] = (record.get("summary") or {}).get("columns", [])
    body["created_at"] = record.get("created_at")
    return json_response(body)


@bp.post(S + "/demo")
@session_required
def load_demo(session_id: str) -> Response:
    """The server's demo ward table and boundaries, added to the session like an upload."""
    from chatmrpt.service.datasets import add_dataset

    read_json(allowed=())
    folder = get_settings().home / DEMO_FOLDER
    table = folder / DEMO_TABLE
    boundaries = folder / DEMO_BOUNDARIES
    if not table.is_file():
        raise InputError(
            "not_found",
            "This server has no demo data. Whoever runs it can create it with "
            "`chatmrpt demo-data --wards 300 --out $CHATMRPT_HOME/demo` (`make run` does "
            "this); meanwhile, upload your own ward table.",
            details={"demo": "missing"},
        )
    has_shapes = boundaries.is_file()
    view = add_dataset(
        get_runtime(),
        session_id,
        table.read_bytes(),
        DEMO_TABLE,
        boundaries.read_bytes() if has_shapes else None,
        DEMO_BOUNDARIES if has_shapes else None,
    )
    status = 200 if view.get("reused") else 201
    location = f"/api/sessions/{session_id}/datasets/{view['dataset_id']}"
    return json_response(view, status, {"Location": location})
