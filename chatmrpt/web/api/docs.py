"""The API's description (OpenAPI 3), built from the routes the app serves."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from chatmrpt.web.api.common import PREFIX
from chatmrpt.web.openapi import build_spec
from chatmrpt.web.responses import json_response

bp = Blueprint("docs", __name__, url_prefix=PREFIX)


@bp.get("/openapi.json")
def openapi() -> Response:
    return json_response(build_spec(current_app), headers={"Cache-Control": "no-cache"})
