"""Maps and charts where the analyst looks, on the demo, Kano and Ilorin, laptop and phone.

After an analysis the vulnerability map appears by itself; a map asked for in the chat is
on screen; switching variable maps (one with missing values, one without, and back) leaves
no error, no stale layer, legend or title, and the status and picker name the map shown;
a reload shows the same map; chat tables never break a number or a label; the phone map
fits the screen. Screenshots go to ``test-artifacts/screenshots/after/``.
"""

from __future__ import annotations

import pytest

from tests._cluster import (
    ILORIN_BOUNDARIES,
    ILORIN_TABLE,
    KANO_BOUNDARIES,
    KANO_TABLE,
    PROJECT_ROOT,
    with_planning_columns,
)
from tests.browser.test_page import LONG, hover_map, send, wait_figure, wait_ready, wait_reply

pytestmark = pytest.mark.slow

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots" / "after"
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FIXTURES = {
    "kano": (KANO_TABLE, KANO_BOUNDARIES),
    "ilorin": (ILORIN_TABLE, ILORIN_BOUNDARIES),
}


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def load_data(page, fixture: str, tmp_path) -> None:
    if fixture == "demo":
        page.click("#demo-button")
    else:
        table, boundaries = FIXTURES[fixture]
        path = tmp_path / table.name
        path.write_bytes(with_planning_columns(table))
        page.set_input_files("#table-file", str(path))
        page.set_input_files("#boundaries-file", str(boundaries))
        page.click("#upload-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)


def wait_map(page, title_part: str) -> None:
    page.wait_for_function(
        """t => document.getElementById('map-status').textContent.startsWith('Showing: ')
              && document.getElementById('map-title').textContent.includes(t)""",
        arg=title_part,
        timeout=LONG,
    )
    page.locator("#map .maplibregl-canvas").wait_for(timeout=LONG)


def wait_in_viewport(page, selector: str) -> None:
    """The element comes into view once it is drawn (a busy machine draws slowly): the page
    says the figure is drawn and brought into view, and keeps it there while the page
    settles (one frame lets it answer a change of layout)."""
    wait_figure(page, "plot" if selector.startswith("#plot") else "map")
    page.wait_for_function(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                    return r.top >= -1 && r.bottom <= window.innerHeight + 1
                        && r.left >= -1 && r.right <= window.innerWidth + 1; }""",
        arg=selector,
        timeout=LONG,
    )


def in_viewport(page, selector: str) -> bool:
    # after a frame, as a user sees it: the page keeps a new figure in view by answering
    # layout changes before the next paint
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= -1
        and box["y"] + box["height"] <= size["height"] + 1
        and box["x"] >= -1
        and box["x"] + box["width"] <= size["width"] + 1
    )


def session_api(page, path: str) -> dict:
    session_id = page.evaluate("localStorage.getItem('chatmrpt.session')")
    r = page.request.get(f"/api/sessions/{session_id}{path}")
    assert r.ok, r.text()
    return r.json()


def drawn(page) -> dict:
    """What plotly drew in the map: trace names and the legend's entries."""
    return page.evaluate(
        """() => {
          const el = document.getElementById('map');
          return {
            traces: (el.data || []).map(t => t.name || ''),
            legend: [...el.querySelectorAll('.legend .traces')].map(t => t.textContent),
          };
        }"""
    )


def broken_cells(page, selector: str) -> list[str]:
    """Cells of the tables under ``selector`` whose text runs over more than one line."""
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel + ' td')].filter(td => {
             const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
             for (let node = walk.nextNode(); node; node = walk.nextNode()) {
               const range = document.createRange();
               range.selectNodeContents(node);
               const rects = [...range.getClientRects()].filter(r => r.width > 0);
               if (new Set(rects.map(r => Math.round(r.top))).size > 1) return true;
             }
             return false;
           }).map(td => td.textContent)""",
        selector,
    )


# each table once and each screen size at least twice: the kano table (wards without a value)
# on a laptop, the ilorin one on a phone, the demo on both
CASES = [
    pytest.param(fixture, size, id=f"{fixture}-{name}")
    for fixture, size, name in (("demo", DESKTOP, "desktop"), ("demo", PHONE, "phone"),
                                ("kano", DESKTOP, "desktop"), ("ilorin", PHONE, "phone"))
]


@pytest.mark.parametrize(("fixture", "size"), CASES)
def test_maps_in_view_and_switching(open_page, tmp_path, fixture, size):
    page, watched = open_page(**size)
    phone = size is PHONE
    name = f"{fixture}-{'phone' if phone else 'desktop'}"
    page.goto("/")
    wait_ready(page)
    load_data(page, fixture, tmp_path)

    # the analysis from the chat: the vulnerability map comes by itself, into view (the test
    # servers let the chat wait for the job longer than 20 s: CHATMRPT_CHAT_WAIT_S)
    reply = send(page, "run the analysis")
    assert "The analysis is done." in reply, reply
    wait_map(page, "Composite")
    assert page.input_value("#map-kind") == "composite"
    wait_in_viewport(page, "#map")
    assert in_viewport(page, "#map"), page.locator("#map").bounding_box()
    shot(page, f"{name}-01-map-after-analysis")
    # axe-core on the real data's results, on a laptop and a phone
    from tests.browser.test_accessibility import axe_source, violations

    found = violations(page, axe_source())
    assert not found, "\n".join(found)

    # a map asked for in the chat is on screen, whichever way the page was scrolled
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    reply = send(page, "can I see the risk map?")
    assert "map" in reply.lower()
    wait_in_viewport(page, "#map")
    assert in_viewport(page, "#map"), page.locator("#map").bounding_box()
    shot(page, f"{name}-02-map-asked-in-chat")

    # a chat table: no number, code or category broken over two lines
    send(page, "show me the top 10 wards")
    table = page.locator("#chat-log .msg.assistant .data-table").last
    table.wait_for(timeout=LONG)
    assert table.locator("tbody tr").count() == 10
    assert broken_cells(page, "#chat-log .msg.assistant") == []
    # the conversation stays inside its panel, however long the data summary above it
    log, panel = page.locator("#chat-log").bounding_box(), page.locator("#chat-panel").bounding_box()
    assert panel["y"] - 1 <= log["y"] and log["y"] + log["height"] <= panel["y"] + panel["height"] + 1
    table.scroll_into_view_if_needed()
    shot(page, f"{name}-03-chat-table")

    # variable maps: one with wards without a value, one without, and back
    analysis_id = session_api(page, "")["state"]["current_analysis"]
    variables = page.eval_on_selector_all("#map-variable option", "os => os.map(o => o.value)")
    traces = {
        v: len(session_api(page, f"/analyses/{analysis_id}/maps/variable?variable={v}")
               ["figure"]["data"])
        for v in variables
    }
    gaps = [v for v in variables if traces[v] > 1]
    full = [v for v in variables if traces[v] == 1]
    assert full, traces
    order = [gaps[0], full[0], gaps[0]] if gaps else [full[0], full[-1], full[0]]
    if fixture == "kano":  # dumpsites has wards without a value
        assert gaps, f"expected a variable with missing values in {fixture}: {traces}"
    for variable in order:
        page.select_option("#map-kind", "variable")
        page.select_option("#map-variable", variable)
        page.click("#map-show")
        wait_map(page, variable)
        page.wait_for_function(
            "n => (document.getElementById('map').data || []).length === n",
            arg=traces[variable],
            timeout=LONG,
        )
        status = page.locator("#map-status").inner_text()
        assert variable in status and "error" not in status.lower(), status
        assert page.locator("#page-alert").is_hidden()
        assert page.input_value("#map-kind") == "variable"
        assert page.input_value("#map-variable") == variable
        now = drawn(page)
        assert len(now["traces"]) == traces[variable], now
        # a no-data legend only on the map with wards without a value
        assert len(now["legend"]) == traces[variable] - 1, now
        shot(page, f"{name}-04-variable-{variable}")

    # phone: the map, its colour bar and its toolbar fit the screen
    box = page.locator("#map").bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    bar = page.locator("#map .colorbar").bounding_box()
    assert bar is not None
    assert bar["x"] >= box["x"] - 1 and bar["x"] + bar["width"] <= box["x"] + box["width"] + 1
    title = page.locator("#map-title").bounding_box()
    assert title["y"] + title["height"] <= box["y"] + 1, "the title sits above the map"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    if phone:
        page.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
        assert page.locator("#ranking-scroll-cue").is_visible()
        page.locator("#ranking-panel").screenshot(path=str(SHOTS / f"{name}-05-ranking.png"))

    # a reload shows the last map again
    last = order[-1]
    page.reload()
    wait_ready(page)
    wait_map(page, last)
    assert page.input_value("#map-kind") == "variable"
    assert page.input_value("#map-variable") == last
    page.locator("#map-panel").scroll_into_view_if_needed()
    shot(page, f"{name}-06-reloaded")
    assert not watched.problems()


# the page's map figures (GET .../figures/{id}) wait until the test lets them through: a
# slow server, one response at a time
HOLD_FIGURES = """
window.heldFigures = [];
const fetchNow = window.fetch.bind(window);
window.fetch = (url, init) => String(url).includes('/figures/')
  ? new Promise(resolve => window.heldFigures.push(() => resolve(fetchNow(url, init))))
  : fetchNow(url, init);
"""


def test_a_map_choice_made_while_another_map_comes_is_kept(open_page, tmp_path):
    """A map already on its way (here the one a chat reply made) that is drawn after the
    analyst chose another map in the picker leaves their choice as it is, and Show map
    shows the map the picker names."""
    page, watched = open_page(**PHONE)
    page.add_init_script(HOLD_FIGURES)
    page.goto("/")
    wait_ready(page)
    load_data(page, "demo", tmp_path)
    assert "The analysis is done." in send(page, "run the analysis")
    wait_map(page, "Composite")
    wait_figure(page)

    send(page, "can I see the risk map?")
    page.wait_for_function("() => window.heldFigures.length === 1", timeout=LONG)
    variable = page.eval_on_selector("#map-variable option", "o => o.value")
    page.select_option("#map-kind", "variable")
    page.select_option("#map-variable", variable)
    # the chat's map arrives and is drawn after the choice
    page.evaluate("() => window.heldFigures.shift()()")
    wait_figure(page)
    assert "Composite" in page.locator("#map-title").inner_text()
    assert page.input_value("#map-kind") == "variable"
    assert page.input_value("#map-variable") == variable
    assert page.locator("#map-variable").is_visible()

    page.click("#map-show")
    wait_map(page, variable)
    assert page.input_value("#map-kind") == "variable"
    assert not watched.problems()


@pytest.mark.parametrize(("fixture", "size"), [("demo", DESKTOP), ("demo", PHONE)])
def test_rank_comparison_chart_is_whole(open_page, tmp_path, fixture, size):
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    load_data(page, fixture, tmp_path)
    send(page, "run the analysis")
    wait_map(page, "Composite")
    page.select_option("#plot-kind", "rank_comparison")
    page.click("#plot-show")
    page.wait_for_function(
        "() => document.getElementById('plot-status').textContent.startsWith('Showing')",
        timeout=LONG,
    )
    plot = page.locator("#plot").bounding_box()
    ticks = page.eval_on_selector_all(
        "#plot .ytick text, #plot .g-ytitle text",
        "els => els.map(e => e.getBoundingClientRect().left)",
    )
    assert ticks and min(ticks) >= plot["x"] - 1, (ticks, plot)
    modebar = page.locator("#plot .modebar").bounding_box()
    title = page.locator("#plot-title").bounding_box()
    assert title["y"] + title["height"] <= plot["y"] + 1
    if modebar is not None:
        assert modebar["y"] >= title["y"] + title["height"] - 1
    page.locator("#plot-panel").screenshot(
        path=str(SHOTS / f"{fixture}-{'phone' if size is PHONE else 'desktop'}-07-chart.png")
    )
    assert not watched.problems()


@pytest.mark.parametrize(
    ("fixture", "size"), [("ilorin", DESKTOP), ("kano", PHONE)], ids=["ilorin-desktop", "kano-phone"]
)
def test_a_second_tab_follows_the_conversation(open_page, tmp_path, fixture, size):
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    load_data(page, fixture, tmp_path)
    other = page.context.new_page()
    other.goto("/")
    wait_ready(other)
    assert other.locator("#session-status").inner_text().startswith("Session resumed")
    send(page, "run the analysis")
    # the other tab shows the exchange and the results without a reload
    other.locator("#chat-log .msg.user", has_text="run the analysis").wait_for(timeout=LONG)
    other.locator("#chat-log .msg.assistant", has_text="The analysis is done.").wait_for(
        timeout=LONG
    )
    other.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
    assert other.locator("#chat-log .msg.user", has_text="run the analysis").count() == 1
    # and this tab does not show its own messages twice
    page.wait_for_timeout(1500)
    assert page.locator("#chat-log .msg.user", has_text="run the analysis").count() == 1
    # a plan made in this tab shows in the other one too
    send(page, "plan 40000 nets, household size 5")
    other.locator("#plan-table tbody tr").first.wait_for(timeout=LONG)
    other.locator("#chat-log .msg.assistant", has_text="40,000 nets").first.wait_for(timeout=LONG)
    size_name = "phone" if size is PHONE else "desktop"
    other.screenshot(path=str(SHOTS / f"{fixture}-{size_name}-08-second-tab.png"))
    assert not watched.problems()


@pytest.mark.parametrize(("size", "age"), [(DESKTOP, "o5"), (PHONE, "all")], ids=["desktop", "phone"])
def test_facility_export_form_reports_the_result(open_page, tmp_path, size, age):
    from chatmrpt.demo.generator import write_demo_data
    from tests.browser.conftest import DEMO_WARDS

    files = write_demo_data(tmp_path / "demo", DEMO_WARDS)
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    page.click("#demo-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)
    page.click("#tpr-panel summary")
    # the Test drop-down is whole: its options fit, and it fits its panel
    select = page.locator("#tpr-test").bounding_box()
    panel = page.locator("#data-panel").bounding_box()
    assert select["x"] + select["width"] <= panel["x"] + panel["width"] + 1
    assert page.evaluate(
        "() => { const s = document.getElementById('tpr-test'); return s.scrollWidth <= s.clientWidth + 1; }"
    )
    page.set_input_files("#tpr-file", str(files["facility_tpr"]))
    page.select_option("#tpr-age", age)
    page.click("#tpr-button")
    page.wait_for_function(
        "() => document.getElementById('tpr-status').textContent.startsWith('Done')",
        timeout=LONG,
    )
    status = page.locator("#tpr-status").inner_text()
    assert "Computing" not in status and "rates from" in status, status
    note = page.locator("#chat-log .msg.note", has_text="Test positivity rates computed")
    note.wait_for(timeout=LONG)
    said = note.inner_text()
    # the note's figures are the run's own
    session = session_api(page, "")
    run = session_api(page, f"/tpr/{session['state']['last_tpr']}")
    low, high = run["summary"]["tpr_range"]
    # rates are percentages: positive per 100 tested
    assert 0 <= low <= high <= 100, (low, high)
    assert f"{low:.1f}%" in said and f"{high:.1f}%" in said, said
    matched = run["summary"]["join_report"]["matched"]
    assert f"{matched} of" in said, said
    page.locator("#data-panel").screenshot(
        path=str(SHOTS / f"demo-{'phone' if size is PHONE else 'desktop'}-09-tpr.png")
    )
    # the note's button re-runs the analysis, which uses the new rate without being told
    from chatmrpt.analysis.tpr import TPR_VARIABLE

    column = TPR_VARIABLE[age]
    assert column in said
    before = page.locator("#chat-log .msg.assistant").count()
    page.locator("#suggestions button", has_text="Run the analysis").click()
    reply = wait_reply(page, before)
    assert "The analysis is done." in reply.inner_text(), reply.inner_text()
    state = session_api(page, "")["state"]
    assert state["current_dataset"] == run["summary"]["dataset_id"]
    analysis = session_api(page, f"/analyses/{state['current_analysis']}")
    used = [v["name"] for v in analysis["summary"]["variables"]]
    assert column in used, used
    assert not watched.problems()


def test_table_help_and_downloads_by_run(open_page, tmp_path):
    page, watched = open_page(**DESKTOP)
    page.goto("/")
    wait_ready(page)
    # a map asked for before any upload: the reply says to upload the ward table first
    reply = send(page, "can I see the risk map?")
    assert "upload" in reply.lower() and "finished analysis" not in reply.lower(), reply
    # before any upload: what the table needs, with a template that the page accepts
    help_box = page.locator("#table-help")
    assert help_box.get_attribute("open") is not None
    assert "WardName" in help_box.inner_text()
    href = page.locator("#table-template").get_attribute("href")
    template = page.request.get(href)
    assert template.ok and template.text().splitlines()[0].startswith("WardName,")
    path = tmp_path / "ward_table_template.csv"
    path.write_bytes(template.body())
    page.set_input_files("#table-file", str(path))
    page.click("#upload-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)
    assert "ward_table_template.csv" in page.locator("#dataset-summary").inner_text()
    assert page.locator("#table-help").get_attribute("open") is None

    page.click("#demo-button")
    page.locator("#dataset-summary", has_text="wards.csv").wait_for(timeout=LONG)
    send(page, "run the analysis")
    wait_map(page, "Composite")
    for nets in ("40000", "50000"):
        page.fill("#plan-nets", nets)
        page.fill("#plan-household", "5")
        page.click("#plan-submit")
        page.locator("#plan-status", has_text=f"{int(nets):,} nets").wait_for(timeout=LONG)
    status = page.locator("#plan-status").inner_text()
    assert "strategy stop" not in status and "stopping at the first ward" in status, status
    assert "Tier" not in page.locator("#plan-table thead").inner_text()
    send(page, "which urban wards could be de-prioritised?")

    runs = page.locator("#artifact-list > li.run")
    page.locator("#artifact-list > li.run[data-run=reprioritization]").wait_for(timeout=LONG)
    plans = page.locator("#artifact-list > li.run[data-run=plan]")
    assert plans.count() == 2
    texts = plans.all_inner_texts()
    assert any("50,000 nets" in t for t in texts) and any("40,000 nets" in t for t in texts)
    # newest run first, each with its time
    assert "50,000 nets" in texts[0]
    assert all(" · " in t for t in runs.all_inner_texts())
    assert page.locator("#artifact-list > li.run[data-run=analysis]").count() == 1
    # JSON and GeoParquet only under "More formats"; CSV in plain view
    visible = page.eval_on_selector_all(
        "#artifact-list a", "as => as.filter(a => !a.closest('details')).map(a => a.textContent)"
    )
    assert visible and not [n for n in visible if n.endswith((".json", ".parquet", ".geoparquet"))]
    assert "itn_plan.csv" in visible
    hidden = page.eval_on_selector_all(
        "#artifact-list details.more-formats a", "as => as.map(a => a.textContent)"
    )
    assert "itn_plan.json" in hidden
    page.locator("#downloads-panel").screenshot(path=str(SHOTS / "demo-desktop-11-downloads.png"))
    assert not watched.problems()


@pytest.mark.parametrize(
    ("fixture", "size"),
    [("demo", DESKTOP), ("kano", PHONE), ("ilorin", DESKTOP)],
    ids=["demo-desktop", "kano-phone", "ilorin-desktop"],
)
def test_maps_show_lga_outlines_and_lga_rank(open_page, tmp_path, fixture, size):
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    load_data(page, fixture, tmp_path)
    send(page, "run the analysis")
    wait_map(page, "Composite")
    layers = page.evaluate("(document.getElementById('map').layout.map || {}).layers || []")
    outlines = [layer for layer in layers if str(layer.get("source", "")).endswith("/lga-shapes")]
    assert len(outlines) == 1 and outlines[0]["type"] == "line", layers
    # the outlines are the LGAs of the wards, dissolved once and stored
    collection = page.request.get(outlines[0]["source"]).json()
    analysis_id = session_api(page, "")["state"]["current_analysis"]
    wards = session_api(page, f"/analyses/{analysis_id}/wards?limit=500")["wards"]
    lga_key = "LGA" if "LGA" in wards[0] else "LGACode"
    lgas = {str(w[lga_key]) for w in wards if w.get(lga_key) not in (None, "")}
    assert {f["properties"]["name"] for f in collection["features"]} == lgas
    ranks = sorted(f["properties"]["rank"] for f in collection["features"])
    assert ranks[0] == 1 and len(ranks) == len(lgas)
    files = session_api(page, "/artifacts")["artifacts"]
    assert [a["name"] for a in files].count("lgas.geojson") == 1
    # hovering a ward names its LGA and the LGA's rank
    hover = hover_map(
        page, [(0.5, 0.55), (0.45, 0.5), (0.55, 0.6), (0.4, 0.45), (0.6, 0.4), (0.5, 0.7)]
    )
    assert "LGA rank" in hover and f"of {len(lgas)} LGAs" in hover, hover
    page.locator("#map-panel").screenshot(
        path=str(SHOTS / f"{fixture}-{'phone' if size is PHONE else 'desktop'}-12-lga.png")
    )

    # a variable averaged per LGA: one value per LGA, and no per-ward download of it
    variable = page.eval_on_selector_all("#map-variable option", "os => os[0].value")
    page.select_option("#map-kind", "variable")
    page.select_option("#map-variable", variable)
    page.select_option("#map-by", "lga")
    page.click("#map-show")
    wait_map(page, "average per LGA")
    z = page.evaluate("document.getElementById('map').data[0].z")
    assert 1 < len(set(z)) <= len(lgas) < len(z)
    assert page.is_disabled("#export-buttons button[data-what=map][data-format=png]")
    page.locator("#map-panel").screenshot(
        path=str(SHOTS / f"{fixture}-{'phone' if size is PHONE else 'desktop'}-13-lga-average.png")
    )
    # and back to the wards' own values
    page.select_option("#map-by", "ward")
    page.click("#map-show")
    page.wait_for_function(
        """() => { const s = document.getElementById('map-status').textContent;
                   return s.startsWith('Showing') && !s.includes('average'); }""",
        timeout=LONG,
    )
    assert page.is_enabled("#export-buttons button[data-what=map][data-format=png]")
    assert not watched.problems()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_one_small_map_per_model(open_page, tmp_path, size):
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    load_data(page, "ilorin", tmp_path)
    send(page, "run the analysis")
    wait_map(page, "Composite")
    page.select_option("#plot-kind", "model_maps")
    page.click("#plot-show")
    page.wait_for_function(
        "() => document.getElementById('plot-status').textContent.startsWith('Showing')",
        timeout=LONG,
    )
    img = page.locator("#plot-image")
    assert img.is_visible() and page.locator("#plot").is_hidden()
    assert img.evaluate("i => i.naturalWidth > 0 && i.complete")
    box = img.bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"] + 1
    files = [a["name"] for a in session_api(page, "/artifacts")["artifacts"]]
    assert len([f for f in files if f.startswith("model_maps")]) == 1
    page.locator("#plot-panel").screenshot(
        path=str(SHOTS / f"ilorin-{'phone' if size is PHONE else 'desktop'}-14-model-maps.png")
    )
    # and back to a Plotly chart in the same place
    page.select_option("#plot-kind", "model_scores")
    page.click("#plot-show")
    page.wait_for_function(
        "() => document.getElementById('plot-status').textContent.includes('Model scores')"
        " || document.getElementById('plot-title').textContent.length > 0 &&"
        " !document.getElementById('plot-title').textContent.startsWith('Each model')",
        timeout=LONG,
    )
    assert page.locator("#plot-image").is_hidden() and page.locator("#plot").is_visible()
    assert not watched.problems()
