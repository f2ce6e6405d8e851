"""The event stream's two answers: a held stream (a slot of the worker) and, with every slot
taken, an immediate answer of what is pending with a ``retry:`` hint (the browser polls)."""

from __future__ import annotations

import json

from chatmrpt.web.api.events import stream_slots
from chatmrpt.web.serving import held_streams
from tests._cluster import ilorin_upload, run_queued_jobs


def _blocks(text: str) -> list[dict[str, str]]:
    blocks = []
    for raw in text.split("\n\n"):
        fields = {}
        for line in raw.split("\n"):
            if line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value
        if fields:
            blocks.append(fields)
    return blocks


def _finished_job(app, session) -> None:
    assert session.upload(ilorin_upload()).status_code == 201
    assert session.post("/analyses", json={}).status_code == 202
    assert run_queued_jobs(app) == ["succeeded"]


def test_busy_worker_answers_pending_events_at_once_with_a_retry_hint(app, session):
    app.config.update(SSE_MAX_SECONDS=30.0, SSE_HELD_STREAMS=1, SSE_BUSY_RETRY_SECONDS=8.0)
    _finished_job(app, session)
    slots = stream_slots(app)
    assert slots.acquire(blocking=False)  # another stream holds this worker's only slot
    try:
        r = session.get("/events")
        assert r.status_code == 200 and r.mimetype == "text/event-stream"
        blocks = _blocks(r.data.decode())
        retry_ms = int(blocks[0]["retry"])
        assert 6000 <= retry_ms <= 10000  # 8 s spread by a quarter either way
        events = blocks[1:]
        ids = [int(b["id"]) for b in events]
        assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 4
        assert events[0]["event"] == "dataset.added" and events[-1]["event"] == "job.succeeded"
        assert json.loads(events[-1]["data"])["seq"] == ids[-1]
        # the browser comes back with the last id it saw: only what came since
        again = session.get("/events", headers={"Last-Event-ID": str(ids[-2])}).data.decode()
        assert [b.get("id") for b in _blocks(again)] == [None, str(ids[-1])]
        nothing = session.get("/events", headers={"Last-Event-ID": str(ids[-1])}).data.decode()
        assert [list(b) for b in _blocks(nothing)] == [["retry"]]
    finally:
        slots.release()


def test_held_stream_gives_its_slot_back(app, session):
    app.config.update(SSE_MAX_SECONDS=0.3, SSE_POLL_SECONDS=0.05, SSE_HELD_STREAMS=1)
    _finished_job(app, session)
    held = session.get("/events").data.decode()
    # a held stream: the short reconnection delay, and the slot free again once it ended
    assert _blocks(held)[0]["retry"] == "2000"
    assert _blocks(held)[-1]["event"] == "job.succeeded"
    slots = stream_slots(app)
    assert slots.acquire(blocking=False)
    slots.release()
    # a stream dropped by its client before the end gives the slot back too
    response = session.get("/events", buffered=False)
    first = next(iter(response.response))
    assert first.startswith(b"retry: 2000")
    assert not slots.acquire(blocking=False)
    response.close()
    assert slots.acquire(blocking=False)
    slots.release()


def test_no_held_streams_when_a_worker_has_one_thread():
    assert held_streams(1) == 0
    assert held_streams(4) == 1
    assert held_streams(8) == 2
    assert held_streams(32) == 8
