"""Datasets: upload a ward table (and boundaries, population, built-up rasters), read one
back, or add the server's demo data (``$CHATMRPT_HOME/demo``, written by ``make run``)
like an upload."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, Response

from chatmrpt.errors import InputError
from chatmrpt.service.datasets import get_upload
from chatmrpt.web import urls
from chatmrpt.web.api.common import (
    PREFIX,
    S,
    check_id,
    form_body,
    made_responses,
    optional_files,
    record_route,
)
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_form, read_json
from chatmrpt.web.openapi import FILE, documented, linked, obj, ok, ref
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime, get_settings

bp = Blueprint("datasets", __name__, url_prefix=PREFIX)

DEMO_FOLDER = "demo"
DEMO_TABLE = "wards.csv"
DEMO_BOUNDARIES = "wards_boundaries.zip"
GET_DATASET = {"GetDataset": ("getDataset", "dataset_id", "/dataset_id")}


@bp.post(S + "/datasets")
@documented(
    "addDataset",
    "Upload a ward table (CSV/XLSX) and optional boundaries.",
    {
        **made_responses("Dataset", GET_DATASET, "The same files were uploaded before.",
                         new="A new dataset.", new_status="201"),
        "202": linked(
            ok("A large upload, stored and queued to be read by a job.", ref("Upload")),
            GetUpload=("getUpload", "job_id", "/job_id"),
        ),
    },
    body=form_body(
        obj(
            {
                "table": FILE,
                "boundaries": FILE,
                "sheet": {"type": "string", "maxLength": 100},
                "population": FILE,
                "urban": FILE,
                "population_u5": FILE,
                "population_women": FILE,
            },
            ("table",),
            extra=False,
        )
    ),
    errors=("413", "415", "422", "503"),
)
@session_required
def add_dataset(session_id: str) -> Response:
    from chatmrpt.service.datasets import add_dataset as add

    files, fields = read_form(("table", "boundaries", "population", "urban",
                               "population_u5", "population_women"), ("sheet",),
                              required_files=("table",))
    sheet = fields.get("sheet") or None
    if sheet is not None and len(sheet) > 100:
        raise InputError(
            "invalid_parameter", "sheet must be a worksheet name of at most 100 characters."
        )
    sizes = {role: _size(f) for role, f in files.items()}
    from chatmrpt.service.datasets import needs_ingest_job

    if needs_ingest_job(get_runtime(), list(sizes.values())):
        return _stage(session_id, files, sheet)
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
        planning=optional_files(files),
    )
    status = 200 if view.get("reused") else 201
    location = urls.link("dataset", session_id, view["dataset_id"])
    return json_response(view, status, {"Location": location})


def _size(f) -> int:
    stream = f.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _stage(session_id: str, files: dict, sheet: str | None) -> Response:
    """A large upload: copied to disk in blocks, stored, and read by an ingest job."""
    from chatmrpt.jobs.files import display_name
    from chatmrpt.jobs.runner import work_root
    from chatmrpt.service.datasets import stage_dataset

    rt = get_runtime()
    with tempfile.TemporaryDirectory(prefix="upload-", dir=work_root(rt.settings)) as tmp:
        paths = {}
        for role, f in files.items():
            path = Path(tmp) / role
            with open(path, "wb") as out:
                shutil.copyfileobj(f.stream, out, 1 << 20)
            paths[role] = (path, display_name(f.filename or "", role))
        view = stage_dataset(rt, session_id, paths, sheet=sheet)
    location = urls.link("upload", session_id, view["job_id"])
    return json_response(view, 202, {"Location": location})


record_route(
    bp, "/uploads/<job_id>", "getUpload",
    "A large upload being read by its job: status, progress; once it has succeeded, the "
    "same dataset report a smaller upload gets at once.",
    get_upload, what="upload", answer=("The upload.", "Upload"),
)  # fmt: skip


@bp.get(S + "/datasets/<dataset_id>")
@documented("getDataset", "A dataset of the session.", {"200": ok("The dataset.", ref("Dataset"))})
@session_required
def get_dataset(session_id: str, dataset_id: str) -> Response:
    from chatmrpt.jobs.datasets import dataset_view
    from chatmrpt.service.datasets import get_dataset as fetch

    record = fetch(get_runtime(), session_id, check_id(dataset_id, "dataset"))
    body = dataset_view(record, reused=False)
    body.pop("reused", None)
    body["columns"] = (record.get("summary") or {}).get("columns", [])
    body["created_at"] = record.get("created_at")
    return json_response(body)


@bp.post(S + "/demo")
@documented(
    "loadDemoData",
    "Add the server's demo ward table and boundaries to the session, as an upload would "
    "(404 when the server has none).",
    {
        "200": ok("The same demo data was already added.", ref("Dataset")),
        "201": ok("The demo data, added.", ref("Dataset")),
    },
    errors=("413", "415", "422", "503"),
)
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
    location = urls.link("dataset", session_id, view["dataset_id"])
    return json_response(view, status, {"Location": location})
