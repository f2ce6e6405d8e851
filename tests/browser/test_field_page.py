"""Field data in a real browser against ``chatmrpt serve`` with a raster library and a
deployment population raster (written here by rasterio over the real Kano and Ilorin wards):

* the shipped Kano and Ilorin tables go, from the page, through "Add environmental
  variables" (the library's checkboxes, the job's progress, the join report), the analysis,
  an ITN plan and an urban reprioritisation; the plan's totals and per-ward figures are
  checked against the population raster, and the replies name the population source;
* a facility export spanning two years, with population and built-up rasters, goes through
  "Build the ward table from a facility export" with a year selector for the maps.

Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest

from tests import _field_data as fd
from tests._cluster import Proc, start_serve
from tests.browser.test_page import LONG, send, wait_ready

pytestmark = pytest.mark.slow

CASES = {"kano": (fd.KANO_TABLE, fd.KANO_BOUNDARIES, 66),
         "ilorin": (fd.ILORIN_TABLE, fd.ILORIN_BOUNDARIES, 35)}
POPULATION_FILE = "national_population.tif"
NETS = 30000


def union_extent():
    bounds = [fd.boundaries(b).total_bounds for _t, b, _n in CASES.values()]
    return (min(b[0] for b in bounds), min(b[1] for b in bounds),
            max(b[2] for b in bounds), max(b[3] for b in bounds))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``chatmrpt serve`` with a raster library (rainfall: a linear field of longitude)
    and a deployment population raster of constant density over both cities."""
    root = tmp_path_factory.mktemp("field-server")
    home = root / "home"
    library = root / "library"
    library.mkdir()
    extent = union_extent()
    fd._grid(library / "rainfall.tif", extent, lambda x: 100.0 + 10.0 * x)
    with open(library / "catalogue.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "title", "file", "statistic", "unit", "direction", "year",
                         "source", "licence"])
        writer.writerow(["rainfall", "Rainfall", "rainfall.tif", "mean", "mm/month", "direct",
                         "2020", "test field", "CC0"])
    population = fd._grid(root / POPULATION_FILE, extent,
                          lambda x: np.full(x.shape, fd.PEOPLE_PER_PIXEL))
    env = {"CHATMRPT_HOME": str(home), "CHATMRPT_JOB_LEASE_S": "10",
           "CHATMRPT_RASTERS_URL": str(library), "CHATMRPT_POPULATION_FILE": str(population)}
    proc: Proc = start_serve(env, root / "serve.log", workers=2, consumers=1)
    try:
        yield proc
    finally:
        proc.stop(timeout=5)


def api(page, path: str = "") -> dict:
    session_id = page.evaluate("localStorage.getItem('chatmrpt.session')")
    r = page.request.get(f"/api/sessions/{session_id}{path}")
    assert r.ok, r.text()
    return r.json()


def artifact_csv(page, record: dict, name: str) -> pd.DataFrame:
    art = next(a for a in record["artifacts"] if a["name"] == name)
    r = page.request.get(art["url"])
    assert r.ok, r.text()
    return pd.read_csv(io.BytesIO(r.body()))


def check_plan(page, boundaries, n: int) -> dict:
    """The plan's totals add up and every ward's figures follow from its population."""
    plan_id = api(page)["state"]["last_plan"]
    plan = api(page, f"/itn-plans/{plan_id}")
    totals = plan["totals"]
    wards = artifact_csv(page, plan, "itn_plan.csv")
    assert len(wards) == n == totals["wards"]
    assert int(wards["nets_allocated"].sum()) == totals["nets_allocated"]
    assert totals["nets_allocated"] + totals["nets_remaining"] == NETS
    assert totals["nets_allocated"] == NETS  # the need is larger than the stock
    people = fd.expected_population(boundaries)
    frame = fd.boundaries(boundaries)
    by_code = dict(zip(frame["WardCode"], frame["WardName"], strict=True))
    expected = np.array([people[by_code[c]] for c in wards["WardCode"]])
    assert np.allclose(wards["population"], expected, rtol=1e-5)
    assert totals["population"] == pytest.approx(people.sum(), rel=1e-6)
    # one net per 1.8 people, at least one per household of 5; never more than needed
    need = [math.ceil(max(p / 1.8, math.ceil(p / 5))) for p in wards["population"]]
    assert (np.abs(wards["nets_needed"].to_numpy() - np.array(need)) <= 1).all()
    assert (wards["nets_allocated"] <= wards["nets_needed"]).all()
    assert plan["summary"]["population_source"].startswith(
        f"the population raster {POPULATION_FILE}")
    return plan


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SIZES = {"desktop": {}, "phone": PHONE}


@pytest.mark.parametrize(("case", "size"), [("ilorin", "desktop"), ("kano", "phone")])
def test_shipped_table_to_layers_plan_and_reprioritisation(open_page, artifacts_dir, case, size):
    table, boundaries, n = CASES[case]
    page, _watched = open_page(**SIZES[size])
    page.goto("/")
    wait_ready(page)
    page.set_input_files("#table-file", str(table))
    page.set_input_files("#boundaries-file", str(boundaries))
    page.click("#upload-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)

    # the guided step: the library's rasters as checkboxes, the job's progress, the report
    layers = page.locator("#field-layers")
    layers.locator("summary").click()
    box = page.locator("#field-layer-list input[value=rainfall]")
    box.wait_for(timeout=LONG)
    assert "Rainfall" in page.locator("#field-layer-list").inner_text()
    assert "mm/month" in page.locator("#field-layer-list").inner_text()
    box.check()
    page.click("#field-layer-button")
    page.wait_for_function(
        "() => document.getElementById('field-layer-status').textContent.startsWith('Done')",
        timeout=LONG)
    report = page.locator("#field-layer-report").inner_text()
    assert "rainfall" in report and f"{n} wards" in report
    page.locator("#field-panel").screenshot(
        path=str(artifacts_dir / f"field-{case}-{size}-layers.png"))
    dataset = api(page, f"/datasets/{api(page)['state']['current_dataset']}")
    assert "rainfall" in dataset["variables"]

    reply = send(page, "run the analysis")
    assert "The analysis is done." in reply and f"{n} wards ranked" in reply
    reply = send(page, f"plan {NETS} nets, household size 5")
    assert POPULATION_FILE in reply, reply
    check_plan(page, boundaries, n)
    reply = send(page, "urban reprioritisation")
    assert f"Population: the population raster {POPULATION_FILE}" in reply, reply
    assert "Urban share: the boundaries' Urban Yes/No attribute" in reply, reply
    repri_id = api(page)["reprioritizations"][-1]["reprioritization_id"]
    repri = api(page, f"/reprioritizations/{repri_id}")
    assert "Urban Yes/No" in str(repri), repri
    assert POPULATION_FILE in str(repri), repri
    page.screenshot(path=str(artifacts_dir / f"field-{case}-{size}-plan.png"), full_page=True)


def test_facility_export_by_year_with_a_year_selector(open_page, artifacts_dir, tmp_path):
    boundaries = fd.ILORIN_BOUNDARIES
    fd.facility_export(tmp_path / "dhis2_2022_2023.csv", boundaries, years=(2022, 2023),
                       growth=lambda i, k: (2 if i % 2 else -2) * (2 * k - 1))
    fd.population_raster(tmp_path / "pop.tif", boundaries)
    fd.population_raster(tmp_path / "u5.tif", boundaries, share=fd.U5_SHARE)
    fd.builtup_raster(tmp_path / "built.tif", boundaries)
    page, _watched = open_page()
    page.goto("/")
    wait_ready(page)
    page.locator("#field-prepare summary").click()
    page.set_input_files("#field-export", str(tmp_path / "dhis2_2022_2023.csv"))
    page.set_input_files("#field-boundaries", str(boundaries))
    page.set_input_files("#field-population", str(tmp_path / "pop.tif"))
    page.set_input_files("#field-population-u5", str(tmp_path / "u5.tif"))
    page.set_input_files("#field-urban", str(tmp_path / "built.tif"))
    page.check("#field-by-year")
    page.fill("#field-threshold", "2")
    page.check("#field-per-year")
    page.click("#field-prepare-button")
    page.wait_for_function(
        "() => document.getElementById('field-prepare-status').textContent.startsWith('Done')",
        timeout=LONG)
    report = page.locator("#field-prepare-report").inner_text()
    assert "35 wards; 35 have facility data." in report
    assert "Population: the population raster pop.tif" in report
    assert "Under-five population: the under-five population raster u5.tif" in report
    assert "Urban share: the built-up raster built.tif" in report
    assert "Years 2022, 2023" in report and "≥ 2 per 1,000 per year worsening" in report

    # the year selector: both years, each with its own map
    assert page.locator("#field-year option").all_inner_texts() == ["2022", "2023"]
    image = page.locator("#field-year-map")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle(), timeout=LONG)
    latest = image.get_attribute("src")
    assert "2023" in (image.get_attribute("alt") or "")
    page.select_option("#field-year", "2022")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0 && img.alt.includes('2022')",
                           arg=image.element_handle(), timeout=LONG)
    assert image.get_attribute("src") != latest
    files = page.locator("#field-year-files a").all_inner_texts()
    assert files == ["tpr_by_year.csv", "trend.csv", "ranking_by_year.csv"]
    page.locator("#field-panel").screenshot(path=str(artifacts_dir / "field-years.png"))

    # a reload brings the selector back
    page.reload()
    wait_ready(page)
    page.locator("#field-year option").first.wait_for(state="attached", timeout=LONG)
    assert page.locator("#field-year option").all_inner_texts() == ["2022", "2023"]
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle(), timeout=LONG)

    # the built table goes on to a plan that names its population source
    reply = send(page, "run the analysis")
    assert "35 wards ranked" in reply
    reply = send(page, f"plan {NETS} nets, household size 5")
    assert "pop.tif" in reply, reply
    plan = api(page, f"/itn-plans/{api(page)['state']['last_plan']}")
    assert plan["totals"]["population"] == pytest.approx(
        fd.expected_population(boundaries).sum(), rel=1e-6)
    page.screenshot(path=str(artifacts_dir / "field-years-plan.png"), full_page=True)
