"""The result views (``chatmrpt.web.api.views``) through the Flask test client.

Maps, shapes, charts, downloads and the demo data, on a real SQLite store with jobs run
inline (``run_queued_jobs``): authentication, 404s, formats, ETag/304, gzip negotiation,
and the geometry budget of a 500-ward state.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
import shapely

from tests._cluster import (
    ILORIN_TABLE,
    SessionClient,
    ilorin_upload,
    run_queued_jobs,
    with_planning_columns,
)

HOSTILE = "<img src=x onerror=alert(1)>"
GZIP = {"Accept-Encoding": "gzip"}
SHAPES_BUDGET = 300_000


def analyse(app, session: SessionClient, upload) -> str:
    r = session.upload(upload)
    assert r.status_code == 201, r.json
    r = session.post("/analyses", json={})
    assert r.status_code == 202, r.json
    assert run_queued_jobs(app) == ["succeeded"]
    return r.json["analysis_id"]


@pytest.fixture
def ilorin(app, client):
    """A session with the Ilorin wards (plus population and urban share) analysed."""
    session = SessionClient.create(client)
    return session, analyse(app, session, ilorin_upload())


def dense_state_upload(tmp_path, wards: int = 500) -> tuple[dict, int]:
    """A synthetic state whose boundaries are far more detailed than a map needs: every
    edge cut into ~200 m pieces and given a wiggle (the same for both wards of an edge)."""
    from chatmrpt.demo.generator import generate_state, write_boundaries_zip

    demo = generate_state(wards)
    shapes = demo.boundaries.copy()
    detailed = shapely.segmentize(shapes.geometry.values, 0.002)
    shapes["geometry"] = shapely.transform(
        detailed, lambda xy: xy + 0.0003 * np.sin(np.round(xy, 9)[:, ::-1] * 7919.0)
    )
    raw_geojson = len(shapes.to_json(drop_id=True).encode())
    path = tmp_path / "dense_boundaries.zip"
    write_boundaries_zip(shapes, path)
    upload = {
        "table": ("wards.csv", demo.wards.to_csv(index=False).encode()),
        "boundaries": ("wards_boundaries.zip", path.read_bytes()),
    }
    return upload, raw_geojson


def get_json(r):
    assert r.status_code == 200, (r.status_code, r.data[:500])
    return json.loads(r.data)


def error_code(r, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.data[:500])
    return r.json["error"]["code"]


# ---- maps ---------------------------------------------------------------------------------


def test_a_map_is_stored_once_and_revalidated_by_etag(ilorin):
    session, analysis_id = ilorin
    path = f"/analyses/{analysis_id}/maps/composite"
    r = session.get(path)
    m = get_json(r)
    assert r.mimetype == "application/json"
    assert m["kind"] == "composite" and m["wards"] == 35 and m["wards_shown"] == 35
    assert m["figure"]["data"][0]["type"] == "choroplethmap"
    assert m["geojson"] == f"/api/sessions/{session.id}/analyses/{analysis_id}/shapes"
    assert m["view"]["analysis_id"] == analysis_id
    etag = r.headers["ETag"]
    assert r.headers["Cache-Control"] == "private, no-cache"
    artifacts = len(session.get("/artifacts").json["artifacts"])

    again = session.get(path)
    assert again.headers["ETag"] == etag and again.data == r.data
    assert len(session.get("/artifacts").json["artifacts"]) == artifacts  # nothing new stored
    cached = session.get(path, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    weak = session.get(path, headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    stale = session.get(path, headers={"If-None-Match": '"0000"'})
    assert stale.status_code == 200


def test_every_map_kind_the_data_allows(ilorin):
    session, analysis_id = ilorin
    base = f"/analyses/{analysis_id}/maps"
    summary = session.get(f"/analyses/{analysis_id}").json["summary"]
    variable = summary["variables"][0]["name"]
    assert get_json(session.get(f"{base}/category"))["kind"] == "category"
    m = get_json(session.get(f"{base}/variable", query_string={"variable": variable}))
    assert variable in m["title"] and m["view"]["variable"] == variable
    urban = get_json(session.get(f"{base}/urban", query_string={"threshold": "50"}))
    assert "50% urban" in urban["title"] and urban["view"]["threshold"] == 50.0
    # 50 and 50.0 are one threshold, one stored map
    same = session.get(f"{base}/urban", query_string={"threshold": "50.0"})
    assert same.headers["ETag"] == session.get(f"{base}/urban?threshold=50").headers["ETag"]
    # a variable only matters to the variable map
    plain = session.get(f"{base}/composite").headers["ETag"]
    assert session.get(f"{base}/composite?variable={variable}").headers["ETag"] == plain

    assert error_code(session.get(f"{base}/itn"), 400) == "invalid_request"  # no plan yet
    plan = session.post("/itn-plans", json={"total_nets": 40000, "household_size": 5})
    assert plan.status_code == 201, plan.json
    itn = get_json(session.get(f"{base}/itn"))
    assert itn["kind"] == "itn" and itn["view"]["plan_id"] == plan.json["plan_id"]
    hover = itn["figure"]["data"][0]["hovertemplate"]
    assert "%{customdata[0]}" in hover
    by_id = get_json(session.get(f"{base}/itn", query_string={"plan_id": plan.json["plan_id"]}))
    assert by_id == itn


def test_map_errors_name_what_to_do(app, ilorin, client):
    session, analysis_id = ilorin
    base = f"/analyses/{analysis_id}/maps"
    assert error_code(session.get(f"{base}/nonsense"), 404) == "not_found"
    assert error_code(session.get(f"{base}/variable"), 400) == "invalid_parameter"
    unknown = session.get(f"{base}/variable", query_string={"variable": "no_such_column"})
    assert error_code(unknown, 422) == "unknown_variable"
    for bad in ("abc", "150", "-1", "nan", "inf"):
        r = session.get(f"{base}/urban", query_string={"threshold": bad})
        assert error_code(r, 400) == "invalid_parameter", bad
    assert error_code(session.get(f"{base}/variable?variable={'x' * 300}"), 400)
    # PCA did not suit the Ilorin variables: there is no PCA map, and the reason is given
    pca = session.get(f"{base}/pca")
    assert pca.status_code in (400, 422) and "PCA" in pca.json["error"]["message"]
    assert error_code(session.get("/analyses/nope/maps/composite"), 404) == "not_found"
    assert error_code(session.get("/analyses/a..b/maps/composite"), 404) == "not_found"
    assert error_code(session.get(f"{base}/itn?plan_id=bad/id"), 404) == "not_found"
    # without the session's token (a browser without its cookie) the map does not exist
    stranger = app.test_client()
    assert error_code(stranger.get(f"/api/sessions/{session.id}{base}/composite"), 404)
    other = SessionClient.create(client)
    assert error_code(other.get(f"{base}/composite"), 404) == "not_found"


def test_maps_wait_for_a_finished_analysis(app, client):
    session = SessionClient.create(client)
    assert session.upload(ilorin_upload()).status_code == 201
    queued = session.post("/analyses", json={}).json["analysis_id"]
    r = session.get(f"/analyses/{queued}/maps/composite")
    assert error_code(r, 409) == "analysis_not_ready"
    assert "wait" in r.json["error"]["message"]


def test_a_table_without_boundaries_has_no_map(app, client):
    session = SessionClient.create(client)
    table = {"table": ("ilorin.csv", with_planning_columns(ILORIN_TABLE))}
    analysis_id = analyse(app, session, table)
    r = session.get(f"/analyses/{analysis_id}/maps/composite")
    assert error_code(r, 422) == "missing_column"
    assert "boundaries" in r.json["error"]["message"]
    assert error_code(session.get(f"/analyses/{analysis_id}/shapes"), 422) == "missing_column"


# ---- shapes and the geometry budget -----------------------------------------------------


def test_shapes_are_immutable_geojson(ilorin):
    session, analysis_id = ilorin
    r = session.get(f"/analyses/{analysis_id}/shapes")
    shapes = get_json(r)
    assert r.mimetype == "application/geo+json"
    assert r.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert len(shapes["features"]) == 35
    assert {f["id"] for f in shapes["features"]} == set(range(35))
    assert (
        session.get(
            f"/analyses/{analysis_id}/shapes", headers={"If-None-Match": r.headers["ETag"]}
        ).status_code
        == 304
    )
    # the map references the very same stored shapes
    m = get_json(session.get(f"/analyses/{analysis_id}/maps/composite"))
    assert session.client.get(m["geojson"], headers=session._headers(None)).data == r.data


def test_a_detailed_500_ward_state_costs_about_300_kb_of_geometry(app, client, tmp_path):
    upload, raw_geojson = dense_state_upload(tmp_path, 500)
    assert raw_geojson > 1_000_000  # the budget has real work to do
    session = SessionClient.create(client)
    analysis_id = analyse(app, session, upload)
    r = session.get(f"/analyses/{analysis_id}/shapes")
    shapes = get_json(r)
    assert len(shapes["features"]) == 500
    assert len(r.data) <= SHAPES_BUDGET, len(r.data)
    meta = shapes["simplification"]
    assert meta["within_budget"] and meta["method"] in ("coverage", "per_ward")
    # every ward is still a polygon after simplification
    for feature in shapes["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        assert geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_empty
    # over the wire, gzipped: shapes once, then each map is only numbers and hover text
    zipped = session.get(f"/analyses/{analysis_id}/shapes", headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < 100_000, len(zipped.data)
    m = session.get(f"/analyses/{analysis_id}/maps/composite", headers=GZIP)
    assert m.headers["Content-Encoding"] == "gzip" and len(m.data) < 40_000, len(m.data)
    assert json.loads(gzip.decompress(m.data))["wards_shown"] == 500
    print(
        f"500 wards: boundaries {raw_geojson:,} B as GeoJSON; shapes {len(r.data):,} B "
        f"({len(zipped.data):,} gzipped); composite map {len(gzip.decompress(m.data)):,} B "
        f"({len(m.data):,} gzipped)"
    )


# ---- charts -----------------------------------------------------------------------------


def test_charts_of_an_analysis_and_a_plan(ilorin):
    session, analysis_id = ilorin
    box = get_json(session.get(f"/analyses/{analysis_id}/plots/model_scores?n=10"))
    assert box["figure"]["data"] and "10" in box["title"]
    etag = session.get(f"/analyses/{analysis_id}/plots/model_scores?n=10").headers["ETag"]
    assert (
        session.get(
            f"/analyses/{analysis_id}/plots/model_scores?n=10", headers={"If-None-Match": etag}
        ).status_code
        == 304
    )
    assert error_code(session.get(f"/analyses/{analysis_id}/plots/model_scores?n=0"), 400)
    assert error_code(session.get(f"/analyses/{analysis_id}/plots/model_scores?n=x"), 400)
    assert error_code(session.get(f"/analyses/{analysis_id}/plots/pie"), 404) == "not_found"
    # no PCA ranking for Ilorin: nothing to compare, and the message says so
    r = session.get(f"/analyses/{analysis_id}/plots/rank_comparison")
    assert error_code(r, 422) == "missing_column" and "PCA" in r.json["error"]["message"]

    plan = session.post("/itn-plans", json={"total_nets": 40000, "household_size": 5}).json
    cov = get_json(session.get(f"/itn-plans/{plan['plan_id']}/plots/coverage_by_lga"))
    assert cov["figure"]["data"] and "LGA" in cov["title"]
    assert error_code(session.get("/itn-plans/nope/plots/coverage_by_lga"), 404) == "not_found"


def test_rank_comparison_when_pca_ran(app, client, tmp_path):
    from chatmrpt.demo.generator import generate_state

    demo = generate_state(120)
    buf = io.BytesIO()
    demo.wards.to_csv(buf, index=False)
    session = SessionClient.create(client)
    analysis_id = analyse(app, session, {"table": ("wards.csv", buf.getvalue())})
    assert session.get(f"/analyses/{analysis_id}").json["summary"]["pca_suitable"]
    plot = get_json(session.get(f"/analyses/{analysis_id}/plots/rank_comparison"))
    assert "PCA" in plot["title"] and plot["figure"]["data"]
    png = session.post("/exports", json={"what": "plot", "kind": "rank_comparison"})
    assert png.status_code == 200, png.json
    assert (
        session.client.get(png.json["artifact"]["url"], headers=session._headers(None)).data[:8]
        == b"\x89PNG\r\n\x1a\n"
    )


# ---- downloads ----------------------------------------------------------------------------


def download(session, body) -> tuple[dict, bytes]:
    r = session.post("/exports", json=body)
    assert r.status_code == 200, (body, r.json)
    art = r.json["artifact"]
    assert r.headers["Location"] == art["url"]
    got = session.client.get(art["url"], headers=session._headers(None))
    assert got.status_code == 200 and len(got.data) == art["size"]
    return art, got.data


def test_every_download_in_every_format(ilorin):
    session, analysis_id = ilorin
    assert (
        session.post("/itn-plans", json={"total_nets": 40000, "household_size": 5}).status_code
        == 201
    )
    checks = [
        (
            {"what": "unified", "format": "csv"},
            "unified_dataset.csv",
            lambda d: b"WardName" in d[:400],
        ),
        ({"what": "unified", "format": "xlsx"}, "unified_dataset.xlsx", lambda d: d[:2] == b"PK"),
        (
            {"what": "unified", "format": "geojson"},
            "unified_dataset.geojson",
            lambda d: json.loads(d)["type"] == "FeatureCollection",
        ),
        (
            {"what": "unified", "format": "geoparquet"},
            "unified_dataset.geoparquet",
            lambda d: d[:4] == b"PAR1",
        ),
        (
            {"what": "rankings", "format": "csv"},
            "rankings.csv",
            lambda d: d.splitlines()[0].startswith(b"WardName"),
        ),
        ({"what": "rankings", "format": "xlsx"}, "rankings.xlsx", lambda d: d[:2] == b"PK"),
        (
            {"what": "itn_plan", "format": "csv"},
            "itn_plan.csv",
            lambda d: b"nets_allocated" in d[:400],
        ),
        ({"what": "itn_plan", "format": "xlsx"}, "itn_plan.xlsx", lambda d: d[:2] == b"PK"),
        ({"what": "report"}, "report.html", lambda d: d.startswith(b"<!DOCTYPE html>")),
        (
            {"what": "map", "format": "html", "kind": "category"},
            "map_category.html",
            lambda d: b"Plotly.newPlot" in d and b"<script src" not in d,
        ),
        (
            {"what": "map", "format": "png", "kind": "urban", "threshold": 30},
            "map_urban.png",
            lambda d: d[:8] == b"\x89PNG\r\n\x1a\n",
        ),
        (
            {"what": "plot", "kind": "model_scores", "n": 15},
            "model_scores_top15.png",
            lambda d: d[:8] == b"\x89PNG\r\n\x1a\n",
        ),
        (
            {"what": "plot", "format": "png", "kind": "itn_by_lga"},
            "itn_by_lga.png",
            lambda d: d[:8] == b"\x89PNG\r\n\x1a\n",
        ),
    ]
    for body, name, check in checks:
        art, data = download(session, {**body, "analysis_id": analysis_id})
        assert art["name"] == name, (body, art)
        assert check(data), body
    # the same request again finds the stored file
    first = session.post("/exports", json={"what": "rankings", "format": "xlsx"}).json
    again = session.post("/exports", json={"what": "rankings", "format": "xlsx"}).json
    assert first["artifact"]["id"] == again["artifact"]["id"]
    # the variable of a variable map is part of the download
    variable = session.get(f"/analyses/{analysis_id}").json["summary"]["variables"][1]["name"]
    art, page = download(
        session, {"what": "map", "format": "html", "kind": "variable", "variable": variable}
    )
    assert variable.encode() in page


def test_download_requests_are_checked(ilorin, client):
    session, _ = ilorin
    bad = [
        ({}, "invalid_request"),
        ({"what": "everything"}, "invalid_parameter"),
        ({"what": "unified", "format": "pdf"}, "invalid_parameter"),
        ({"what": "rankings", "format": "geojson"}, "invalid_parameter"),
        ({"what": "map", "format": "svg"}, "invalid_parameter"),
        ({"what": "map", "kind": "nonsense"}, "invalid_parameter"),
        ({"what": "plot", "kind": "pie"}, "invalid_parameter"),
        ({"what": "unified", "colour": "red"}, "invalid_request"),
        ({"what": 3}, "invalid_parameter"),
        ({"what": "plot", "n": 0}, "invalid_parameter"),
        ({"what": "map", "kind": "urban", "threshold": 101}, "invalid_parameter"),
        ({"what": "itn_plan"}, "invalid_request"),  # no plan yet
    ]
    for body, code in bad:
        r = session.post("/exports", json=body)
        assert r.status_code == 400 and r.json["error"]["code"] == code, (body, r.json)
    assert error_code(session.post("/exports", json={"what": "unified", "analysis_id": "zz"}), 404)
    assert error_code(session.post("/exports", json={"what": "itn_plan", "plan_id": "zz"}), 404)
    # cookie sessions need the CSRF header to make a file
    created = client.post("/api/sessions").json
    path = f"/api/sessions/{created['id']}/exports"
    assert error_code(client.post(path, json={"what": "unified"}), 403) == "csrf_failed"
    assert (
        error_code(
            client.post(
                path, json={"what": "unified"}, headers={"X-CSRF-Token": created["csrf_token"]}
            ),
            409,
        )
        == "analysis_not_ready"
    )


def test_a_hostile_ward_name_stays_text_in_downloaded_pages(app, client, tmp_path):
    frame = pd.read_csv(io.BytesIO(with_planning_columns(ILORIN_TABLE)))
    frame.loc[0, "WardName"] = HOSTILE
    shapes_zip = ilorin_upload()["boundaries"]
    # the boundaries carry the same name, so the ward keeps its shape
    import geopandas as gpd

    with zipfile.ZipFile(io.BytesIO(shapes_zip[1])) as zf:
        zf.extractall(tmp_path / "shp")
    shp = next((tmp_path / "shp").rglob("*.shp"))
    boundaries = gpd.read_file(shp)
    dates = [c for c in boundaries.columns if str(boundaries[c].dtype).startswith("datetime")]
    boundaries = boundaries.drop(columns=dates)
    name_col = next(c for c in boundaries.columns if c.lower() in ("wardname", "ward_name"))
    original = frame.loc[0, "WardName"]
    first_name = pd.read_csv(ILORIN_TABLE)["WardName"].iloc[0]
    boundaries.loc[boundaries[name_col] == first_name, name_col] = HOSTILE
    assert original == HOSTILE and (boundaries[name_col] == HOSTILE).sum() == 1
    from chatmrpt.demo.generator import write_boundaries_zip

    write_boundaries_zip(boundaries, tmp_path / "hostile.zip")
    session = SessionClient.create(client)
    upload = {
        "table": ("hostile.csv", frame.to_csv(index=False).encode()),
        "boundaries": ("hostile.zip", (tmp_path / "hostile.zip").read_bytes()),
    }
    analysis_id = analyse(app, session, upload)
    m = get_json(session.get(f"/analyses/{analysis_id}/maps/composite"))
    hover_names = [row[0] for trace in m["figure"]["data"] for row in trace["customdata"]]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover_names and HOSTILE not in hover_names
    for body in ({"what": "map", "format": "html"}, {"what": "report"}):
        _, page = download(session, body)
        assert HOSTILE.encode() not in page, body


# ---- the demo data ----------------------------------------------------------------------


def test_the_demo_button_reads_the_servers_demo_folder(app, client, settings):
    from chatmrpt.demo.generator import write_demo_data

    session = SessionClient.create(client)
    r = session.post("/demo")
    assert error_code(r, 404) == "not_found"
    assert "demo-data" in r.json["error"]["message"] and r.json["error"]["details"] == {
        "demo": "missing"
    }
    write_demo_data(settings.home / "demo", 100, facility_export=False)
    r = session.post("/demo")
    assert r.status_code == 201, r.json
    assert r.json["wards"] == 100 and r.json["has_boundaries"] is True
    assert r.json["table"] == "wards.csv" and r.json["boundaries"] == "wards_boundaries.zip"
    assert r.headers["Location"].endswith(r.json["dataset_id"])
    again = session.post("/demo")
    assert again.status_code == 200 and again.json["reused"] is True
    assert session.state()["state"]["current_dataset"] == r.json["dataset_id"]
    assert error_code(session.post("/demo", json={"wards": 5}), 400) == "invalid_request"
    assert error_code(app.test_client().post(f"/api/sessions/{session.id}/demo"), 404)
    created = client.post("/api/sessions").json
    path = f"/api/sessions/{created['id']}/demo"
    assert error_code(client.post(path), 403) == "csrf_failed"
    assert client.post(path, headers={"X-CSRF-Token": created["csrf_token"]}).status_code == 201


# ---- compression --------------------------------------------------------------------------


def test_large_json_is_gzipped_when_the_client_accepts_it(ilorin):
    session, analysis_id = ilorin
    path = f"/analyses/{analysis_id}/maps/composite"
    plain = session.get(path)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    zipped = session.get(path, headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    # the compressed copy's ETag is weak, and still revalidates
    assert zipped.headers["ETag"] == "W/" + plain.headers["ETag"]
    assert (
        session.get(path, headers={**GZIP, "If-None-Match": zipped.headers["ETag"]}).status_code
        == 304
    )
    refused = session.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers

    # the map's shapes, fetched by plotly.js from the URL in the map, are compressed too
    m = json.loads(plain.data)
    shapes = session.client.get(m["geojson"], headers=session._headers(GZIP))
    assert shapes.headers["Content-Encoding"] == "gzip"
    raw = session.client.get(m["geojson"], headers=session._headers(None))
    assert gzip.decompress(shapes.data) == raw.data
    assert shapes.headers["Content-Length"] == str(len(shapes.data))
    # small answers are not worth it
    small = session.get("", headers=GZIP)
    assert len(small.data) < 1024 and "Content-Encoding" not in small.headers
    # a stored file's download is its bytes as stored, its sha256 the strong ETag
    record = session.get(f"/analyses/{analysis_id}/maps/composite").headers["X-Artifact-Id"]
    listed = {a["id"]: a for a in session.get("/artifacts").json["artifacts"]}[record]
    got = session.client.get(listed["url"], headers=session._headers(GZIP))
    assert "Content-Encoding" not in got.headers and got.data == plain.data
    assert got.headers["ETag"] == f'"{listed["sha256"]}"' == plain.headers["ETag"]


def test_stored_maps_and_charts_for_drawing(app, ilorin):
    """A map a chat reply made is an artifact; the page draws it from /figures/{id}."""
    session, analysis_id = ilorin
    made = session.get(f"/analyses/{analysis_id}/maps/category")
    artifact_id = made.headers["X-Artifact-Id"]
    r = session.get(f"/figures/{artifact_id}", headers=GZIP)
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(r.data) == made.data
    assert r.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert (
        session.get(
            f"/figures/{artifact_id}", headers={"If-None-Match": r.headers["ETag"]}
        ).status_code
        == 304
    )
    shapes = session.get(f"/analyses/{analysis_id}/shapes")
    by_id = session.get(f"/figures/{shapes.headers['X-Artifact-Id']}")
    assert by_id.mimetype == "application/geo+json" and by_id.data == shapes.data
    # other files (uploads, tables) are downloads, not figures
    table = next(
        a for a in session.get("/artifacts").json["artifacts"] if a["name"].endswith(".csv")
    )
    assert error_code(session.get(f"/figures/{table['id']}"), 404) == "not_found"
    assert error_code(session.get("/figures/nope"), 404) == "not_found"
    assert error_code(session.get("/figures/bad%2Fid"), 404) == "not_found"
    other = SessionClient.create(app.test_client())
    assert error_code(other.get(f"/figures/{artifact_id}"), 404) == "not_found"


def test_streams_are_never_buffered_for_compression(app, ilorin):
    session, _ = ilorin
    app.config["SSE_MAX_SECONDS"] = 0.3
    events = session.get("/events", headers=GZIP)
    assert events.mimetype == "text/event-stream"
    assert "Content-Encoding" not in events.headers
    assert b"job.succeeded" in events.data
    reply = session.post(
        "/messages",
        json={"text": "help"},
        headers={**GZIP, "Accept": "text/event-stream"},
    )
    assert reply.mimetype == "text/event-stream" and "Content-Encoding" not in reply.headers
    assert b"event: done" in reply.data


def test_the_views_are_described_in_openapi(client):
    spec = client.get("/api/openapi.json").json
    for path, method in [
        ("/api/sessions/{session_id}/demo", "post"),
        ("/api/sessions/{session_id}/analyses/{analysis_id}/maps/{kind}", "get"),
        ("/api/sessions/{session_id}/analyses/{analysis_id}/shapes", "get"),
        ("/api/sessions/{session_id}/figures/{artifact_id}", "get"),
        ("/api/sessions/{session_id}/analyses/{analysis_id}/plots/{kind}", "get"),
        ("/api/sessions/{session_id}/itn-plans/{plan_id}/plots/coverage_by_lga", "get"),
        ("/api/sessions/{session_id}/exports", "post"),
    ]:
        op = spec["paths"][path][method]
        assert op["operationId"] and op["security"], path
    kinds = spec["paths"]["/api/sessions/{session_id}/analyses/{analysis_id}/maps/{kind}"]["get"]
    enum = next(p for p in kinds["parameters"] if p["name"] == "kind")["schema"]["enum"]
    assert set(enum) >= {"composite", "pca", "category", "variable", "urban", "itn"}
