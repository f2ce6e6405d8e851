"""Hostile and broken requests: each gets a clear 4xx, never a 500, and changes nothing."""

from __future__ import annotations

import io
import json
import logging

import pytest

from chatmrpt.config import load_settings
from chatmrpt.logs import JsonFormatter
from chatmrpt.web.app import close_runtime, create_app, get_runtime
from tests._cluster import (
    PNG,
    ilorin_upload,
    run_queued_jobs,
    zip_absolute,
    zip_bomb,
    zip_slip,
    zip_symlink,
)
from tests._servers import start_redis

HEADERS = {
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "X-Request-ID",
}


@pytest.fixture
def settings(tmp_path):
    return load_settings({"CHATMRPT_HOME": str(tmp_path / "home"), "CHATMRPT_MAX_UPLOAD_MB": "1"})


@pytest.fixture
def analysed(app, session):
    assert session.upload(ilorin_upload()).status_code == 201
    assert session.post("/analyses", json={}).status_code == 202
    assert run_queued_jobs(app) == ["succeeded"]
    return session


def check_error(r, status, code=None):
    assert r.status_code == status, (r.status_code, r.data[:300])
    body = r.json
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    if code is not None:
        assert body["error"]["code"] == code, body
    assert "Traceback" not in r.get_data(as_text=True)
    assert set(r.headers.keys()) >= HEADERS
    return body["error"]


def multipart(**files):
    return {k: (io.BytesIO(data), name) for k, (name, data) in files.items()}


def test_uploads_over_the_limit_are_refused_with_413(session):
    before = session.state()
    big = b"WardName,x\n" + b"a,1\n" * 300_000  # 1.2 MB, the limit is 1 MB
    r = session.post(
        "/datasets", data=multipart(table=("big.csv", big)), content_type="multipart/form-data"
    )
    error = check_error(r, 413, "payload_too_large")
    assert "1 MB" in error["message"]
    assert session.state() == before


@pytest.mark.parametrize(
    "files, status, code",
    [
        ({"table": ("wards.csv", PNG)}, 415, "unsupported_file_type"),
        ({"table": ("wards.exe", b"WardName,x\na,1\n")}, 415, "unsupported_file_type"),
        ({"table": ("wards.csv", b"")}, 422, "empty_file"),
        ({"table": ("wards.csv", b"WardName,x\na,1\n"), "boundaries": ("b.zip", PNG)}, 415, None),
        ({"table": ("wards.csv", b"WardName,x\na,1\n"), "boundaries": ("b.zip", zip_slip())}, 422, "unsafe_archive"),
        ({"table": ("wards.csv", b"WardName,x\na,1\n"), "boundaries": ("b.zip", zip_absolute())}, 422, "unsafe_archive"),
        ({"table": ("wards.csv", b"WardName,x\na,1\n"), "boundaries": ("b.zip", zip_symlink())}, 422, "unsafe_archive"),
        ({"table": ("wards.csv", b"WardName,x\na,1\n"), "boundaries": ("b.zip", zip_bomb(4))}, 422, "unsafe_archive"),
        ({"table": ("wards.csv", b"WardName,x\na,1\n"), "boundaries": ("b.zip", b"PK\x03\x04broken")}, 422, None),
        ({"boundaries": ("b.zip", b"x")}, 400, "invalid_request"),
    ],
)  # fmt: skip
def test_bad_uploads_are_refused_and_change_nothing(app, session, files, status, code):
    before = session.state()
    r = session.post("/datasets", data=multipart(**files), content_type="multipart/form-data")
    check_error(r, status, code)
    assert session.state() == before
    assert get_runtime(app).store.list_artifacts(session.id) == []


def test_an_unzipped_bomb_leaves_no_files_behind(app, session, settings):
    r = session.post(
        "/datasets",
        data=multipart(table=("w.csv", b"WardName,x\na,1\n"), boundaries=("b.zip", zip_bomb(4))),
        content_type="multipart/form-data",
    )
    check_error(r, 422, "unsafe_archive")
    scratch = settings.home / "tmp"
    assert not any(p.is_file() for p in scratch.rglob("*"))


@pytest.mark.parametrize(
    "body, content_type, status, code",
    [
        (b"{not json", "application/json", 400, "invalid_request"),
        (b"[1, 2]", "application/json", 400, "invalid_request"),
        (b'"text"', "application/json", 400, "invalid_request"),
        (b'{"total_nets": NaN, "household_size": 5}', "application/json", 400, "invalid_request"),
        (b'{"total_nets": Infinity, "household_size": 5}', "application/json", 400, "invalid_request"),
        (b'{"total_nets": 1e308, "household_size": 5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 1000, "household_size": -5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 1000, "household_size": 0}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": -1, "household_size": 5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 1.5, "household_size": 5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": true, "household_size": 5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": "lots", "household_size": 5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": [1], "household_size": 5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 1000, "household_size": 5, "bale_size": 0.5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 1000, "household_size": 5, "strategy": "greedy"}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 1000, "household_size": 5, "max_ward_share": 10}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 1000, "household_size": 5, "nets": 3}', "application/json", 400, "invalid_request"),
        (b'{"total_nets": 1000}', "application/json", 400, "invalid_request"),
        (b'{"total_nets": 1000, "household_size": 5, "analysis_id": "../../x"}', "application/json", 404, "not_found"),
        (b'{"total_nets": 1000, "household_size": 5}', "text/plain", 415, "unsupported_media_type"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "invalid_request"),
        (b'{"total_nets": ' + b"[" * 900 + b"]" * 900 + b', "household_size": 5}', "application/json", 400, "invalid_parameter"),
        (b'{"total_nets": 9, "household_size": ' + b'{"a":' * 900 + b"1e999" + b"}" * 900 + b"}", "application/json", 400, None),
        (b'{"total_nets": 1' + b"0" * 5000 + b', "household_size": 5}', "application/json", 400, "invalid_request"),
        (b'{"a": "' + b"x" * (1024 * 1024) + b'"}', "application/json", 413, "payload_too_large"),
        (b"\xff\xfe\x00", "application/json", 400, "invalid_request"),
    ],
)  # fmt: skip
def test_bad_plan_requests(analysed, body, content_type, status, code):
    s = analysed
    before = s.state()
    r = s.post("/itn-plans", data=body, content_type=content_type)
    error = check_error(r, status, code)
    assert error["message"]
    assert s.state() == before


@pytest.mark.parametrize(
    "path, body",
    [
        ("/analyses", {"variables": 5}),
        ("/analyses", {"variables": [f"v{i}" for i in range(40)]}),
        ("/analyses", {"normalization": "cubic"}),
        ("/analyses", {"directions": {"rainfall": "sideways"}}),
        ("/analyses", {"urban_thresholds": [float("1e300")]}),
        ("/analyses", {"methods": ["magic"]}),
        ("/analyses", {"dataset_id": {"$ne": 1}}),
        ("/analyses", {"unknown": 1}),
        ("/reprioritizations", {"thresholds": list(range(100))}),
        ("/reprioritizations", {"thresholds": [120]}),
        ("/reprioritizations", {"target": -1}),
        ("/reprioritizations", {"method": ["pca"]}),
        ("/reprioritizations", {"target": 30, "extra": True}),
    ],
)
def test_bad_parameters_elsewhere(analysed, path, body):
    s = analysed
    before = s.state()
    r = s.post(path, json=body)
    assert r.status_code in (400, 404, 422), r.json
    check_error(r, r.status_code)
    assert s.state() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/sessions/..%2f..%2fetc%2fpasswd",
        "/api/sessions/%2e%2e",
        "/api/sessions/abc%00def",
        "/api/sessions/" + "a" * 300,
        "/api/sessions/%E2%80%AEabc",
        "/api/sessions/{sid}/artifacts/..%2f..%2fsecret_key",
        "/api/sessions/{sid}/artifacts/%00",
        "/api/sessions/{sid}/artifacts/" + "b" * 250,
        "/api/sessions/{sid}/artifacts/sha256%2Fab%2Fabc",
        "/api/sessions/{sid}/datasets/..%5c..%5cx",
        "/api/sessions/{sid}/analyses/..",
        "/api/sessions/{sid}/analyses/a%00b/wards",
        "/api/sessions/{sid}/itn-plans/%252e%252e",
        "/api/sessions/{sid}/tpr/|",
        "/api/sessions/{sid}/reprioritizations/a|b",
        "/api/sessions/{sid}/../../healthz",
    ],
)
def test_traversal_and_odd_ids_are_not_found(app, session, path):
    before = session.state()
    r = session.client.get(
        path.format(sid=session.id), headers={"Authorization": f"Bearer {session.token}"}
    )
    assert r.status_code in (400, 404), (path, r.status_code)
    if r.status_code != 200:
        check_error(r, r.status_code)
    assert session.state() == before


def test_unknown_routes_and_methods_answer_json(app):
    c = app.test_client()
    check_error(c.get("/nope"), 404, "not_found")
    r = c.put("/api/sessions")
    err = check_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "OPTIONS, POST" and err["details"]["allowed"] == [
        "OPTIONS",
        "POST",
    ]
    check_error(c.post("/api/sessions", data=b'{"x": 1}', content_type="application/json"), 400)


def test_security_headers_and_request_ids(app, session):
    for r in (
        session.get(),
        app.test_client().get("/"),
        app.test_client().get("/healthz"),
        app.test_client().get("/missing"),
    ):
        assert set(r.headers.keys()) >= HEADERS
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert (
            "unsafe-eval" not in csp
            and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        )
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    given = session.get(headers={"X-Request-ID": "trace-1234-abcd"})
    assert given.headers["X-Request-ID"] == "trace-1234-abcd"
    refused = session.get(headers={"X-Request-ID": "bad id\twith tab"})
    assert refused.headers["X-Request-ID"] != "bad id\twith tab"
    assert len(refused.headers["X-Request-ID"]) == 32


def test_a_server_error_shows_no_internals(app, caplog):
    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("secret internal detail /etc/passwd")

    caplog.set_level(logging.INFO)
    r = app.test_client().get("/test-only/boom", headers={"X-Request-ID": "req-boom-0001"})
    error = check_error(r, 500, "internal_error")
    text = r.get_data(as_text=True)
    assert "secret" not in text and "passwd" not in text and "RuntimeError" not in text
    assert error["details"] == {"request_id": "req-boom-0001"}
    logged = [rec for rec in caplog.records if rec.exc_info]
    assert logged and getattr(logged[0], "request_id", None) == "req-boom-0001"
    line = json.loads(JsonFormatter().format(logged[0]))
    assert line["exc_type"] == "RuntimeError" and "secret internal detail" in line["exc"]


def test_one_json_log_line_per_request_without_secrets(app, caplog):
    caplog.set_level(logging.INFO, logger="chatmrpt.web.access")
    c = app.test_client()
    created = c.post("/api/sessions").json
    c.get(f"/api/sessions/{created['id']}", headers={"Authorization": f"Bearer {created['token']}"})
    app.test_client().get(f"/api/sessions/{created['id']}?token={created['token']}")
    lines = [
        json.loads(JsonFormatter().format(rec))
        for rec in caplog.records
        if rec.name == "chatmrpt.web.access"
    ]
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("POST", "/api/sessions", 201),
        ("GET", "/api/sessions/<session_id>", 200),
        ("GET", "/api/sessions/<session_id>", 404),
    ]
    assert [line["session_id"] for line in lines] == [created["id"], created["id"], None]
    for line in lines:
        assert {"request_id", "duration_ms", "host", "pid", "ts", "level"} <= set(line)
        assert created["token"] not in json.dumps(line)
        assert created["csrf_token"] not in json.dumps(line)


def test_readiness_when_the_store_goes_away(tmp_path):
    redis = start_redis(tmp_path)
    try:
        app = create_app(
            load_settings(
                {"CHATMRPT_HOME": str(tmp_path / "home"), "CHATMRPT_STORE_URL": redis.url}
            )
        )
        c = app.test_client()
        get_runtime(app).store.beat("consumer", "here", 1, 0.0)
        assert c.get("/readyz").status_code == 200
        redis.kill()
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json["store"]["ok"] is False and r.json["status"] == "not ready"
        assert "the store does not answer" in r.json["problems"]
        assert c.get("/healthz").status_code == 200  # alive, just not ready
        # requests needing the store answer 503 store_unavailable, not 500
        check_error(c.post("/api/sessions"), 503, "store_unavailable")
        assert "chatmrpt_store_up 0.0" in c.get("/metrics").get_data(as_text=True)
        close_runtime(app)
    finally:
        redis.kill()


def test_readiness_when_the_store_cannot_be_opened(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = create_app(
        load_settings(
            {
                "CHATMRPT_HOME": str(tmp_path / "home"),
                "CHATMRPT_STORE_URL": f"sqlite:///{blocker}/chatmrpt.db",
            }
        )
    )
    r = app.test_client().get("/readyz")
    assert r.status_code == 503 and r.json["store"]["ok"] is False
    # a store that cannot be opened is unavailable, not a server bug
    r = app.test_client().post("/api/sessions")
    check_error(r, 503, "store_unavailable")
