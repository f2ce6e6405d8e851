"""The HTTP API end to end through the Flask test client, on a real SQLite store.

Jobs run either in a real consumer thread (the whole flow) or inline with
``execute_job`` (deterministic), never mocked.
"""

from __future__ import annotations

import io
import json
import threading

import pytest
from openapi_spec_validator import validate

from chatmrpt.jobs.consumer import run_consumers
from chatmrpt.web.app import close_runtime, create_app, get_runtime
from tests._cluster import SessionClient, ilorin_upload, run_queued_jobs, wait_for


@pytest.fixture
def analysed(app, session):
    """A session with the Ilorin wards uploaded and analysed."""
    assert session.upload(ilorin_upload()).status_code == 201
    r = session.post("/analyses", json={})
    assert r.status_code == 202, r.json
    assert run_queued_jobs(app) == ["succeeded"]
    return session, r.json["analysis_id"]


def test_session_creation_sets_a_safe_cookie(client):
    r = client.post("/api/sessions")
    assert r.status_code == 201
    body = r.json
    assert set(body) >= {"id", "token", "csrf_token", "expires_at"}
    assert r.headers["Location"] == f"/api/sessions/{body['id']}"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("chatmrpt_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here
    assert body["token"] not in cookie  # the cookie carries a proof, never the token
    assert r.headers["Cache-Control"] == "no-store"


def test_the_whole_flow_with_a_consumer_running(app, client, settings):
    stop = threading.Event()
    consumer = threading.Thread(
        target=run_consumers,
        args=(settings, 1, stop),
        kwargs={"grace_s": 5, "kind_modules": ("chatmrpt.jobs.tpr",)},
    )
    consumer.start()
    try:
        s = SessionClient.create(client)
        r = s.upload(ilorin_upload())
        assert r.status_code == 201, r.json
        dataset = r.json
        assert dataset["wards"] == 35 and dataset["has_boundaries"] is True
        assert {"population", "urban_percentage"} <= set(dataset["variables"])
        assert r.headers["Location"].endswith(dataset["dataset_id"])
        # the same files again: the same dataset, 200
        again = s.upload(ilorin_upload())
        assert again.status_code == 200 and again.json["dataset_id"] == dataset["dataset_id"]
        assert again.json["reused"] is True

        r = s.post("/analyses", json={})
        assert r.status_code == 202
        first = r.json
        assert first["status"] == "queued" and first["reused"] is False
        done = wait_for(
            lambda: (
                (a := s.get(f"/analyses/{first['analysis_id']}").json)["status"]
                in ("succeeded", "failed")
                and a
            ),
            60,
            "the analysis",
        )
        assert done["status"] == "succeeded", done.get("error")
        assert done["progress"] == 1.0 and done["summary"]["wards"] == 35
        assert done["job_id"] == first["job_id"]
        assert {a["name"] for a in done["artifacts"]} >= {
            "unified_dataset.csv",
            "unified_dataset.geoparquet",
            "analysis.json",
        }
        r = s.post("/analyses", json={"methods": ["pca", "composite"]})
        assert r.status_code == 200 and r.json["reused"] is True
        assert r.json["analysis_id"] == first["analysis_id"]
        assert r.json["job_id"] == first["job_id"]  # no second job

        state = s.state()
        assert state["state"]["current_analysis"] == first["analysis_id"]
        assert [a["status"] for a in state["analyses"]] == ["succeeded"]
    finally:
        stop.set()
        consumer.join(30)
    assert not consumer.is_alive()


def test_wards_are_ranked_filtered_and_exported(analysed):
    s, aid = analysed
    r = s.get(f"/analyses/{aid}/wards")
    assert r.status_code == 200
    body = r.json
    assert body["total"] == 35 and len(body["wards"]) == 35
    ranks = [w["composite_rank"] for w in body["wards"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert "geometry" not in body["columns"]

    page = s.get(f"/analyses/{aid}/wards?limit=5&offset=5").json
    assert [w["composite_rank"] for w in page["wards"]] == ranks[5:10]
    high = s.get(f"/analyses/{aid}/wards?category=High").json
    assert high["total"] == 35 // 3
    assert {w["composite_category"] for w in high["wards"]} == {"High"}
    by_name = s.get(f"/analyses/{aid}/wards?sort=WardName").json["wards"]
    assert [w["WardName"] for w in by_name] == sorted(w["WardName"] for w in by_name)
    found = s.get(f"/analyses/{aid}/wards?q=balogun").json["wards"]
    assert found and all("balogun" in w["WardName"].lower() for w in found)

    csv = s.get(f"/analyses/{aid}/wards?format=csv&category=Low")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    lines = csv.data.decode().strip().splitlines()
    assert len(lines) == 1 + 35 // 3 and lines[0].startswith("WardName,")

    assert s.get(f"/analyses/{aid}/wards?sort=nonsense").status_code == 400
    assert s.get(f"/analyses/{aid}/wards?limit=0").status_code == 400


def test_itn_plan_is_idempotent_and_readable(analysed):
    s, aid = analysed
    r = s.post("/itn-plans", json={"total_nets": 60_000, "household_size": 5})
    assert r.status_code == 201, r.json
    plan = r.json
    assert plan["analysis_id"] == aid and plan["reused"] is False
    assert plan["summary"]["nets_allocated"] <= 60_000
    assert plan["summary"]["wards"] == 35
    assert {a["name"] for a in plan["artifacts"]} == {
        "itn_plan.csv",
        "itn_plan.json",
        "itn_plan_by_lga.csv",
    }
    # the same plan, spelled differently: the same id, nothing new stored
    same = s.post(
        "/itn-plans",
        json={"total_nets": "60,000", "household_size": "5", "analysis_id": aid, "buffer": 1},
    )
    assert same.status_code == 200 and same.json["plan_id"] == plan["plan_id"]
    assert same.json["reused"] is True
    other = s.post("/itn-plans", json={"total_nets": "30k", "household_size": 5})
    assert other.status_code == 201 and other.json["plan_id"] != plan["plan_id"]

    detail = s.get(f"/itn-plans/{plan['plan_id']}?limit=10").json
    assert detail["summary"] == plan["summary"]
    assert len(detail["wards"]) == 10 and detail["wards_total"] == 35
    assert (
        detail["by_lga"] and detail["totals"]["nets_allocated"] == plan["summary"]["nets_allocated"]
    )
    state = s.state()
    assert state["state"]["last_plan"] == other.json["plan_id"]
    assert {p["plan_id"] for p in state["plans"]} == {plan["plan_id"], other.json["plan_id"]}

    assert s.get("/itn-plans/" + "0" * 64).status_code == 404


def test_planning_waits_for_a_finished_analysis(app, session):
    assert session.upload(ilorin_upload()).status_code == 201
    r = session.post("/itn-plans", json={"total_nets": 1000, "household_size": 5})
    assert r.status_code == 409 and r.json["error"]["code"] == "analysis_not_ready"
    queued = session.post("/analyses", json={}).json
    r = session.post(
        "/itn-plans",
        json={"total_nets": 1000, "household_size": 5, "analysis_id": queued["analysis_id"]},
    )
    assert r.status_code == 409 and r.json["error"]["code"] == "analysis_not_ready"
    assert "queued" in r.json["error"]["message"]
    assert session.get(f"/analyses/{queued['analysis_id']}/wards").status_code == 409


def test_a_failed_analysis_says_why(app, session):
    assert session.upload(ilorin_upload()).status_code == 201
    r = session.post("/analyses", json={"variables": ["no_such_column", "distance"]})
    assert r.status_code == 422  # refused at once: the dataset has no such column
    assert r.json["error"]["code"] == "unknown_variable"
    assert "no_such_column" in r.json["error"]["message"]
    assert run_queued_jobs(app) == []
    # what only the data shows fails in the job, and the analysis says why
    rows = ["WardName,distance,sparse"] + [f"W{i},{i * 3 % 11},{i if i < 2 else ''}"
                                          for i in range(20)]
    assert session.upload({"table": ("sparse.csv", "\n".join(rows).encode())}).status_code \
        == 201
    r = session.post("/analyses", json={"variables": ["sparse", "distance"]})
    assert r.status_code == 202
    assert run_queued_jobs(app) == ["failed"]
    a = session.get(f"/analyses/{r.json['analysis_id']}").json
    assert a["status"] == "failed"
    assert a["error"]["code"] == "too_few_variables"
    assert "sparse" in a["error"]["message"]
    assert "summary" not in a


def test_reprioritization(analysed):
    s, aid = analysed
    r = s.post("/reprioritizations", json={"thresholds": [30, 50], "target": 20})
    assert r.status_code == 200, r.json
    body = r.json
    assert [row["threshold"] for row in body["summary"]] == [30.0, 50.0]
    assert body["selected"] and all(w["urban_share"] > w["threshold"] for w in body["selected"])
    assert {a["name"] for a in body["artifacts"]} == {
        "reprioritization.csv",
        "reprioritization.json",
    }
    again = s.post("/reprioritizations", json={"thresholds": "30,50", "target": "20"})
    assert again.json["reprioritization_id"] == body["reprioritization_id"]
    assert again.json["reused"] is True and again.json["selected"] == body["selected"]
    stored = s.get(f"/reprioritizations/{body['reprioritization_id']}")
    assert stored.status_code == 200 and stored.json["summary"] == body["summary"]
    listed = s.state()["reprioritizations"]
    assert [x["reprioritization_id"] for x in listed] == [body["reprioritization_id"]]
    bad = s.post("/reprioritizations", json={"target": 0})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_parameter"


def test_artifacts_download_with_etag_and_safe_names(analysed):
    s, _ = analysed
    listing = s.get("/artifacts").json["artifacts"]
    names = {a["name"] for a in listing}
    assert {"ilorin_variables.csv", "ilorin_wards.zip", "unified_dataset.csv"} <= names
    art = next(a for a in listing if a["name"] == "unified_dataset.csv")
    r = s.get(f"/artifacts/{art['id']}")
    assert r.status_code == 200 and len(r.data) == art["size"]
    assert r.headers["ETag"] == f'"{art["sha256"]}"'
    assert "immutable" in r.headers["Cache-Control"]
    assert r.headers["Content-Disposition"] == 'attachment; filename="unified_dataset.csv"'
    assert "sandbox" in r.headers["Content-Security-Policy"]
    assert r.data.decode().startswith("WardName,")
    cached = s.get(f"/artifacts/{art['id']}", headers={"If-None-Match": r.headers["ETag"]})
    assert cached.status_code == 304 and cached.data == b""


def test_a_hostile_file_name_never_reaches_a_header_or_a_path(app, session):
    table = ilorin_upload()["table"][1]
    r = session.upload({"table": ("../../etc/evil; x=1 Ilọrin.csv", table)})
    assert r.status_code == 201, r.json
    assert r.json["table"] == "evil; x=1 Ilọrin.csv"
    arts = session.get("/artifacts").json["artifacts"]
    assert [a["name"] for a in arts] == ["evil; x=1 Ilọrin.csv"]
    d = session.get(f"/artifacts/{arts[0]['id']}")
    assert d.status_code == 200
    assert d.headers["Content-Disposition"] == (
        'attachment; filename="evil_ x_1 Ilorin.csv"; '
        "filename*=UTF-8''evil_%20x%3D1%20Il%E1%BB%8Drin.csv"
    )

    # a recorded name with quotes and line breaks (as a job might record one)
    from chatmrpt.store.base import artifact_id, link_artifact

    sha = arts[0]["sha256"]
    name = 'a"b\r\nX-Injected: 1\x00.csv'
    record = {
        "id": artifact_id({"kind": "test", "id": "x"}, name, sha),
        "session_id": session.id,
        "sha256": sha,
        "name": name,
        "media_type": "text/csv",
        "size": arts[0]["size"],
        "produced_by": {"kind": "test", "id": "x"},
    }
    get_runtime(app).store.transact(lambda txn: link_artifact(txn, record))
    d = session.get(f"/artifacts/{record['id']}")
    disposition = d.headers["Content-Disposition"]
    assert "\n" not in disposition and "\r" not in disposition and "X-Injected" not in d.headers
    assert (
        disposition
        == "attachment; filename=\"a_bX-Injected_ 1.csv\"; filename*=UTF-8''a%27bX-Injected%3A%201.csv"
    )


def test_deleting_a_session(app, session):
    assert session.upload(ilorin_upload()).status_code == 201
    queued = session.post("/analyses", json={})
    assert queued.status_code == 202
    busy = session.delete()
    assert busy.status_code == 409 and busy.json["error"]["code"] == "conflict"
    run_queued_jobs(app)
    r = session.delete()
    assert r.status_code == 200 and r.json == {"id": session.id, "deleted": True}
    assert session.get().status_code == 404
    assert get_runtime(app).store.list_artifacts(session.id) == []


def test_tpr_from_a_facility_export_joined_to_the_ward_table(app, session, tmp_path):
    from chatmrpt.demo.generator import write_demo_data

    files = write_demo_data(tmp_path / "demo", 100, seed=5)
    r = session.upload(
        {
            "table": ("wards.csv", files["wards"].read_bytes()),
            "boundaries": ("wards_boundaries.zip", files["boundaries"].read_bytes()),
        }
    )
    assert r.status_code == 201
    original = r.json["dataset_id"]
    export = files["facility_tpr"].read_bytes()
    r = session.post(
        "/tpr",
        data={
            "facility": (io.BytesIO(export), "facility_tpr.csv"),
            "age": "u5",
            "by_year": "true",
            "join": "true",
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 202, r.json
    run = r.json
    assert run["status"] == "queued" and run["params"]["join"] is True
    assert run_queued_jobs(app) == ["succeeded"]
    done = session.get(f"/tpr/{run['tpr_id']}").json
    assert done["status"] == "succeeded", done.get("error")
    summary = done["summary"]
    assert summary["wards"] == 100 and summary["variable"] == "u5_tpr_rdt"
    assert {a["name"] for a in done["artifacts"]} == {
        "ward_tpr.csv",
        "tpr_by_year.csv",
        "tpr_trend.csv",
        "tpr_report.json",
    }
    joined = summary["dataset_id"]
    assert joined != original
    state = session.state()
    assert state["state"]["current_dataset"] == joined
    assert {d["dataset_id"] for d in state["datasets"]} == {original, joined}
    assert [t["tpr_id"] for t in state["tpr"]] == [run["tpr_id"]]
    dataset = session.get(f"/datasets/{joined}").json
    assert "u5_tpr_rdt" in dataset["columns"] and dataset["has_boundaries"] is True

    # without join: a run of its own; the same export again is the same run
    def submit(name: str, **fields: str):
        data = {"facility": (io.BytesIO(export), name), **fields}
        return session.post("/tpr", data=data, content_type="multipart/form-data")

    alone = submit("facility_tpr.csv", test="rdt")
    assert alone.status_code == 202 and alone.json["tpr_id"] != run["tpr_id"]
    assert submit("other name.csv", test="RDT", join="false").json["job_id"] == alone.json["job_id"]
    assert run_queued_jobs(app) == ["succeeded"]
    again = submit("renamed.csv", test="rdt", by_year="0")
    assert again.status_code == 200 and again.json["tpr_id"] == alone.json["tpr_id"]
    assert again.json["reused"] is True
    assert session.state()["state"]["current_dataset"] == joined


def test_events_stream_from_the_store(app, session):
    app.config.update(SSE_MAX_SECONDS=0.6, SSE_POLL_SECONDS=0.05, SSE_HEARTBEAT_SECONDS=0.2)
    assert session.upload(ilorin_upload()).status_code == 201
    assert session.post("/analyses", json={}).status_code == 202
    run_queued_jobs(app)
    r = session.get("/events")
    assert r.status_code == 200 and r.mimetype == "text/event-stream"
    text = r.data.decode()
    blocks = [b for b in text.split("\n\n") if b.startswith("id: ")]
    ids = [int(b.split("\n")[0][4:]) for b in blocks]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 4
    kinds = [b.split("\n")[1][len("event: ") :] for b in blocks]
    assert kinds[0] == "dataset.added" and kinds[-1] == "job.succeeded"
    data = json.loads(blocks[-1].split("\n")[2][len("data: ") :])
    assert data["seq"] == ids[-1] and data["status"] == "succeeded"
    assert ": keep-alive" in text
    # a reconnecting browser sends the last id it saw: only what it missed comes
    resumed = session.get("/events", headers={"Last-Event-ID": str(ids[-2])}).data.decode()
    assert [b.split("\n")[0] for b in resumed.split("\n\n") if b.startswith("id: ")] == [
        f"id: {ids[-1]}"
    ]
    assert session.get("/events", headers={"Last-Event-ID": "x"}).status_code == 400


def test_openapi_description_is_valid_and_complete(app, client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    spec = r.json
    validate(spec)
    described = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "delete", "put", "patch")
    }
    served = set()
    for rule in app.url_map.iter_rules():
        path = rule.rule.replace("<", "{").replace(">", "}")
        if not path.startswith("/api/") and path not in ("/healthz", "/readyz", "/metrics"):
            continue  # HTML pages are not part of the API
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method))
    assert served == described


def test_health_readiness_and_metrics(app, client, settings):
    assert client.get("/healthz").json["status"] == "ok"
    r = client.get("/readyz")
    assert r.status_code == 503  # no consumer alive yet
    assert "no job consumer is alive" in " ".join(r.json["problems"])
    assert r.json["store"]["ok"] is True and r.json["queue"]["ok"] is True
    rt = get_runtime(app)
    rt.store.beat("consumer", "elsewhere", 4242, 0.0)
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json["status"] == "ready"
    assert [(c["host"], c["pid"]) for c in r.json["consumers"]] == [("elsewhere", 4242)]
    assert r.json["worker"]["pid"] > 0

    from chatmrpt.web.health import start_heartbeat, stop_heartbeat

    beat = start_heartbeat(app, interval_s=0.05)
    wait_for(lambda: client.get("/readyz").json["web_workers"], 5, "the web heartbeat")
    stop_heartbeat(app)
    assert not beat.is_alive()
    assert client.get("/readyz").json["web_workers"] == []

    client.get("/api/sessions/nope")
    text = client.get("/metrics").data.decode()
    assert 'chatmrpt_http_requests_total{method="GET",route="/readyz",status="200"}' in text
    assert 'route="/api/sessions/<session_id>",status="404"' in text
    assert "chatmrpt_http_request_duration_seconds_bucket" in text
    assert "chatmrpt_queue_depth 0.0" in text and "chatmrpt_store_up 1.0" in text
    assert "chatmrpt_consumers_alive 1.0" in text


def test_a_blueprint_plugs_in_with_the_shared_auth(settings):
    """What a resource module relies on: a blueprint registered on the app, session_required
    (bearer or cookie + CSRF), read_json, the one error shape, and the OpenAPI document made
    from the route and what it declares."""
    from flask import Blueprint, g

    from chatmrpt.web.auth import session_required
    from chatmrpt.web.inputs import Query, read_json
    from chatmrpt.web.openapi import documented, ok
    from chatmrpt.web.responses import json_response

    bp = Blueprint("echo_test", __name__, url_prefix="/api")
    times = Query("times", "How often to say it.", minimum=1, maximum=3, default=1)

    @bp.post("/sessions/<session_id>/echo")
    @documented("echo", "Say it back.", {"200": ok("The echo.", {"type": "object"})},
                query=(times,))
    @session_required
    def echo(session_id):
        data = read_json(("text",), required=("text",))
        text = " ".join([data["text"]] * times.read())
        reply = {"text": f"{g.auth_method}: {text}", "tool_calls": [], "artifacts": []}
        return json_response({"reply": reply})

    @bp.get("/sessions/<session_id>/notes/<note_id>")
    @session_required
    def note(session_id, note_id):
        """One note."""
        return json_response({"id": note_id})

    app = create_app(settings)
    app.register_blueprint(bp)
    try:
        browser = app.test_client()
        created = browser.post("/api/sessions").json
        path = f"/api/sessions/{created['id']}/echo"
        r = browser.post(path, json={"text": "hello"})
        assert r.status_code == 403 and r.json["error"]["details"] == {"header": "X-CSRF-Token"}
        r = browser.post(
            path, json={"text": "hello"}, headers={"X-CSRF-Token": created["csrf_token"]}
        )
        assert r.status_code == 200 and r.json["reply"]["text"] == "cookie: hello"
        api = app.test_client()
        bearer = {"Authorization": f"Bearer {created['token']}"}
        assert (
            api.post(path, json={"text": "hi"}, headers=bearer).json["reply"]["text"]
            == "bearer: hi"
        )
        assert api.post(path, json={"text": "hi"}).status_code == 404
        assert (
            api.post(path, json={"txt": "hi"}, headers=bearer).json["error"]["code"]
            == "invalid_request"
        )
        r = api.post(path + "?times=2", json={"text": "hi"}, headers=bearer)
        assert r.json["reply"]["text"] == "bearer: hi hi"
        r = api.post(path + "?times=4", json={"text": "hi"}, headers=bearer)
        assert r.status_code == 400 and r.json["error"]["details"] == {"parameter": "times"}

        spec = api.get("/api/openapi.json").json
        validate(spec)
        op = spec["paths"]["/api/sessions/{session_id}/echo"]["post"]
        assert op["operationId"] == "echo" and op["security"]
        params = {p["name"]: p for p in op["parameters"]}
        assert params["session_id"]["in"] == "path"
        assert params["times"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 3}
        # a route that declares nothing is still described, from its path and docstring
        op = spec["paths"]["/api/sessions/{session_id}/notes/{note_id}"]["get"]
        assert op["summary"] == "One note."
        assert [p["name"] for p in op["parameters"]] == ["session_id", "note_id"]
    finally:
        close_runtime(app)
