"""The page in a real browser against ``chatmrpt serve``: what an analyst does with it.

Upload real ward files, run the analysis from the chat and watch its progress, look at
the map and hover a ward, plan nets, sort and filter the ranking, download files; a ward
called ``<img src=x onerror=alert(1)>`` stays text; the demo data button; the first
load's weight; a 256 kbit/s line. Screenshots are kept in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from tests._cluster import ILORIN_BOUNDARIES, ILORIN_TABLE, with_planning_columns
from tests.browser.conftest import DEMO_WARDS

pytestmark = pytest.mark.slow

HOSTILE = "<img src=x onerror=alert(1)>"
FIRST_LOAD_LIMIT = 1_500_000
SLOW_LINE = 256 * 1000 // 8  # 256 kbit/s in bytes per second
LONG = 120_000  # ms: generous, for slow machines


def wait_ready(page) -> None:
    page.wait_for_selector("#chat-input:not([disabled])", timeout=LONG)
    page.wait_for_function(
        "() => document.getElementById('session-status').textContent.startsWith('Session')"
    )


def wait_reply(page, before: int):
    """The assistant's message after the first ``before``, once the page says it is done
    (no aria-busy); at that moment the page must take the next message (a message sent
    while the chat is still busy is ignored)."""
    reply = page.locator("#chat-log .msg.assistant").nth(before)
    reply.wait_for(timeout=LONG)
    done = page.wait_for_function(
        """el => !el.hasAttribute('aria-busy')
                 && {sendable: !document.getElementById('chat-send').disabled}""",
        arg=reply.element_handle(),
        timeout=LONG,
    )
    assert done.json_value()["sendable"], "the reply is done but the chat takes no message"
    return reply


def send(page, text: str) -> str:
    """Type a message, press Enter, and wait for the whole reply; returns its text."""
    before = page.locator("#chat-log .msg.assistant").count()
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    reply = wait_reply(page, before)
    assert "error" not in (reply.get_attribute("class") or ""), reply.inner_text()
    return reply.locator(".text").inner_text()


def wait_figure(page, which: str = "map") -> None:
    """The map (or chart) panel has drawn what was asked and brought it into view: the
    page marks the panel aria-busy from the request until then."""
    page.wait_for_function(
        "id => !document.getElementById(id).hasAttribute('aria-busy')",
        arg=f"{which}-panel",
        timeout=LONG,
    )


def hover_map(page, points) -> str:
    """The map's hover text at the first of ``points`` (fractions of the map's box) over a
    ward: each point waits for the hover to be drawn (slow on a busy machine)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wait_figure(page)
    box = page.locator("#map").bounding_box()
    for dx, dy in points:
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        try:
            page.wait_for_function(
                "() => (document.querySelector('#map .hoverlayer')?.textContent || '').trim()",
                timeout=5_000,
            )
        except PlaywrightTimeout:
            continue  # no ward under this point
        return page.locator("#map .hoverlayer").text_content() or ""
    return ""


def column(page, key: str) -> list[str]:
    """The texts of the ranking table's column ``key`` (e.g. WardName), top to bottom."""
    keys = page.eval_on_selector_all(
        "#ranking-table thead th", "ths => ths.map(th => th.dataset.key)"
    )
    return page.eval_on_selector_all(
        f"#ranking-table tbody tr td:nth-child({keys.index(key) + 1})",
        "tds => tds.map(td => td.textContent)",
    )


def ranking_names(page) -> list[str]:
    return column(page, "WardName")


def wards_api(page, analysis_id: str, **query) -> dict:
    session_id = page.evaluate("localStorage.getItem('chatmrpt.session')")
    params = "&".join(f"{k}={v}" for k, v in query.items())
    r = page.request.get(f"/api/sessions/{session_id}/analyses/{analysis_id}/wards?{params}")
    assert r.ok, r.text()
    return r.json()


def measure_first_load(page) -> tuple[int, list[str]]:
    """Load the page and add up the bytes that came over the wire (CDP encodedDataLength:
    headers and compressed body) until it is ready and the network is quiet."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    sizes: dict[str, float] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto("/", wait_until="networkidle")
    wait_ready(page)
    page.wait_for_timeout(500)
    cdp.detach()
    return int(sum(sizes.values())), [urls.get(k, "?") for k in sizes]


def test_the_whole_flow(open_page, artifacts_dir, tmp_path):
    page, watched = open_page()
    total, loaded = measure_first_load(page)
    print(f"first load: {total:,} bytes over {len(loaded)} responses")
    assert total <= FIRST_LOAD_LIMIT, loaded
    assert not [u for u in loaded if "plotly" in u], "plotly.js must wait for the first map"
    page.screenshot(path=str(artifacts_dir / "01-empty-page.png"), full_page=True)

    # upload real ward files, with progress
    table = tmp_path / "ilorin_variables.csv"
    table.write_bytes(with_planning_columns(ILORIN_TABLE))
    page.set_input_files("#table-file", str(table))
    page.set_input_files("#boundaries-file", str(ILORIN_BOUNDARIES))
    page.click("#upload-button")
    summary = page.locator("#dataset-summary")
    summary.locator("dl").wait_for(timeout=LONG)
    assert "35 of 35 wards" in summary.inner_text() and "ilorin_wards.zip" in summary.inner_text()

    # the analysis from the chat, with its progress bar
    reply = send(page, "run the analysis")
    assert "The analysis is done." in reply and "35 wards ranked" in reply
    job = page.locator("#jobs .job[data-kind=analysis].succeeded")
    job.wait_for(timeout=LONG)
    assert job.locator("progress").evaluate("p => p.value") == 1
    assert "finished" in job.inner_text()
    assert page.locator("#suggestions button").count() >= 1
    page.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
    analysis_id = page.evaluate(
        "fetch('/api/sessions/' + localStorage.getItem('chatmrpt.session'))"
        ".then(r => r.json()).then(s => s.state.current_analysis)"
    )
    names = {w["WardName"] for w in wards_api(page, analysis_id, limit=100)["wards"]}

    # the map: plotly.js arrives now, MapLibre draws it on a canvas, hover names a ward
    page.select_option("#map-kind", "composite")
    page.click("#map-show")
    page.locator("#map .maplibregl-canvas").wait_for(timeout=LONG)
    page.wait_for_function(
        "() => document.getElementById('map-status').textContent.startsWith('Showing')",
        timeout=LONG,
    )
    hover = hover_map(
        page, [(0.5, 0.55), (0.5, 0.5), (0.45, 0.6), (0.55, 0.45), (0.4, 0.5), (0.6, 0.6)]
    )
    assert any(name in hover for name in names), hover
    assert "Composite rank" in hover and "of 35" in hover
    page.screenshot(path=str(artifacts_dir / "02-map-hover.png"), full_page=True)

    # the ITN plan from the form
    page.fill("#plan-nets", "40000")
    page.fill("#plan-household", "5")
    page.click("#plan-submit")
    page.locator("#plan-table tbody tr").first.wait_for(timeout=LONG)
    totals = page.locator("#plan-summary").inner_text()
    assert "40,000" in totals and "Nets allocated" in totals
    assert page.locator("#plan-table tbody tr").count() == 35
    # and the ITN map it makes possible
    page.select_option("#map-kind", "itn")
    page.click("#map-show")
    page.wait_for_function(
        "() => document.getElementById('map-status').textContent.includes('ITN')", timeout=LONG
    )
    page.screenshot(path=str(artifacts_dir / "03-itn-plan.png"), full_page=True)
    # plotly.js came from this server, once; the ward shapes were fetched once for both maps
    assert len([u for u in watched.requests if u.endswith("/plotly.min.js")]) == 1
    session_id = page.evaluate("localStorage.getItem('chatmrpt.session')")
    shapes = page.request.get(
        f"/api/sessions/{session_id}/analyses/{analysis_id}/maps/composite"
    ).json()["geojson"]
    assert len([u for u in watched.requests if u.endswith(shapes)]) == 1

    # the ranking table: sort by ward name, then by score; filter by name and by category
    page.click("#ranking-table th[data-key=WardName] button")
    page.wait_for_selector("#ranking-table th[data-key=WardName][aria-sort=ascending]")
    expected = [
        w["WardName"] for w in wards_api(page, analysis_id, sort="WardName", limit=100)["wards"]
    ]
    assert ranking_names(page) == expected
    page.click("#ranking-table th[data-key=composite_score] button")
    page.wait_for_selector("#ranking-table th[data-key=composite_score][aria-sort=descending]")
    scores = [float(v) for v in column(page, "composite_score")]
    assert len(scores) == 35 and scores == sorted(scores, reverse=True)
    page.fill("#ranking-search", "ak")
    page.wait_for_function(
        "() => document.getElementById('ranking-status').textContent.includes('matching')"
    )
    shown = ranking_names(page)
    api = wards_api(page, analysis_id, sort="composite_score", q="ak", limit=100)
    assert shown == [w["WardName"] for w in api["wards"]] and shown
    assert all("ak" in n.lower() for n in shown)
    page.fill("#ranking-search", "")
    page.select_option("#ranking-category", "High")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#ranking-table tbody tr')].length === 11"
    )
    assert set(page.locator("#ranking-table tbody .cat").all_inner_texts()) == {"High"}
    page.screenshot(path=str(artifacts_dir / "04-ranking-filtered.png"), full_page=True)

    # downloads: the rankings as CSV, the map as a picture
    with page.expect_download(timeout=LONG) as got:
        page.click("#export-buttons button[data-what=rankings][data-format=csv]")
    download = got.value
    assert download.suggested_filename == "rankings.csv"
    saved = artifacts_dir / "rankings.csv"
    download.save_as(saved)
    ranking = pd.read_csv(saved)
    assert len(ranking) == 35 and ranking["composite_rank"].tolist() == list(range(1, 36))
    with page.expect_download(timeout=LONG) as got:
        page.click("#export-buttons button[data-what=map][data-format=png]")
    assert got.value.suggested_filename == "map_itn.png"
    got.value.save_as(artifacts_dir / "map_itn.png")
    assert (artifacts_dir / "map_itn.png").read_bytes()[:4] == b"\x89PNG"
    page.locator("#artifact-list a", has_text="map_itn.png").wait_for(timeout=LONG)

    # a reload resumes the same session: the conversation and results come back
    page.reload()
    wait_ready(page)
    assert page.locator("#session-status").inner_text().startswith("Session resumed")
    page.locator("#chat-log .msg.user", has_text="run the analysis").wait_for(timeout=LONG)
    page.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
    page.locator("#plan-table tbody tr").first.wait_for(timeout=LONG)
    page.screenshot(path=str(artifacts_dir / "05-resumed.png"), full_page=True)
    assert not watched.problems()


def test_a_hostile_ward_name_is_shown_as_text(open_page, artifacts_dir, tmp_path):
    page, watched = open_page()
    page.goto("/")
    wait_ready(page)
    frame = pd.read_csv(io.BytesIO(with_planning_columns(ILORIN_TABLE)))
    frame.loc[0, "WardName"] = HOSTILE
    table = tmp_path / "hostile_wards.csv"
    frame.to_csv(table, index=False)
    page.set_input_files("#table-file", str(table))
    page.click("#upload-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)

    reply = send(page, "run the analysis")
    assert "The analysis is done." in reply
    # no boundaries: the page says there are no maps instead of failing
    page.locator("#map-status", has_text="no ward boundaries").wait_for(timeout=LONG)
    top = send(page, "show me the top 35 wards")
    assert top
    page.fill("#ranking-search", "<img")
    page.wait_for_function(
        "() => document.getElementById('ranking-status').textContent.startsWith('1 matching')"
    )
    assert ranking_names(page) == [HOSTILE]
    # literally, as text, in the table, in the chat's ward table and in the user's message
    assert page.get_by_text(HOSTILE, exact=True).count() >= 2
    why = send(page, f"why is {HOSTILE} ranked where it is?")
    assert why.startswith(HOSTILE)
    page.locator("#chat-log .msg.user .text", has_text=HOSTILE).wait_for()
    assert page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(artifacts_dir / "06-hostile-ward-name.png"), full_page=True)
    assert watched.dialogs == []
    assert not watched.problems()


def test_the_demo_data_on_a_phone(open_page, artifacts_dir):
    page, watched = open_page(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page.goto("/")
    wait_ready(page)
    page.click("#demo-button")
    summary = page.locator("#dataset-summary")
    summary.locator("dl").wait_for(timeout=LONG)
    assert "wards.csv" in summary.inner_text() and "100" in summary.inner_text()
    assert "100 of 100 wards" in summary.inner_text()
    # suggested next steps are buttons that send themselves
    page.locator("#suggestions button", has_text="Run the analysis").click()
    page.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
    page.locator("#suggestions button", has_text="Show the vulnerability map").click()
    page.locator("#map .maplibregl-canvas").wait_for(timeout=LONG)
    # nothing wider than the screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
    page.screenshot(path=str(artifacts_dir / "07-demo-phone.png"), full_page=False)
    page.locator("#map-panel").screenshot(path=str(artifacts_dir / "08-demo-phone-map.png"))
    with page.expect_download(timeout=LONG) as got:
        page.click("#export-buttons button[data-what=report]")
    assert got.value.suggested_filename == "report.html"
    got.value.save_as(artifacts_dir / "demo-report.html")
    assert (artifacts_dir / "demo-report.html").read_text().startswith("<!DOCTYPE html>")
    assert not watched.problems()


def test_keyboard_only(open_page):
    page, watched = open_page()
    page.goto("/")
    wait_ready(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'chat-input'"
    )
    # a visible focus ring on the focused control
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), outline
    page.keyboard.type("What can you do?")
    page.keyboard.press("Enter")
    page.locator("#chat-log .msg.assistant .text", has_text="You can ask me to").wait_for(
        timeout=LONG
    )
    # Shift+Enter is a new line, not a send
    page.keyboard.type("line one")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("line two")
    assert page.input_value("#chat-input") == "line one\nline two"
    assert not watched.problems()


def test_usable_on_a_256_kbit_line(open_page, artifacts_dir):
    page, watched = open_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 300,
            "downloadThroughput": SLOW_LINE,
            "uploadThroughput": SLOW_LINE,
        },
    )
    started = time.monotonic()
    page.goto("/", timeout=LONG)
    wait_ready(page)
    ready = time.monotonic() - started
    reply = send(page, "What can you do?")
    assert "You can ask me to" in reply
    print(
        f"ready after {ready:.1f} s at 256 kbit/s; reply after {time.monotonic() - started:.1f} s"
    )
    page.screenshot(path=str(artifacts_dir / "09-slow-line.png"))
    assert not watched.problems()


def test_test_positivity_from_a_facility_export(open_page, tmp_path):
    from chatmrpt.demo.generator import write_demo_data

    # the same demo state as the server's (same size and seed), with its facility export
    files = write_demo_data(tmp_path / "demo", DEMO_WARDS)
    page, watched = open_page()
    page.goto("/")
    wait_ready(page)
    page.click("#demo-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)
    page.click("#tpr-panel summary")
    page.set_input_files("#tpr-file", str(files["facility_tpr"]))
    page.select_option("#tpr-age", "u5")
    page.click("#tpr-button")
    job = page.locator("#jobs li[data-kind=tpr]")
    job.locator(".stage", has_text="finished").wait_for(timeout=LONG)
    # the rates were joined into the ward table: a new current dataset, with the column
    page.wait_for_function(
        "() => document.getElementById('dataset-summary').textContent.includes('u5_tpr_rdt')",
        timeout=LONG,
    )
    # and the assistant can compute them again with other settings
    # (the reply first says the run is a re-run of the panel's, its other settings kept)
    reply = send(page, "compute the TPR for all ages")
    assert "Running the TPR again with all ages" in reply, reply
    assert "Computing test positivity rates (all, test both, all facilities)" in reply, reply
    assert not watched.problems()
