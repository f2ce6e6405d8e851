"""Sessions: create one (its id and secret token), read its state, delete it."""

from __future__ import annotations

from flask import Blueprint, Response, g

from chatmrpt.web.api.common import PREFIX, S
from chatmrpt.web.auth import COOKIE, csrf_token, session_required, sign_in, sign_out
from chatmrpt.web.inputs import read_json
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("sessions", __name__, url_prefix=PREFIX)


@bp.post("/sessions")
def create_session() -> Response:
    from chatmrpt.service.sessions import create_session as new_session
    from chatmrpt.service.sessions import hash_token

    read_json(allowed=())
    record, token = new_session(get_runtime())
    sign_in(record["id"], hash_token(token))
    g.session_id = record["id"]
    body = {
        "id": record["id"],
        "token": token,
        "csrf_token": csrf_token(record["id"]),
        "created_at": record.get("created_at"),
        "expires_at": record.get("expires_at"),
    }
    return json_response(body, 201, {"Location": f"/api/sessions/{record['id']}"})


@bp.get(S)
@session_required
def get_session(session_id: str) -> Response:
    from chatmrpt.service.sessions import describe_session

    body = describe_session(get_runtime(), session_id)
    if g.auth_method == COOKIE:
        body["csrf_token"] = csrf_token(session_id)
    return json_response(body)


@bp.delete(S)
@session_required
def delete_session(session_id: str) -> Response:
    from chatmrpt.service.sessions import delete_session as remove

    remove(get_runtime(), session_id)
    sign_out(session_id)
    return json_response({"id": session_id, "deleted": True})
