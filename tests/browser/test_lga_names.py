"""LGA names from the deployment's names file, on the Kano and Ilorin fixtures.

Both fixtures carry LGA codes only (``LGACode`` 20001…, 24006…; no name field in the
tables or the shapefiles), so without a names file the page shows codes. With
``CHATMRPT_LGA_NAMES_FILE`` (a CSV of code,name) the LGA outlines, the hover, the ranking
table and the HTML report name the LGAs; a code the file does not know keeps its code.
The names here are test labels ("Test LGA A"), not the LGAs' real names.

On the same runs, real data on a laptop and a phone: the table help before the first
upload, the report's date and wording, the Excel rankings' About sheet and rounded scores,
and the session's files grouped by run.
"""

from __future__ import annotations

import re
import string

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests._cluster import ILORIN_BOUNDARIES, KANO_BOUNDARIES, Proc, start_serve
from tests.browser.test_page import LONG, hover_map, send, wait_ready
from tests.browser.test_page_views import DESKTOP, PHONE, SHOTS, load_data, session_api, wait_map

pytestmark = pytest.mark.slow


def fixture_codes(boundaries) -> list[str]:
    import geopandas as gpd

    return sorted({str(c) for c in gpd.read_file(f"zip://{boundaries}")["LGACode"]})


# every LGA code of both fixtures but the last of each: that one keeps its code
CODES = {"kano": fixture_codes(KANO_BOUNDARIES), "ilorin": fixture_codes(ILORIN_BOUNDARIES)}
NAMES = {
    code: f"Test LGA {fixture[0].upper()}{string.ascii_uppercase[i]}"
    for fixture, codes in CODES.items()
    for i, code in enumerate(codes[:-1])
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from chatmrpt.demo.generator import write_demo_data

    root = tmp_path_factory.mktemp("lga-names-server")
    home = root / "home"
    write_demo_data(home / "demo", 100, facility_export=False)
    names = root / "lga_names.csv"
    pd.DataFrame({"code": list(NAMES), "name": list(NAMES.values())}).to_csv(names, index=False)
    env = {"CHATMRPT_HOME": str(home), "CHATMRPT_JOB_LEASE_S": "10",
           "CHATMRPT_LGA_NAMES_FILE": str(names)}
    proc: Proc = start_serve(env, root / "serve.log", workers=2, consumers=1)
    try:
        yield proc
    finally:
        proc.stop(timeout=5)


@pytest.mark.parametrize(
    ("fixture", "size"), [("kano", DESKTOP), ("ilorin", PHONE)], ids=["kano-desktop", "ilorin-phone"]
)
def test_lgas_are_named_from_the_names_file(open_page, tmp_path, fixture, size):
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    # before the first upload: what the table needs, open and whole on this screen
    help_box = page.locator("#table-help")
    assert help_box.get_attribute("open") is not None and help_box.is_visible()
    box = help_box.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    assert page.locator("#table-template").is_visible()
    load_data(page, fixture, tmp_path)
    send(page, "run the analysis")
    wait_map(page, "Composite")
    codes = CODES[fixture]
    expected = {NAMES.get(c, c) for c in codes}
    unnamed = codes[-1]

    # the outlines: one per LGA, named, the unknown code as itself
    layers = page.evaluate("(document.getElementById('map').layout.map || {}).layers || []")
    source = next(layer["source"] for layer in layers
                  if str(layer.get("source", "")).endswith("/lga-shapes"))
    outlines = page.request.get(source).json()
    assert {f["properties"]["name"] for f in outlines["features"]} == expected

    # the wards of the API and the ranking table
    analysis_id = session_api(page, "")["state"]["current_analysis"]
    wards = session_api(page, f"/analyses/{analysis_id}/wards?limit=500")["wards"]
    assert {w["LGA"] for w in wards} == expected
    page.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
    headers = page.eval_on_selector_all("#ranking-table thead th", "ths => ths.map(t => t.textContent)")
    column = next(i for i, t in enumerate(headers) if t.strip().startswith("LGA"))
    shown = page.eval_on_selector_all(
        f"#ranking-table tbody tr td:nth-child({column + 1})", "tds => tds.map(t => t.textContent)"
    )
    assert shown and set(shown) <= expected and any(s.startswith("Test LGA") for s in shown)

    # the hover of a ward names its LGA
    hover = hover_map(
        page, [(0.5, 0.55), (0.45, 0.5), (0.55, 0.6), (0.4, 0.45), (0.6, 0.4), (0.5, 0.7)]
    )
    assert any(name in hover for name in expected), hover
    name = "phone" if size is PHONE else "desktop"
    page.locator("#map-panel").screenshot(path=str(SHOTS / f"{fixture}-{name}-15-lga-names.png"))

    # the report names them too
    send(page, "plan 40000 nets, household size 5")
    page.locator("#plan-table tbody tr").first.wait_for(timeout=LONG)
    # the page outside the conversation speaks without jargon (the replies are the
    # assistant's own)
    page_text = page.evaluate(
        """() => { const copy = document.body.cloneNode(true);
                   copy.querySelector('#chat-log').remove(); return copy.textContent; }"""
    ).lower()
    for word in ("tier 1", "tier 2", "strategy stop", "unacceptable", "kmo"):
        assert word not in page_text, word
    with page.expect_download() as download:
        page.click("#export-buttons button[data-what=report]")
    report = download.value.path().read_text(encoding="utf-8")
    assert all(n in report for n in expected - {unnamed}), sorted(expected)
    assert re.search(r"generated \d{2} \w{3} \d{4}, \d{2}:\d{2} UTC", report)
    assert "tier" not in report.lower() and "unacceptable" not in report

    # the Excel rankings: scores rounded, and a sheet saying how they were made
    with page.expect_download() as download:
        page.click("#export-buttons button[data-what=rankings][data-format=xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert book.sheetnames == ["Wards", "About"]
    about = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2)}
    assert any(str(k).startswith("Variable: ") for k in about) and about.get("Generated")
    header = [c.value for c in book["Wards"][1]]
    scores = {r[header.index("composite_score")].number_format
              for r in book["Wards"].iter_rows(min_row=2)}
    assert scores == {"0.000"}

    # the files of the session, grouped by run: the analysis and the plan, each labelled
    page.locator("#artifact-list > li.run[data-run=plan]").wait_for(timeout=LONG)
    assert page.locator("#artifact-list > li.run[data-run=analysis]").count() == 1
    assert "40,000 nets" in page.locator("#artifact-list > li.run[data-run=plan]").inner_text()
    visible = page.eval_on_selector_all(
        "#artifact-list a", "as => as.filter(a => !a.closest('details')).map(a => a.textContent)"
    )
    assert visible and not [n for n in visible if n.endswith((".json", ".parquet", ".geoparquet"))]
    page.locator("#downloads-panel").screenshot(path=str(SHOTS / f"{fixture}-{name}-11-downloads.png"))
    assert not watched.problems()
