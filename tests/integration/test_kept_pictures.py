"""Rendered maps kept for reuse (``chatmrpt.service.pictures``), on a real SQLite store.

The key holds everything that changes a picture; a kept picture is the same bytes as a
fresh drawing; a picture store that cannot be read only means drawing again; and two
sessions with the same analysis share the maps of their downloads and reports.
"""

from __future__ import annotations

import base64
import re

import pytest

from chatmrpt.service import pictures
from chatmrpt.service.pictures import chart_key, kept_picture, picture_key
from chatmrpt.service.results import load_unified
from chatmrpt.store.base import StoreUnavailable
from chatmrpt.store.model import Key
from chatmrpt.viz import png
from chatmrpt.web.app import get_runtime
from tests._cluster import SessionClient, ilorin_upload, run_queued_jobs

A = "a" * 64
B = "b" * 64
SIZE = png.MAP_SIZE


def key(analysis=A, what="composite", **kw):
    return picture_key(analysis, what, dpi=kw.pop("dpi", png.DPI), size=kw.pop("size", SIZE), **kw)


# ---- the key --------------------------------------------------------------------------------


def test_the_key_changes_with_whatever_changes_the_picture():
    base = key(what="urban", threshold=50.0, reprioritization_id="r1")
    others = [
        key(analysis=B, what="urban", threshold=50.0, reprioritization_id="r1"),
        key(what="composite"),
        key(what="urban", threshold=75.0, reprioritization_id="r1"),
        key(what="urban", threshold=50.0, reprioritization_id="r2"),
        key(what="urban", threshold=50.0, reprioritization_id="r1", dpi=200),
        key(what="urban", threshold=50.0, reprioritization_id="r1", size=(4.0, 3.0)),
        key(what="urban", threshold=50.0, reprioritization_id="r1", lga_names="c" * 64),
    ]
    assert len({base, *others}) == len(others) + 1
    assert key(what="itn", plan_id="p1") != key(what="itn", plan_id="p2")
    assert key(what="variable", variable="rainfall") != key(what="variable", variable="tpr")


def test_the_key_leaves_out_what_the_map_does_not_show():
    # a plan shows on the ITN map only, a reprioritisation on the urban map only
    assert key(what="composite", plan_id="p1", reprioritization_id="r1") == key(what="composite")
    assert key(what="itn", plan_id="p1", reprioritization_id="r1") == key(what="itn", plan_id="p1")
    assert key(what="urban", threshold=50) == key(what="urban", threshold=50.0)


def test_a_chart_key_changes_with_its_name_record_and_size():
    base = chart_key("report:model_scores", analysis_id=A, dpi=png.DPI)
    others = [
        chart_key("download:model_scores", analysis_id=A, dpi=png.DPI),
        chart_key("report:rank_comparison", analysis_id=A, dpi=png.DPI),
        chart_key("report:model_scores", analysis_id=B, dpi=png.DPI),
        chart_key("report:model_scores", analysis_id=A, n=10, dpi=png.DPI),
        chart_key("report:model_scores", analysis_id=A, dpi=200),
        chart_key("report:model_scores", analysis_id=A, plan_id="p1", dpi=png.DPI),
        key(),
    ]
    assert len({base, *others}) == len(others) + 1


def test_the_key_names_the_drawing_code(monkeypatch):
    before = key()
    monkeypatch.setattr(pictures, "RENDER_VERSION", pictures.RENDER_VERSION + 1)
    assert key() != before


# ---- keeping and finding ----------------------------------------------------------------------


@pytest.fixture
def rt(app):
    return get_runtime(app)


def test_a_kept_picture_is_the_same_bytes_and_is_not_drawn_again(rt):
    drawn = []

    def draw():
        drawn.append(1)
        return b"\x89PNG picture one"

    first = kept_picture(rt, key(), draw)
    again = kept_picture(rt, key(), draw)
    assert again == first == b"\x89PNG picture one"
    assert len(drawn) == 1
    # another key is another picture
    assert kept_picture(rt, key(what="category"), lambda: b"\x89PNG two") == b"\x89PNG two"
    assert kept_picture(rt, key(), lambda: b"never drawn") == first


class _StoreAway:
    """The runtime's store, answering nothing (a Redis outage)."""

    def __init__(self, store):
        self._store = store

    def get(self, key):
        raise StoreUnavailable("The store is not answering.")

    def put(self, key, record):
        raise StoreUnavailable("The store is not answering.")


class _Runtime:
    def __init__(self, rt, store):
        self.store, self.artifacts, self.settings = store, rt.artifacts, rt.settings


def test_a_store_that_does_not_answer_means_drawing(rt):
    away = _Runtime(rt, _StoreAway(rt.store))
    assert kept_picture(away, key(), lambda: b"drawn 1") == b"drawn 1"
    assert kept_picture(away, key(), lambda: b"drawn 2") == b"drawn 2"


def test_a_picture_whose_bytes_are_gone_is_drawn_again(rt):
    kept_picture(rt, key(), lambda: b"kept bytes")
    record = rt.store.get(Key.picture(key()))
    rt.artifacts.delete(record["sha256"])  # retention removed the file
    assert kept_picture(rt, key(), lambda: b"drawn again") == b"drawn again"
    assert kept_picture(rt, key(), lambda: b"not drawn") == b"drawn again"


def test_drawing_errors_reach_the_caller_and_nothing_is_kept(rt):
    def fails():
        raise ValueError("no boundaries")

    with pytest.raises(ValueError, match="no boundaries"):
        kept_picture(rt, key(), fails)
    assert rt.store.get(Key.picture(key())) is None


# ---- through the API: two sessions with the same analysis -------------------------------------


def _analysed(app, client) -> tuple[SessionClient, str]:
    session = SessionClient.create(client)
    assert session.upload(ilorin_upload()).status_code == 201
    r = session.post("/analyses", json={})
    assert r.status_code == 202, r.json
    assert run_queued_jobs(app) == ["succeeded"]
    return session, r.json["analysis_id"]


def _download(session: SessionClient, body) -> bytes:
    r = session.post("/exports", json=body)
    assert r.status_code == 200, (body, r.json)
    got = session.client.get(r.json["artifact"]["url"], headers=session._headers(None))
    assert got.status_code == 200
    return got.data


def _report_pictures(html: bytes) -> list[bytes]:
    return [base64.b64decode(m) for m in
            re.findall(rb'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)]


def test_sessions_with_the_same_analysis_share_their_maps(app, client, monkeypatch):
    drawn: list[str] = []
    real = png.map_png

    def counting(unified, kind, **options):
        drawn.append(kind)
        return real(unified, kind, **options)

    monkeypatch.setattr("chatmrpt.service.views.map_png", counting)
    one, analysis_id = _analysed(app, client)
    two, same_id = _analysed(app, client)
    assert same_id == analysis_id

    first = _download(one, {"what": "map", "kind": "composite", "format": "png"})
    assert drawn == ["composite"]
    assert _download(two, {"what": "map", "kind": "composite", "format": "png"}) == first
    assert drawn == ["composite"]  # the second session's download was not drawn again

    # the report draws its other maps once, and reuses the composite map
    report_one = _download(one, {"what": "report", "format": "html"})
    maps = len(drawn) - 1
    assert maps >= 1 and drawn.count("composite") == 1
    assert first in _report_pictures(report_one)
    report_two = _download(two, {"what": "report", "format": "html"})
    assert len(drawn) - 1 == maps  # none drawn for the second session's report
    assert _report_pictures(report_two) == _report_pictures(report_one)

    # the charts too: the second report's are the first's, not drawn again
    charts: list[str] = []
    for name in ("boxplot_png", "rank_comparison_png", "itn_coverage_png"):
        real_chart = getattr(png, name)
        monkeypatch.setattr(png, name, lambda *a, _f=real_chart, _n=name, **k: (
            charts.append(_n), _f(*a, **k))[1])
    three, _ = _analysed(app, client)
    _download(three, {"what": "report", "format": "html"})
    assert charts == [] and len(drawn) - 1 == maps
    # and a kept picture is what drawing it now would give, byte for byte
    rt = get_runtime(app)
    unified = load_unified(rt, two.id, analysis_id)
    assert real(unified, "composite") == first
    assert real(unified, "category") in _report_pictures(report_two)


def test_a_threshold_or_a_plan_is_another_picture(app, client):
    session, _ = _analysed(app, client)
    body = {"what": "map", "kind": "urban", "format": "png"}
    at_50 = _download(session, {**body, "threshold": 50})
    at_75 = _download(session, {**body, "threshold": 75})
    assert at_50 != at_75
    assert session.post("/itn-plans", json={"total_nets": 40000, "household_size": 5}).status_code == 201
    itn_1 = _download(session, {"what": "map", "kind": "itn", "format": "png"})
    assert session.post("/itn-plans", json={"total_nets": 90000, "household_size": 5}).status_code == 201
    itn_2 = _download(session, {"what": "map", "kind": "itn", "format": "png"})
    assert itn_1 != itn_2
    chart = {"what": "plot", "kind": "itn_by_lga", "format": "png"}
    chart_2 = _download(session, chart)
    assert session.post("/itn-plans", json={"total_nets": 40000, "household_size": 5}
                        ).status_code in (200, 201)
    assert _download(session, chart) != chart_2


def test_chart_downloads_are_shared_and_drawn_once(app, client, monkeypatch):
    one, _ = _analysed(app, client)
    two, _ = _analysed(app, client)
    drawn: list[int] = []
    real = png.boxplot_png
    monkeypatch.setattr(png, "boxplot_png", lambda *a, **k: (drawn.append(1), real(*a, **k))[1])
    body = {"what": "plot", "kind": "model_scores", "format": "png", "n": 10}
    first = _download(one, body)
    assert _download(two, body) == first and len(drawn) == 1
    assert _download(two, {**body, "n": 12}) != first and len(drawn) == 2
