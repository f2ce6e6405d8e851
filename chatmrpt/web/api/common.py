"""What the API's resource modules share: id checks, record views, declared-parameter
checks, conditional requests and CSV downloads.

Request reading is ``chatmrpt.web.inputs``, JSON responses and download headers
``chatmrpt.web.responses``, the error shape ``chatmrpt.web.errors``.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request

from chatmrpt.analysis.declarations import Declared
from chatmrpt.errors import InputError
from chatmrpt.jobs.files import PLANNING_ROLES, PlanningUploads, Upload
from chatmrpt.store.model import FAILED, SUCCEEDED, valid_id
from chatmrpt.web import urls
from chatmrpt.web.inputs import Query, expect_type
from chatmrpt.web.responses import content_disposition, json_response

# every session resource lives under this path (blueprints are mounted at /api)
S = "/sessions/<session_id>"
PREFIX = "/api"
DEFAULT_WARD_LIMIT = 1000
MAX_WARD_LIMIT = 100_000
MAX_OFFSET = 10_000_000
OFFSET = Query("offset", "How many rows to skip.", minimum=0, maximum=MAX_OFFSET, default=0)
LIMIT = Query(
    "limit", "How many rows at most.", minimum=1, maximum=MAX_WARD_LIMIT,
    default=DEFAULT_WARD_LIMIT,
)  # fmt: skip


def not_found(what: str, **details: Any) -> InputError:
    return InputError("not_found", f"There is no such {what} in this session.", details=details)


def check_id(value: str | None, what: str) -> str | None:
    """``value`` when it can be an id (or is absent); otherwise 404 for ``what``."""
    if value is not None and not valid_id(value):
        raise not_found(what)
    return value


def artifact_view(session_id: str, record: dict[str, Any]) -> dict[str, Any]:
    """What clients see of a stored file: id, name, type, size and its download URL."""
    return {
        "id": record["id"],
        "name": record.get("name"),
        "media_type": record.get("media_type"),
        "size": record.get("size"),
        "url": urls.artifact(session_id, record["id"]),
    }


def artifact_views(session_id: str, items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [artifact_view(session_id, a) for a in items or []]


def job_subject_view(record: dict[str, Any], id_field: str, **fields: Any) -> dict[str, Any]:
    """What clients see of work done by a job (an analysis, a TPR run): its id, status and
    progress; the error once failed; the summary and files once succeeded."""
    status = record.get("status")
    out = {
        id_field: record["id"],
        **fields,
        "params": record.get("params"),
        "status": status,
        "progress": record.get("progress"),
        "stage": record.get("stage"),
        "job_id": record.get("job_id"),
        "created_at": record.get("created_at"),
        "started_at": record.get("started_at"),
        "finished_at": record.get("finished_at"),
    }
    if status == FAILED:
        out["error"] = record.get("error")
    if status == SUCCEEDED:
        out["summary"] = record.get("summary")
        out["artifacts"] = artifact_views(record["session_id"], record.get("artifacts"))
    return out


# the JSON types a declared parameter may arrive as (numbers may also come as text)
_JSON_TYPES_OF_KIND: dict[str, tuple[type, ...]] = {
    "count": (int, float, str), "integer": (int, float, str), "number": (int, float, str),
    "choice": (str,), "choice_or_number": (int, float, str), "text": (str,),
    "flag": (bool, str), "numbers": (list, str, int, float), "choices": (list, str),
    "texts": (list, str), "mapping": (dict, list),
}  # fmt: skip


def expect_declared(data: dict[str, Any], params: type[Declared]) -> None:
    """Each declared parameter in ``data`` is of a JSON type it may have (its value is
    checked by the service, against the same declaration)."""
    for o in params.OPTIONS:
        expect_type(data, o.name, *_JSON_TYPES_OF_KIND[o.kind], nullable=not o.required)


def optional_files(files: dict[str, Any]) -> PlanningUploads:
    """The population and built-up file parts present (``PLANNING_ROLES``), read once."""
    return PlanningUploads(**{
        role: Upload(part.read(), part.filename or "")
        for role in PLANNING_ROLES if (part := files.get(role)) is not None
    })


def etag_matches(sha256: str) -> bool:
    """The request's ``If-None-Match`` names ``sha256`` (or ``*``)."""
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}
    return sha256 in tags or "*" in tags


def made(
    session_id: str,
    kind: str,
    record: dict[str, Any],
    body: dict[str, Any],
    *,
    new_status: int = 202,
    reused: bool | None = None,
) -> Response:
    """The answer to a request that made a record (or found the same one again): ``body``
    with ``reused``, status 200 when found again and ``new_status`` when new (202 queued, 201
    made), and the record's URL (``urls.link(kind, ...)``) as ``Location``."""
    body["reused"] = bool(record.get("reused")) if reused is None else reused
    location = urls.link(kind, session_id, record["id"])
    return json_response(body, 200 if body["reused"] else new_status, {"Location": location})


def csv_download(text: str, name: str) -> Response:
    """CSV text as a download named ``name``."""
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition(name)},
    )
