"""Rendered maps and charts kept for reuse by every session, worker and machine.

A map picture is a pure function of the analysis (whose id is the hash of its data and
parameters), the map's options (kind, variable, threshold, the plan or reprioritisation
it shows, which are records of that analysis) and the drawing code; a chart, of the
analysis or the ITN plan it is drawn from. Drawing a map takes
seconds, and every report draws six: so the bytes go to artifact storage and a small
shared record (kind ``picture``) maps the key of everything that affects the picture to
them. Any worker finds it there; nothing is held in a process.

The picture store is only a shortcut. The record does not keep the bytes alive
(retention may delete them like any file no session references), and when the record,
the bytes or the store itself cannot be read, the picture is drawn again, exactly as
without it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import PIL

from chatmrpt.errors import ChatMRPTError
from chatmrpt.service.results import content_id
from chatmrpt.store.model import Key, now

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

log = logging.getLogger(__name__)

# Raise when the drawing code changes what a picture looks like: every kept picture is
# then drawn again. The libraries that draw and encode it are part of the key too, so
# machines on different versions never hand each other their pictures.
RENDER_VERSION = 1
_DRAWN_WITH = f"matplotlib {matplotlib.__version__}; pillow {PIL.__version__}"


def picture_key(
    analysis_id: str,
    what: str,
    *,
    variable: str | None = None,
    threshold: float | None = None,
    plan_id: str | None = None,
    reprioritization_id: str | None = None,
    dpi: int,
    size: tuple[float, float],
    lga_names: str | None = None,
) -> str:
    """The key of a map picture: everything that changes its pixels.

    A plan only shows on the ITN map and a reprioritisation only on the urban map, so
    they are left out of the other maps' keys (the composite map of an analysis is one
    picture whichever plan the session has). ``lga_names``: the hash of the deployment's
    LGA names file, which names the LGAs of the ward table when it has codes only.
    """
    return content_id(
        "picture",
        render=RENDER_VERSION,
        drawn_with=_DRAWN_WITH,
        analysis=analysis_id,
        map=what,
        variable=variable,
        threshold=None if threshold is None else float(threshold),
        plan=plan_id if what == "itn" else None,
        reprioritization=reprioritization_id if what == "urban" else None,
        dpi=int(dpi),
        size=[float(s) for s in size],
        lga_names=lga_names,
    )


def chart_key(
    chart: str,
    *,
    analysis_id: str | None = None,
    plan_id: str | None = None,
    n: int | None = None,
    dpi: int,
    lga_names: str | None = None,
) -> str:
    """The key of a chart picture: its name (a report's chart is named apart from the
    download of the same chart: its labels differ), the analysis or ITN plan it is
    drawn from, the number of wards it shows, and the drawing code."""
    return content_id(
        "picture",
        render=RENDER_VERSION,
        drawn_with=_DRAWN_WITH,
        chart=chart,
        analysis=analysis_id,
        plan=plan_id,
        n=None if n is None else int(n),
        dpi=int(dpi),
        lga_names=lga_names,
    )


def lga_names_digest(rt: Runtime) -> str | None:
    """The hash of the deployment's LGA names file (``load_unified`` applies it), if any.
    The file is read once per version (its size and modification time)."""
    path = rt.settings.lga_names_file
    if path is None:
        return None
    try:
        st = Path(path).stat()
        return _file_digest(str(path), st.st_size, st.st_mtime_ns)
    except OSError:
        return "unreadable"


@functools.lru_cache(maxsize=16)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """The hash of the file at ``path``, as it is at that size and modification time."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def kept_picture(rt: Runtime, key: str, draw: Callable[[], bytes]) -> bytes:
    """The picture under ``key``: the kept bytes, or ``draw()`` (then kept for next time).

    Errors of ``draw`` reach the caller unchanged; a picture store that cannot be read
    or written only means drawing.
    """
    found = _read(rt, key)
    if found is not None:
        return found
    data = draw()
    _keep(rt, key, data)
    return data


def _read(rt: Runtime, key: str) -> bytes | None:
    try:
        record = rt.store.get(Key.picture(key))
        if record is None:
            return None
        return rt.artifacts.read_bytes(record["sha256"])
    except (ChatMRPTError, OSError, KeyError, ValueError) as exc:
        # gone (retention), storage away, or a record of another shape: draw it again
        log.info("kept picture %s not read (%s); drawing it", key[:12], exc)
        return None


def _keep(rt: Runtime, key: str, data: bytes) -> None:
    try:
        sha = rt.artifacts.put_bytes(data)
        record: dict[str, Any] = {"id": key, "sha256": sha, "size": len(data), "kept_at": now()}
        rt.store.put(Key.picture(key), record)
    except (ChatMRPTError, OSError) as exc:
        log.warning("picture %s not kept (%s)", key[:12], exc)
