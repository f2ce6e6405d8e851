"""Files of a session (uploads and results): the list, and each file's download.

A file's URL names its content (``ETag`` = sha256), so a download is cached for good and
``If-None-Match`` answers 304.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response

from chatmrpt.web.api.common import PREFIX, S, artifact_url, check_id, etag_matches, not_found
from chatmrpt.web.auth import session_required
from chatmrpt.web.responses import content_disposition, json_response, media_type_kwargs
from chatmrpt.web.state import get_runtime

bp = Blueprint("artifacts", __name__, url_prefix=PREFIX)

DOWNLOAD_CHUNK = 64 * 1024


@bp.get(S + "/artifacts")
@session_required
def list_artifacts(session_id: str) -> Response:
    records = get_runtime().store.list_artifacts(session_id)
    items = [
        {
            "id": a["id"],
            "name": a.get("name"),
            "media_type": a.get("media_type"),
            "size": a.get("size"),
            "sha256": a.get("sha256"),
            "produced_by": a.get("produced_by"),
            "created_at": a.get("created_at"),
            "url": artifact_url(session_id, a["id"]),
        }
        for a in records
    ]
    return json_response({"artifacts": items})


@bp.get(S + "/artifacts/<artifact_id>")
@session_required
def download_artifact(session_id: str, artifact_id: str) -> Response:
    from chatmrpt.artifacts import ArtifactMissing

    rt = get_runtime()
    record = rt.store.get_artifact(session_id, check_id(artifact_id, "file"))
    if record is None:
        raise not_found("file")
    sha = record["sha256"]
    headers = {
        "ETag": f'"{sha}"',
        # content-addressed: the bytes behind this URL never change; private: session data
        "Cache-Control": "private, max-age=31536000, immutable",
        "Content-Disposition": content_disposition(record.get("name") or "download"),
        # shown as a download, never run as a page of this site
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if etag_matches(sha):
        return Response(status=304, headers=headers)
    try:
        stream = rt.artifacts.open(sha)
    except ArtifactMissing:
        raise not_found("file") from None

    def chunks() -> Iterator[bytes]:
        try:
            while True:
                block = stream.read(DOWNLOAD_CHUNK)
                if not block:
                    return
                yield block
        finally:
            stream.close()

    response = Response(
        chunks(),
        headers=headers,
        direct_passthrough=True,
        **media_type_kwargs(record.get("media_type")),
    )
    if record.get("size") is not None:
        response.content_length = int(record["size"])
    return response
