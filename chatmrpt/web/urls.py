"""The one place the API's URLs are built.

Views use these for ``Location`` headers and download links; the service and the chat,
which must not know the web's paths, are handed :func:`link` as a callable (a map's
traces name its shapes by URL) or give back ids and kinds that the views turn into URLs
here. A leaf: it imports nothing of the web package. Paths are relative to the site, as
they always were (``/api/sessions/...``).
"""

from __future__ import annotations

SESSIONS = "/api/sessions"
# resource kind -> its path under the session, with ``{id}`` for the record's id
PATHS = {
    "session": "",
    "dataset": "/datasets/{id}",
    "prepared": "/prepared-datasets/{id}",
    "covariates": "/covariates/{id}",
    "analysis": "/analyses/{id}",
    "plan": "/itn-plans/{id}",
    "reprioritization": "/reprioritizations/{id}",
    "tpr": "/tpr/{id}",
    "upload": "/uploads/{id}",
    "artifact": "/artifacts/{id}",
    "shapes": "/analyses/{id}/shapes",
    "lga_shapes": "/analyses/{id}/lga-shapes",
}


def link(kind: str, session_id: str, item_id: str = "") -> str:
    """The URL of the ``kind`` record ``item_id`` of the session (``kind`` in ``PATHS``)."""
    try:
        path = PATHS[kind]
    except KeyError:
        raise ValueError(f"no URL for {kind!r}; kinds: {', '.join(PATHS)}") from None
    return f"{SESSIONS}/{session_id}" + path.format(id=item_id)


def artifact(session_id: str, artifact_id: str) -> str:
    return link("artifact", session_id, artifact_id)


def with_urls(session_id: str, items: list[dict] | None) -> list[dict]:
    """Artifact references (``{"id", ...}``, as the chat gives them) with their URLs."""
    return [
        {**item, "url": artifact(session_id, item["id"])}
        if isinstance(item, dict) and isinstance(item.get("id"), str) else item
        for item in items or []
    ]
