"""What the API's resource modules share: id and choice checks, record views, reading
declared parameters, the routes that read a record back, the answers of requests that
make one, conditional requests and CSV downloads.

Request reading is ``chatmrpt.web.inputs``, JSON responses and download headers
``chatmrpt.web.responses``, the error shape ``chatmrpt.web.errors``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, Response, request

from chatmrpt.analysis.declarations import Declared
from chatmrpt.errors import InputError
from chatmrpt.jobs.files import PLANNING_ROLES, PlanningUploads, Upload
from chatmrpt.store.model import FAILED, SUCCEEDED, valid_id
from chatmrpt.web import urls
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import Query, expect_type, read_json
from chatmrpt.web.openapi import documented, linked, ok, ref
from chatmrpt.web.responses import content_disposition, json_response
from chatmrpt.web.state import get_runtime

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


def check_choice(value: str, choices: Sequence[str], what: str) -> str:
    """``value`` when it is one of ``choices`` (a path segment such as a map's kind);
    otherwise 404 naming the choices (``what``: "map" gives "maps: ...")."""
    if value not in choices:
        raise InputError(
            "not_found",
            f"There is no {value[:40]!r} {what}; {what}s: {', '.join(choices)}.",
            details={"choices": list(choices)},
        )
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


def analysis_result_view(
    record: dict[str, Any], id_field: str, lists: tuple[str, ...] = (), **fields: Any
) -> dict[str, Any]:
    """What clients see of a result made from an analysis (an ITN plan, a
    reprioritisation): its id, the analysis, parameters and summary, the ``lists`` and
    warnings (empty when absent), ``fields``, its files and when it was made."""
    return {
        id_field: record["id"],
        "analysis_id": record.get("analysis_id"),
        "params": record.get("params"),
        "summary": record.get("summary"),
        **{name: record.get(name, []) for name in (*lists, "warnings")},
        **fields,
        "artifacts": artifact_views(record["session_id"], record.get("artifacts")),
        "created_at": record.get("created_at"),
    }


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


def read_declared(params: type[Declared], parent: str, what: str) -> tuple[str | None, dict]:
    """A JSON body of the declared ``params`` (those declared required must be there) and
    the id of the record they apply to, ``parent`` (optional; 404 for ``what`` when it
    cannot be an id): that id and the parameters."""
    data = read_json(
        (parent, *params.names()), required=tuple(o.name for o in params.OPTIONS if o.required)
    )
    parent_id = expect_type(data, parent, str)
    expect_declared(data, params)
    check_id(parent_id, what)
    return parent_id, {k: v for k, v in data.items() if k != parent}


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


def made_responses(
    schema: str,
    link: dict[str, tuple[str, str, str]],
    reused: str,
    *,
    new: str = "Queued (or already queued or running).",
    new_status: str = "202",
) -> dict[str, Any]:
    """The documented answers of a request that makes a record (:func:`made`): ``new``
    with ``new_status``, or the same record found again (200, ``reused``), each linked to
    the operation that reads it back."""
    return {
        new_status: linked(ok(new, ref(schema)), **link),
        "200": linked(ok(reused, ref(schema)), **link),
    }


def form_body(schema: dict[str, Any]) -> dict[str, Any]:
    """The documented body of an upload: a multipart form of ``schema``."""
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def record_route(
    bp: Blueprint,
    rule: str,
    op_id: str,
    summary: str,
    fetch: Callable[..., dict[str, Any]],
    *,
    what: str,
    answer: tuple[str, str],
    view: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """Add ``GET {S}{rule}``, one record of the session by the id that ends ``rule``:
    ``fetch(runtime, session_id, id)`` (404 for ``what`` when the id cannot be one) as
    ``view`` shows it; documented as ``op_id`` answering ``answer`` (description, schema).
    The endpoint is named after the service function."""
    id_name = rule.rsplit("<", 1)[1].rstrip(">")

    def read(session_id: str, **ids: str) -> Response:
        record = fetch(get_runtime(), session_id, check_id(ids[id_name], what))
        return json_response(view(record) if view is not None else record)

    read.__name__ = read.__qualname__ = fetch.__name__
    description, schema = answer
    wrapped = documented(op_id, summary, {"200": ok(description, ref(schema))})(
        session_required(read)
    )
    bp.add_url_rule(S + rule, view_func=wrapped, methods=["GET"])


def csv_download(text: str, name: str) -> Response:
    """CSV text as a download named ``name``."""
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition(name)},
    )
