"""'Save that map' in the browser means the map on the screen, also one the page drew by
itself (the vulnerability map after an analysis) or one picked in the map panel, on the raw
Kano and Ilorin tables (no population, LGA codes only)."""

from __future__ import annotations

import pytest

from tests._cluster import ILORIN_BOUNDARIES, ILORIN_TABLE, KANO_BOUNDARIES, KANO_TABLE
from tests.browser.test_page import send, wait_ready
from tests.browser.test_page_views import DESKTOP, PHONE, session_api, wait_map

pytestmark = pytest.mark.slow

RAW = {"kano": (KANO_TABLE, KANO_BOUNDARIES), "ilorin": (ILORIN_TABLE, ILORIN_BOUNDARIES)}


def _exported(page) -> list[dict]:
    """The maps the chat saved, oldest first: the export_view calls of the conversation."""
    messages = session_api(page, "/messages")["messages"]
    return [c["params"] for m in messages for c in m.get("tool_calls") or []
            if c.get("tool") == "export_view" and c.get("status") == "ok"]


@pytest.mark.parametrize(("fixture", "size"), [("kano", DESKTOP), ("ilorin", PHONE)])
def test_save_that_map_saves_the_map_on_the_screen(open_page, fixture, size):
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    table, boundaries = RAW[fixture]
    page.set_input_files("#table-file", str(table))
    page.set_input_files("#boundaries-file", str(boundaries))
    page.click("#upload-button")
    page.locator("#dataset-summary dl").wait_for(timeout=120_000)

    assert "The analysis is done." in send(page, "run the analysis")
    wait_map(page, "Composite")  # drawn by the page, not asked for in the chat
    reply = send(page, "save that map")
    assert "No map is shown" not in reply, reply
    assert _exported(page) == [{"what": "composite", "format": "png"}]

    # the analyst picks a variable's map in the map panel, then asks for it in the chat
    variable = page.eval_on_selector_all("#map-variable option", "os => os.map(o => o.value)")[0]
    page.select_option("#map-kind", "variable")
    page.select_option("#map-variable", variable)
    page.click("#map-show")
    wait_map(page, variable)
    send(page, "can I have that one as a picture")
    assert _exported(page)[-1] == {"what": "variable", "variable": variable, "format": "png"}
    assert not watched.problems(), watched.problems()
