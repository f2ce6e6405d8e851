"""Sessions: create one (its id and secret token), read its state, delete it."""

from __future__ import annotations

from flask import Blueprint, Response, g

from chatmrpt.web import urls
from chatmrpt.web.api.common import PREFIX, S
from chatmrpt.web.auth import COOKIE, csrf_token, session_required, sign_in, sign_out
from chatmrpt.web.inputs import read_json
from chatmrpt.web.openapi import documented, json_content, obj, ok, ref
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

bp = Blueprint("sessions", __name__, url_prefix=PREFIX)


@bp.post("/sessions")
@documented(
    "createSession",
    "Create a session; returns its id and secret token (and sets the cookie).",
    {"201": ok("The new session.", ref("NewSession"))},
    body={"required": False, "content": json_content(obj({}, extra=False))},
    errors=("413", "415"),
)
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
    return json_response(body, 201, {"Location": urls.link("session", record["id"])})


@bp.get(S)
@documented(
    "getSession",
    "The session's state: datasets, analyses, plans, message count, version.",
    {"200": ok("The session.", ref("Session"))},
)
@session_required
def get_session(session_id: str) -> Response:
    from chatmrpt.service.sessions import describe_session

    body = describe_session(get_runtime(), session_id)
    if g.auth_method == COOKIE:
        body["csrf_token"] = csrf_token(session_id)
    return json_response(body)


@bp.delete(S)
@documented(
    "deleteSession",
    "Delete the session and everything in it.",
    {"200": ok("Deleted.", ref("Deleted"))},
    errors=("409",),
)
@session_required
def delete_session(session_id: str) -> Response:
    from chatmrpt.service.sessions import delete_session as remove

    remove(get_runtime(), session_id)
    sign_out(session_id)
    return json_response({"id": session_id, "deleted": True})
