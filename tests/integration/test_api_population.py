"""Over the HTTP API with a real job consumer: the shipped Kano and Ilorin tables, with a
population raster, a population table or a facility export, go to an ITN plan and a
reprioritisation; without a population the API (422) and the assistant say in one sentence
what to provide."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest

from chatmrpt.config import load_settings
from chatmrpt.jobs.consumer import run_consumers
from chatmrpt.web.app import close_runtime, create_app
from tests import _field_data as fd
from tests._cluster import SessionClient
from tests._jobkinds import wait_for

CASES = {
    "kano": (fd.KANO_TABLE, fd.KANO_BOUNDARIES, 66, 55),
    "ilorin": (fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, 35, 23),
}


@pytest.fixture
def running(tmp_path):
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                              "CHATMRPT_JOB_LEASE_S": "5"})
    app = create_app(settings)
    stop = threading.Event()
    consumer = threading.Thread(target=run_consumers, args=(settings, 1, stop),
                                kwargs={"grace_s": 5})
    consumer.start()
    yield app
    stop.set()
    consumer.join(30)
    close_runtime(app)


def upload(session: SessionClient, path: str, files: dict) -> dict:
    r = session.post(path, data=form(files), content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    return r.json


def form(files: dict, **fields) -> dict:
    data = {k: (io.BytesIO(v), name) for k, (name, v) in files.items()}
    return dict(data, **fields)


def prepare(session, files, **fields) -> dict:
    r = session.post("/prepared-datasets", data=form(files, **fields),
                     content_type="multipart/form-data")
    assert r.status_code == 202, r.json
    prepare_id = r.json["prepare_id"]
    done = wait_for(
        lambda: (p := session.get(f"/prepared-datasets/{prepare_id}").json)["status"]
        in ("succeeded", "failed") and p, 240, "the prepared dataset")
    assert done["status"] == "succeeded", done
    return done


def analyse(session: SessionClient, dataset_id: str) -> str:
    r = session.post("/analyses", json={"dataset_id": dataset_id})
    assert r.status_code == 202, r.json
    analysis_id = r.json["analysis_id"]
    done = wait_for(
        lambda: (a := session.get(f"/analyses/{analysis_id}").json)["status"]
        in ("succeeded", "failed") and a, 120, "the analysis")
    assert done["status"] == "succeeded", done
    return analysis_id


def plan_and_reprioritize(session: SessionClient, analysis_id: str):
    r = session.post("/itn-plans", json={"analysis_id": analysis_id, "total_nets": 30000,
                                         "household_size": 5})
    assert r.status_code == 201, r.json
    plan = r.json
    r = session.post("/reprioritizations", json={"analysis_id": analysis_id})
    assert r.status_code == 200, r.json
    return plan, r.json


def read(path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize("case", sorted(CASES))
def test_table_with_population_raster_and_urban_field_to_plan(running, case, tmp_path):
    table, boundaries, n, urban = CASES[case]
    raster = fd.population_raster(tmp_path / "worldpop.tif", boundaries)
    session = SessionClient.create(running.test_client())
    dataset = upload(session, "/datasets", {
        "table": (table.name, read(table)),
        "boundaries": (boundaries.name, read(boundaries)),
        "population": ("worldpop.tif", read(raster)),
    })
    assert dataset["planning"]["population"]["source"].startswith(
        "the population raster worldpop.tif")
    assert "Urban Yes/No" in dataset["planning"]["urban_share"]["source"]
    analysis_id = analyse(session, dataset["dataset_id"])
    plan, repri = plan_and_reprioritize(session, analysis_id)
    people = fd.expected_population(boundaries).sum()
    assert plan["summary"]["population"] == pytest.approx(people, rel=1e-6)
    assert plan["summary"]["population_source"].startswith("the population raster worldpop.tif")
    assert "read as 100% urban for Yes" in plan["summary"]["urban_share_source"]
    assert plan["summary"]["wards"] == n
    assert repri["parameters"]["population_source"].startswith("the population raster")
    assert [row["urban_wards"] for row in repri["summary"]] == [urban] * 4
    assert repri["summary"][0]["selected_wards"] > 0


@pytest.mark.parametrize("case", sorted(CASES))
def test_table_with_population_table_and_urban_field_to_plan(running, case, tmp_path):
    table, boundaries, n, _urban = CASES[case]
    expected = fd.population_table(tmp_path / "pop.csv", boundaries, by="WardCode")
    session = SessionClient.create(running.test_client())
    dataset = upload(session, "/datasets", {
        "table": (table.name, read(table)),
        "boundaries": (boundaries.name, read(boundaries)),
        "population": ("pop.csv", read(tmp_path / "pop.csv")),
    })
    assert dataset["planning"]["population"]["source"] == "the population table pop.csv"
    analysis_id = analyse(session, dataset["dataset_id"])
    plan, repri = plan_and_reprioritize(session, analysis_id)
    assert plan["summary"]["population"] == pytest.approx(expected.sum())
    assert plan["summary"]["population_source"] == "the population table pop.csv"
    assert repri["parameters"]["total_population"] == pytest.approx(expected.sum())

    # the assistant names the population in its replies
    replies = [session.post("/messages", json={"text": text}).json["reply"]["text"]
               for text in ("plan 60,000 nets, household size 5",
                            "which urban wards can be deprioritised? target 30%")]
    assert "Population: the population table pop.csv." in replies[0], replies
    assert "Urban share: the boundaries' Urban Yes/No attribute" in replies[0]
    assert "Population: the population table pop.csv." in replies[1], replies


def test_kano_upload_reports_its_data_quality(running):
    session = SessionClient.create(running.test_client())
    dataset = upload(session, "/datasets", {
        "table": ("kano.csv", read(fd.KANO_TABLE)),
        "boundaries": ("kano.zip", read(fd.KANO_BOUNDARIES)),
    })
    identical = [f for f in dataset["quality"] if f["kind"] == "identical_columns"]
    assert len(identical) == 1 and "rainfall" in identical[0]["columns"]
    assert identical[0]["message"] in dataset["warnings"]
    assert dataset["planning"]["population"] is None

    from chatmrpt.service import data_quality, planning_readiness
    from chatmrpt.web.app import get_runtime

    rt = get_runtime(running)
    quality = data_quality(rt, session.id)
    assert quality["dataset_id"] == dataset["dataset_id"]
    assert "hold the same number in every ward" in quality["text"]
    ready = planning_readiness(rt, session.id)
    assert ready["can_plan_nets"] is False
    assert "population table (WardCode, or WardName with LGA, and Population)" in ready["text"]

    reply = session.post("/messages", json={"text": "describe my data"}).json["reply"]["text"]
    assert "hold the same number in every ward" in reply
    assert "population table (WardCode, or WardName with LGA, and Population)" in reply


def test_no_population_is_one_plain_sentence_in_the_api_and_the_assistant(running):
    session = SessionClient.create(running.test_client())
    dataset = upload(session, "/datasets", {
        "table": ("ilorin.csv", read(fd.ILORIN_TABLE)),
        "boundaries": ("ilorin.zip", read(fd.ILORIN_BOUNDARIES)),
    })
    analysis_id = analyse(session, dataset["dataset_id"])
    r = session.post("/itn-plans", json={"analysis_id": analysis_id, "total_nets": 30000,
                                         "household_size": 5})
    assert r.status_code == 422
    error = r.json["error"]
    assert error["code"] == "missing_population"
    assert error["message"].count(".") <= 2  # one sentence of what and one of how
    assert "population raster" in error["message"]
    for internal in ("composite_rank", "normalized_", "imputed_", "urban_gt_"):
        assert internal not in error["message"]
    r = session.post("/reprioritizations", json={"analysis_id": analysis_id})
    assert r.status_code == 422 and r.json["error"]["code"] == "missing_population"
    assert session.state()["plans"] == []

    # the assistant's reply, through the same service function
    replies = [session.post("/messages", json={"text": text}).json["reply"]
               for text in ("plan the ITN distribution", "we have 60,000 nets", "5")]
    text = replies[-1]["text"]
    assert "population table (WardCode, or WardName with LGA, and Population)" in text
    assert "composite_rank" not in text and "normalized_" not in text


@pytest.mark.parametrize("case", sorted(CASES))
def test_facility_export_to_plan_over_the_api(running, case, tmp_path):
    _table, boundaries, n, urban = CASES[case]
    fd.facility_export(tmp_path / "export.csv", boundaries)
    raster = fd.population_raster(tmp_path / "pop.tif", boundaries)
    session = SessionClient.create(running.test_client())
    files = {"export": ("dhis2_export.csv", read(tmp_path / "export.csv")),
             "boundaries": (boundaries.name, read(boundaries)),
             "population": ("pop.tif", read(raster))}
    done = prepare(session, files, age="u5")
    prepare_id = done["prepare_id"]
    summary = done["summary"]
    assert summary["wards"] == n and summary["tpr_wards_matched"] == n
    assert summary["burden"]["computed"] is True
    assert summary["planning"]["population"]["source"].startswith("the population raster pop.tif")
    assert [a["name"] for a in done["artifacts"]] == ["prepare_report.json"]
    state = session.state()
    assert state["state"]["current_dataset"] == summary["dataset_id"]
    assert [p["prepare_id"] for p in state["prepared"]] == [prepare_id]
    assert state["plans"] == []
    dataset = session.get(f"/datasets/{summary['dataset_id']}").json
    assert "u5_tpr_rdt" in dataset["variables"] and "burden_per_1000" in dataset["variables"]

    analysis_id = analyse(session, summary["dataset_id"])
    wards = session.get(f"/analyses/{analysis_id}/wards",
                        query_string={"limit": 500}).json["wards"]
    burden = np.array([w["burden_per_1000"] for w in wards], dtype=float)
    assert np.all((burden > 0) & (burden <= 1000))
    plan, repri = plan_and_reprioritize(session, analysis_id)
    assert plan["summary"]["population_source"].startswith("the population raster pop.tif")
    assert plan["summary"]["population"] == pytest.approx(
        fd.expected_population(boundaries).sum(), rel=1e-6)
    assert [row["urban_wards"] for row in repri["summary"]] == [urban] * 4

    # the same files again: the same run, not another
    again = session.post("/prepared-datasets", data=form(files),
                         content_type="multipart/form-data")
    assert again.status_code == 200 and again.json["prepare_id"] == prepare_id


def test_prepare_rejects_a_bad_age_and_stores_nothing(running, tmp_path):
    fd.facility_export(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    session = SessionClient.create(running.test_client())
    data = {"export": (io.BytesIO(read(tmp_path / "export.csv")), "export.csv"),
            "boundaries": (io.BytesIO(read(fd.ILORIN_BOUNDARIES)), "wards.zip"),
            "age": "teenagers"}
    r = session.post("/prepared-datasets", data=data, content_type="multipart/form-data")
    assert r.status_code == 400 and "age must be one of" in r.json["error"]["message"]
    state = session.state()
    assert state["datasets"] == [] and state["prepared"] == []


def test_prepare_of_an_export_that_matches_no_ward_fails_and_adds_no_dataset(running, tmp_path):
    fd.facility_export(tmp_path / "export.csv", fd.KANO_BOUNDARIES)  # Kano wards...
    session = SessionClient.create(running.test_client())
    data = {"export": (io.BytesIO(read(tmp_path / "export.csv")), "export.csv"),
            "boundaries": (io.BytesIO(read(fd.ILORIN_BOUNDARIES)), "ilorin.zip")}  # ...Ilorin
    r = session.post("/prepared-datasets", data=data, content_type="multipart/form-data")
    assert r.status_code == 202
    done = wait_for(
        lambda: (p := session.get(f"/prepared-datasets/{r.json['prepare_id']}").json)["status"]
        in ("succeeded", "failed") and p, 120, "the prepared dataset")
    assert done["status"] == "failed"
    assert done["error"]["code"] == "boundary_join_failed"
    assert session.state()["datasets"] == []


def test_deployment_population_file_is_used_when_an_upload_has_none(tmp_path):
    expected = fd.population_table(tmp_path / "state_population.csv", fd.ILORIN_BOUNDARIES,
                                   by="WardCode")
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                              "CHATMRPT_JOB_LEASE_S": "5",
                              "CHATMRPT_POPULATION_FILE": str(tmp_path / "state_population.csv")})
    app = create_app(settings)
    stop = threading.Event()
    consumer = threading.Thread(target=run_consumers, args=(settings, 1, stop),
                                kwargs={"grace_s": 5})
    consumer.start()
    try:
        session = SessionClient.create(app.test_client())
        dataset = upload(session, "/datasets", {
            "table": ("ilorin.csv", read(fd.ILORIN_TABLE)),
            "boundaries": ("ilorin.zip", read(fd.ILORIN_BOUNDARIES)),
        })
        assert dataset["planning"]["population"]["source"] == (
            "the population table state_population.csv")
        analysis_id = analyse(session, dataset["dataset_id"])
        plan, repri = plan_and_reprioritize(session, analysis_id)
        assert plan["summary"]["population"] == pytest.approx(expected.sum())
        assert plan["summary"]["population_source"] == "the population table state_population.csv"
        assert repri["parameters"]["population_source"] == (
            "the population table state_population.csv")
    finally:
        stop.set()
        consumer.join(30)
        close_runtime(app)


def test_a_changed_deployment_population_file_is_not_swapped_in(tmp_path):
    from chatmrpt.jobs.wiring import open_runtime
    from chatmrpt.service import add_dataset, create_session, submit_analysis

    pop = tmp_path / "state_population.csv"
    fd.population_table(pop, fd.ILORIN_BOUNDARIES, by="WardCode")
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                              "CHATMRPT_POPULATION_FILE": str(pop)})
    rt = open_runtime(settings)
    try:
        session, _token = create_session(rt)
        sid = session["id"]
        view = add_dataset(rt, sid, read(fd.ILORIN_TABLE), "ilorin.csv",
                           read(fd.ILORIN_BOUNDARIES), "ilorin.zip")
        assert view["planning"]["population"]["source"].endswith("state_population.csv")
        pop.write_text(pop.read_text().replace(",1000.0", ",9999.0"))
        submitted, _reused = submit_analysis(rt, sid, view["dataset_id"], {})
        from chatmrpt.jobs.kinds import load_kinds
        from chatmrpt.jobs.runner import execute_job

        load_kinds()
        assert [execute_job(rt, j["id"]) for j in rt.store.list_jobs("queued")] == ["failed"]
        analysis = rt.store.get_analysis(sid, submitted["id"])
        assert "population file of this service has changed" in analysis["error"]["message"]
    finally:
        rt.close()


def test_a_population_file_that_is_no_raster_is_refused_by_its_name(running):
    session = SessionClient.create(running.test_client())
    data = {"table": (io.BytesIO(read(fd.ILORIN_TABLE)), "ilorin.csv"),
            "boundaries": (io.BytesIO(read(fd.ILORIN_BOUNDARIES)), "ilorin.zip"),
            "population": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "worldpop.tif")}
    r = session.post("/datasets", data=data, content_type="multipart/form-data")
    assert r.status_code == 422, r.json
    assert r.json["error"]["code"] == "unreadable_raster"
    assert "worldpop.tif" in r.json["error"]["message"]
    assert session.state()["datasets"] == []


def test_variables_added_later_keep_the_population_and_built_up_files(tmp_path):
    """A dataset derived from another (library rasters added, TPR joined) plans with the
    same population and urban share as the dataset it came from."""
    library = tmp_path / "library"
    library.mkdir()
    fd.population_raster(library / "people.tif", fd.ILORIN_BOUNDARIES)
    (library / "catalogue.csv").write_text(
        "name,file,statistic,unit,direction,year,source,licence\n"
        "density,people.tif,mean,people per pixel,direct,2020,test,CC-BY\n")
    pop = tmp_path / "pop.csv"
    expected = fd.population_table(pop, fd.ILORIN_BOUNDARIES, by="WardCode")
    built = fd.builtup_raster(tmp_path / "built.tif", fd.ILORIN_BOUNDARIES)
    fd.facility_export(tmp_path / "export.csv", fd.ILORIN_BOUNDARIES)
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path / "home"),
                              "CHATMRPT_JOB_LEASE_S": "5", "CHATMRPT_RASTERS_URL": str(library)})
    app = create_app(settings)
    stop = threading.Event()
    consumer = threading.Thread(target=run_consumers, args=(settings, 1, stop),
                                kwargs={"grace_s": 5})
    consumer.start()
    try:
        session = SessionClient.create(app.test_client())
        first = upload(session, "/datasets", {
            "table": ("ilorin.csv", read(fd.ILORIN_TABLE)),
            "boundaries": ("ilorin.zip", read(fd.ILORIN_BOUNDARIES)),
            "population": ("pop.csv", read(pop)),
            "urban": ("built.tif", read(built)),
        })
        r = session.post(f"/datasets/{first['dataset_id']}/covariates",
                         json={"rasters": ["density"]})
        assert r.status_code == 202, r.json
        run = wait_for(
            lambda: (v := session.get(f"/covariates/{r.json['covariates_id']}").json)["status"]
            in ("succeeded", "failed") and v, 120, "the covariates run")
        assert run["status"] == "succeeded", run
        derived = session.get(f"/datasets/{run['summary']['dataset_id']}").json
        assert "density" in derived["variables"]
        assert derived["planning"] == first["planning"]

        data = {"facility": (io.BytesIO(read(tmp_path / "export.csv")), "export.csv"),
                "join": "true"}
        r = session.post("/tpr", data=data, content_type="multipart/form-data")
        assert r.status_code == 202, r.json
        tpr = wait_for(
            lambda: (v := session.get(f"/tpr/{r.json['tpr_id']}").json)["status"]
            in ("succeeded", "failed") and v, 120, "the TPR run")
        assert tpr["status"] == "succeeded", tpr
        joined = session.get(f"/datasets/{tpr['summary']['dataset_id']}").json
        assert joined["planning"] == first["planning"]

        analysis_id = analyse(session, joined["dataset_id"])
        plan, _repri = plan_and_reprioritize(session, analysis_id)
        assert plan["summary"]["population"] == pytest.approx(expected.sum())
        assert plan["summary"]["urban_share_source"].startswith("the built-up raster built.tif")
    finally:
        stop.set()
        consumer.join(30)
        close_runtime(app)
