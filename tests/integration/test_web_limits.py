"""Requests refused before any work: analysis requests checked synchronously, small items."""

from __future__ import annotations

from hashlib import sha256

import numpy as np
import pandas as pd
import pytest

from chatmrpt.web.app import get_runtime
from tests._cluster import SessionClient, run_queued_jobs


def wide_csv(columns: int = 24, wards: int = 30) -> bytes:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"WardName": [f"Ward {i}" for i in range(wards)]})
    for j in range(columns):
        frame[f"v{j:02d}"] = np.round(rng.random(wards), 4)
    return frame.to_csv(index=False).encode()


@pytest.fixture
def wide(app):
    s = SessionClient.create(app.test_client())
    r = s.upload({"table": ("wide.csv", wide_csv())})
    assert r.status_code == 201, r.json
    return s


@pytest.mark.parametrize(
    "body, code",
    [
        ({"variables": ["v01", "nope"]}, "unknown_variable"),
        ({"variables": ["v01"]}, "too_few_variables"),
        ({"variables": [f"v{j:02d}" for j in range(17)]}, "too_many_variables"),
        ({"directions": {"nope": "inverse"}}, "unknown_variable"),
    ],
)
def test_bad_analysis_requests_are_refused_before_a_job_exists(app, wide, body, code):
    r = wide.post("/analyses", json=body)
    assert r.status_code == 422, r.json
    assert r.json["error"]["code"] == code
    rt = get_runtime(app)
    assert rt.store.list_jobs("queued", "running") == []
    assert rt.store.list_analyses(wide.id) == []


def test_one_ward_is_refused_before_a_job_exists(app):
    s = SessionClient.create(app.test_client())
    assert s.upload({"table": ("one.csv", b"WardName,a,b\nDala,1,2\n")}).status_code == 201
    r = s.post("/analyses", json={})
    assert r.status_code == 422 and r.json["error"]["code"] == "no_usable_variables"
    assert get_runtime(app).store.list_jobs("queued", "running") == []


def test_the_default_selection_of_a_wide_table_is_capped(app, wide):
    r = wide.post("/analyses", json={})
    assert r.status_code == 202, r.json
    assert run_queued_jobs(app) == ["succeeded"]
    summary = wide.get(f"/analyses/{r.json['analysis_id']}").json["summary"]
    assert len(summary["variables"]) == 16
    assert summary["models"] == 2**16 - 17
    assert any("Left out:" in w for w in summary["warnings"])


# ---- nothing kept from a refusal ------------------------------------------------------------


def stored_blobs(app) -> set[str]:
    return {sha for sha, _ in get_runtime(app).artifacts.iter_blobs()}


def frames(app, session_id: str) -> set[str]:
    """The validated ward frames stored at upload for the session's datasets."""
    return {d["frame"]["sha256"] for d in get_runtime(app).store.list_datasets(session_id)}


def test_refused_uploads_leave_no_bytes(app):
    s = SessionClient.create(app.test_client())
    table = b"WardName,a,b\nDala,1,2\nGwale,3,4\n"
    junk = b"PK\x03\x04" + bytes(range(256)) * (5 * 4096)  # 5 MiB that is not a zip
    for i in range(10):
        r = s.upload({"table": ("wards.csv", table + b"Fagge,%d,1\n" % i),
                      "boundaries": ("wards.zip", junk + b"%d" % i)})
        assert r.status_code in (415, 422), r.json
    assert stored_blobs(app) == set()
    assert get_runtime(app).store.list_artifacts(s.id) == []


def test_a_refusal_keeps_bytes_another_session_uses(app):
    table = b"WardName,a,b\nDala,1,2\nGwale,3,4\n"
    first = SessionClient.create(app.test_client())
    assert first.upload({"table": ("wards.csv", table)}).status_code == 201
    kept = stored_blobs(app)
    assert kept == {sha256(table).hexdigest()} | frames(app, first.id)  # the upload, its frame
    second = SessionClient.create(app.test_client())
    r = second.upload({"table": ("wards.csv", table), "boundaries": ("b.zip", b"PK\x03\x04no")})
    assert r.status_code in (415, 422)
    assert stored_blobs(app) == kept
    assert first.get(f"/artifacts/{first.get('/artifacts').json['artifacts'][0]['id']}").data \
        == table


def test_deleting_a_session_removes_blobs_no_one_else_uses(app):
    table = wide_csv(columns=3, wards=12)
    a = SessionClient.create(app.test_client())
    b = SessionClient.create(app.test_client())
    assert a.upload({"table": ("w.csv", table)}).status_code == 201
    assert a.post("/analyses", json={}).status_code == 202
    assert run_queued_jobs(app) == ["succeeded"]
    assert b.upload({"table": ("w.csv", table)}).status_code == 201
    shared = stored_blobs(app)
    a_only = {x["sha256"] for x in get_runtime(app).store.list_artifacts(a.id)}
    upload_sha = {x["sha256"] for x in get_runtime(app).store.list_artifacts(b.id)}
    assert len(a_only) > len(upload_sha) == 1
    # the validated ward frame stored at upload is the same bytes in both sessions
    assert frames(app, a.id) == frames(app, b.id) and len(frames(app, b.id)) == 1
    a_only |= frames(app, a.id)
    upload_sha |= frames(app, b.id)
    assert a.delete().status_code == 200
    assert stored_blobs(app) == upload_sha  # the results went; the shared upload stays
    assert shared - upload_sha == a_only - upload_sha
    assert b.delete().status_code == 200
    assert stored_blobs(app) == set()


# ---- small items ------------------------------------------------------------------------------


def test_a_huge_message_number_is_a_bad_request(app):
    s = SessionClient.create(app.test_client())
    r = s.get("/messages?after=" + "9" * 30)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_request"
    assert s.get("/messages?after=3").status_code == 200


def test_server_errors_name_no_hosts_ports_or_paths(tmp_path):
    from chatmrpt.config import load_settings
    from chatmrpt.web.app import close_runtime, create_app
    from tests._servers import start_redis

    redis = start_redis(tmp_path)
    try:
        app = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                                        "CHATMRPT_STORE_URL": redis.url}))
        c = app.test_client()
        assert c.post("/api/sessions").status_code == 201
        redis.kill()
        for r in (c.post("/api/sessions"), c.get("/readyz")):
            assert r.status_code == 503
            text = r.get_data(as_text=True)
            assert str(redis.port) not in text and "127.0.0.1" not in text
            assert "localhost" not in text and "Error" not in text, text
        close_runtime(app)
    finally:
        redis.kill()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "home2"),
                                    "CHATMRPT_STORE_URL": f"sqlite:///{blocker}/chatmrpt.db"}))
    for r in (app.test_client().post("/api/sessions"), app.test_client().get("/readyz")):
        assert r.status_code == 503
        assert str(tmp_path) not in r.get_data(as_text=True)


def test_too_many_form_parts_get_their_own_message(app):
    s = SessionClient.create(app.test_client())
    fields = {f"f{i}": "x" for i in range(1001)}
    r = s.post("/datasets", data=fields, content_type="multipart/form-data")
    assert r.status_code == 413
    message = r.json["error"]["message"]
    assert "1,000 parts" in message and "MB" not in message


def test_overflowing_values_are_reported(app):
    s = SessionClient.create(app.test_client())
    rows = ["WardName,tpr,rain"] + [f"W{i},{i / 40},{1000 + i}" for i in range(30)]
    rows[3] = "W2,1e308,1002"
    rows[5] = "W4,inf,1004"
    r = s.upload({"table": ("w.csv", "\n".join(rows).encode())})
    assert r.status_code == 201, r.json
    notes = [w for w in r.json["warnings"] if "infinite or larger than" in w]
    assert len(notes) == 1 and "'1e308'" in notes[0] and "'inf'" in notes[0]


def test_a_very_long_file_name_keeps_its_extension(app):
    s = SessionClient.create(app.test_client())
    name = "w" * 5000 + ".csv"
    r = s.upload({"table": (name, wide_csv(columns=3, wards=5))})
    assert r.status_code == 201, r.json
    assert r.json["table"].endswith(".csv") and len(r.json["table"]) <= 200


def test_a_counting_column_is_a_variable_and_row_numbers_are_named_so(app):
    s = SessionClient.create(app.test_client())
    rows = ["S/N,WardName,nets,tpr"] + [f"{i + 1},W{i},{i + 1},{(i * 7) % 10 / 10}"
                                        for i in range(12)]
    r = s.upload({"table": ("w.csv", "\n".join(rows).encode())})
    assert r.status_code == 201, r.json
    assert "nets" in r.json["variables"] and "S/N" not in r.json["variables"]
    ok = s.post("/analyses", json={"variables": ["nets", "tpr"]})
    assert ok.status_code == 202, ok.json
    bad = s.post("/analyses", json={"variables": ["S/N", "tpr"]})
    assert bad.status_code == 422
    assert "row numbers" in bad.json["error"]["message"]
    assert "not numeric" not in bad.json["error"]["message"]


def test_boundaries_over_the_vertex_budget_are_refused(tmp_path):
    import json

    import shapely

    from chatmrpt.config import load_settings
    from chatmrpt.web.app import close_runtime, create_app

    app = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                                    "CHATMRPT_MAX_WARD_VERTICES": "5000",
                                    "CHATMRPT_MAX_VERTICES": "9000"}))
    try:
        s = SessionClient.create(app.test_client())
        table = b"WardName,a,b\nDala,1,2\nGwale,3,4\nFagge,5,1\n"

        def geojson(quad_segs: list[int]) -> bytes:
            features = []
            for i, (name, q) in enumerate(zip(("Dala", "Gwale", "Fagge"), quad_segs,
                                              strict=True)):
                shape = shapely.Point(8 + i, 12).buffer(0.4, quad_segs=q)
                features.append({"type": "Feature", "properties": {"WardName": name},
                                 "geometry": shapely.geometry.mapping(shape)})
            return json.dumps({"type": "FeatureCollection", "features": features}).encode()

        one = s.upload({"table": ("w.csv", table),
                        "boundaries": ("b.geojson", geojson([8, 2000, 8]))})  # 8,001 in Gwale
        assert one.status_code == 422, one.json
        error = one.json["error"]
        assert error["code"] == "boundaries_too_complex" and "Gwale" in error["message"]
        assert error["details"]["max_ward_vertices"] == 5000
        total = s.upload({"table": ("w.csv", table),
                          "boundaries": ("b.geojson", geojson([1000, 1000, 1000]))})
        assert total.status_code == 422 and "in all" in total.json["error"]["message"]
        fine = s.upload({"table": ("w.csv", table),
                         "boundaries": ("b.geojson", geojson([200, 200, 200]))})
        assert fine.status_code == 201, fine.json
        assert {sha for sha, _ in get_runtime(app).artifacts.iter_blobs()} == {
            a["sha256"] for a in get_runtime(app).store.list_artifacts(s.id)} | frames(app, s.id)
    finally:
        close_runtime(app)


# ---- rate limits --------------------------------------------------------------------------------


def limited_app(tmp_path, **rates):
    from chatmrpt.config import load_settings
    from chatmrpt.web.app import create_app

    env = {"CHATMRPT_HOME": str(tmp_path / "home")}
    env.update({f"CHATMRPT_RATE_{k.upper()}": v for k, v in rates.items()})
    return create_app(load_settings(env))


def test_session_creation_is_limited_per_address(tmp_path):
    from chatmrpt.web.app import close_runtime

    app = limited_app(tmp_path, sessions="3/60")
    try:
        c = app.test_client()
        assert [c.post("/api/sessions").status_code for _ in range(3)] == [201, 201, 201]
        r = c.post("/api/sessions")
        assert r.status_code == 429 and r.json["error"]["code"] == "rate_limited"
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        assert "at most 3 a minute" in r.json["error"]["message"]
        other = app.test_client().post("/api/sessions",
                                       environ_overrides={"REMOTE_ADDR": "10.1.2.3"})
        assert other.status_code == 201  # another address has its own count
        assert len(get_runtime(app).store.list("session")) == 4
    finally:
        close_runtime(app)


def test_uploads_messages_and_jobs_are_limited_per_session(tmp_path):
    from chatmrpt.web.app import close_runtime

    # windows of an hour: a loaded machine may take more than a minute over these requests
    # (the first chat message loads the intent model), which must not reopen a window
    app = limited_app(tmp_path, uploads_per_session="2/3600", messages_per_session="2/3600",
                      jobs_per_session="1/3600")
    try:
        s = SessionClient.create(app.test_client())
        table = wide_csv(columns=3, wards=8)
        assert s.upload({"table": ("w.csv", table)}).status_code == 201
        assert s.upload({"table": ("w.csv", table)}).status_code == 200
        r = s.upload({"table": ("w.csv", table)})
        assert r.status_code == 429 and "in this session" in r.json["error"]["message"]
        assert s.post("/analyses", json={}).status_code == 202
        # asking again about the same analysis queues nothing and is not counted
        assert [s.post("/analyses", json={}).status_code for _ in range(3)] == [202] * 3
        r = s.post("/analyses", json={"variables": ["v00", "v01"]})  # new work: over
        assert r.status_code == 429 and "Retry-After" in r.headers
        assert len(get_runtime(app).store.list_analyses(s.id)) == 1
        for expected in (200, 200, 429):
            assert s.post("/messages", json={"text": "hello"}).status_code == expected
        assert s.get("/messages").json["count"] == 4  # two exchanges, nothing of the third
        other = SessionClient.create(app.test_client())  # another session: its own counts
        assert other.upload({"table": ("w.csv", table)}).status_code == 201
        # a request that does not prove its session does not use the session's count
        stranger = app.test_client().post(f"/api/sessions/{other.id}/datasets")
        assert stranger.status_code == 404
        assert other.upload({"table": ("w.csv", table)}).status_code == 200
    finally:
        close_runtime(app)


def test_limits_can_be_switched_off(tmp_path):
    from chatmrpt.web.app import close_runtime

    app = limited_app(tmp_path, sessions="off")
    try:
        c = app.test_client()
        assert {c.post("/api/sessions").status_code for _ in range(5)} == {201}
    finally:
        close_runtime(app)
