"""Test positivity rate (TPR) from an uploaded DHIS2 facility export (METHODOLOGY §9).

Reading a year of facility-month rows can take seconds, so a TPR run is a job (kind
``tpr``, in ``chatmrpt.jobs.tpr``). Its record is a ``tpr`` record, whose id is the hash of the export's bytes and the normalised parameters (and, with
``join``, of the ward dataset it joins to): submitting the same export again returns the
same run, as analyses do.

Results (artifacts of the run): ``ward_tpr.csv`` — one row per ward, the same table as
``chatmrpt tpr`` writes — and ``tpr_report.json``; with ``by_year`` also
``tpr_by_year.csv`` and ``tpr_trend.csv``. With ``join: true`` the ward TPR is added as a
variable (``u5_tpr_rdt`` for under-fives) to the ward table of the session's current
dataset, and the joined table — with the same boundaries — becomes a *new* dataset of the
session (its id in the run's summary as ``dataset_id``), which is then the current
dataset: the next analysis uses it. The original dataset stays as it was.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.declarations import FACILITY_EXTENSIONS, TprParams
from chatmrpt.analysis.limits import check_workbook
from chatmrpt.artifacts import media_type_for
from chatmrpt.errors import InputError
from chatmrpt.jobs.files import check_size, display_name, suffix_of
from chatmrpt.jobs.retention import discard_blobs
from chatmrpt.service.results import content_id, derived_result, derived_results, submit_run
from chatmrpt.service.sessions import require_session
from chatmrpt.store.base import Txn, artifact_id, link_artifact
from chatmrpt.store.model import TPR, Key, SessionState, valid_id

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

TPR_JOB = "tpr"
FACILITY = "facility"
PARAMS = TprParams.names()
_BINARY_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"\xd0\xcf\x11\xe0",
)


def normalize_tpr_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """The run's parameters in canonical form, checked against their declaration
    (``chatmrpt.analysis.declarations.TprParams``)."""
    return TprParams.from_dict(params).normalized()


def _extension(name: str) -> str:
    ext = suffix_of(name)
    if ext not in FACILITY_EXTENSIONS:
        raise InputError(
            "unsupported_file_type",
            f"{name!r} is not a facility export this tool reads. Export it from DHIS2 as CSV "
            "or XLSX (" + ", ".join(f".{e}" for e in FACILITY_EXTENSIONS) + ").",
            details={"file": name, "allowed": list(FACILITY_EXTENSIONS)},
        )
    return ext


def _sniff(data: bytes, name: str) -> None:
    """Refuse at once what is plainly no table (an image, a PDF...), before queueing a job."""
    head = data[:65536]
    if head.startswith(b"PK\x03\x04"):
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if any(n.lower().endswith("xl/workbook.xml") for n in zf.namelist()):
                    return
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            pass
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text, which the reader decodes
    elif b"\x00" not in head and not head.startswith(_BINARY_SIGNATURES):
        return
    raise InputError(
        "unsupported_file_type",
        f"{name} is not a CSV or XLSX facility export. Export it from DHIS2 as CSV or XLSX.",
        details={"file": name},
    )


def submit_tpr(
    rt: Runtime, session_id: str, data: bytes, filename: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Store a facility export and queue its TPR run; returns the run's record plus
    ``reused`` (True when the same export and parameters already succeeded)."""
    session = require_session(rt, session_id)
    name = display_name(filename, FACILITY)
    ext = _extension(name)
    check_size(len(data), name, rt.settings)
    _sniff(data, name)
    norm = normalize_tpr_params(params)
    if ext in ("xlsx", "xlsm"):  # bounded before a job ever opens it
        check_workbook(data, name, norm.get("sheet"), rt.settings.read_limits())
    dataset_id = None
    if norm["join"]:
        dataset_id = SessionState.of(session).current_dataset
        if not valid_id(dataset_id) or rt.store.get_dataset(session_id, dataset_id) is None:
            raise InputError(
                "invalid_request",
                "join needs a ward table in this session to add the TPR to; upload the ward "
                "table first, or leave join out.",
            )
    sha = hashlib.sha256(data).hexdigest()
    tpr_id = content_id(TPR, facility=sha, params=norm, dataset=dataset_id)
    key = Key.result(TPR, session_id, tpr_id)
    upload = {"kind": "upload", "id": FACILITY}
    facility = {
        "name": name,
        "ext": ext,
        "sha256": sha,
        "size": len(data),
        "artifact_id": artifact_id(upload, name, sha),
    }
    rt.artifacts.put_bytes(data)

    def link(txn: Txn) -> None:
        link_artifact(
            txn,
            {
                "id": facility["artifact_id"],
                "session_id": session_id,
                "sha256": sha,
                "name": name,
                "media_type": media_type_for(name),
                "size": len(data),
                "produced_by": dict(upload, tpr_id=tpr_id),
            },
        )

    record = {
        "id": tpr_id,
        "type": TPR,
        "session_id": session_id,
        "params": norm,
        "facility": facility,
        "join_dataset_id": dataset_id,
        "runs": 0,
    }
    try:
        stored, reused = submit_run(
            rt, session_id, key, TPR_JOB, lambda: record,
            {"session_id": session_id, "tpr_id": tpr_id},
            link=link, after_commit=lambda: rt.artifacts.ensure(sha, data),
        )
    except BaseException:
        discard_blobs(rt, [sha], orphan=True)  # refused: keep nothing of it
        raise
    return dict(stored, reused=reused)


def get_tpr(rt: Runtime, session_id: str, tpr_id: str) -> dict[str, Any]:
    return derived_result(rt, session_id, tpr_id, TPR, "TPR run", "tpr_id")


def list_tpr(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    return derived_results(rt, session_id, TPR)
