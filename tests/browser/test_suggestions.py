"""Each suggestion button shown after a plan does what it says, checked through the API.

"Plan with 20% more nets (48,000)" after a plan of 40,000 nets must plan 48,000 nets; a button
that does not speak of nets must leave the current plan as it was.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.test_page import LONG, send, wait_ready, wait_reply
from tests.browser.test_page_views import DESKTOP, PHONE, load_data, session_api

pytestmark = pytest.mark.slow

BASE_NETS = 40_000


def expected_nets(label: str, base: int) -> int | None:
    """The nets a button's words promise, or None when it does not speak of a plan."""
    text = label.lower().replace(",", "")
    more = re.search(r"(\d+(?:\.\d+)?)\s*% (?:more|extra)", text)
    if more:
        return round(base * (1 + float(more.group(1)) / 100))
    fewer = re.search(r"(\d+(?:\.\d+)?)\s*% (?:fewer|less)", text)
    if fewer:
        return round(base * (1 - float(fewer.group(1)) / 100))
    count = re.search(r"(\d{3,})\s*nets", text)
    return int(count.group(1)) if count else None


def current_plan(page) -> dict | None:
    plan_id = session_api(page, "")["state"].get("last_plan")
    return session_api(page, f"/itn-plans/{plan_id}?limit=1") if plan_id else None


@pytest.mark.parametrize(
    ("fixture", "size"),
    [("demo", DESKTOP), ("kano", PHONE), ("ilorin", DESKTOP)],
    ids=["demo-desktop", "kano-phone", "ilorin-desktop"],
)
def test_each_suggestion_after_a_plan_does_what_it_says(open_page, tmp_path, fixture, size):
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    load_data(page, fixture, tmp_path)
    send(page, "run the analysis")
    page.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
    send(page, f"plan {BASE_NETS} nets, household size 5")
    base = current_plan(page)
    assert base["params"]["total_nets"] == BASE_NETS
    labels = page.locator("#suggestions button").all_inner_texts()
    assert labels
    for label in labels:
        # each button from the same starting plan
        send(page, f"plan {BASE_NETS} nets, household size 5")
        assert current_plan(page)["plan_id"] == base["plan_id"]
        before = page.locator("#chat-log .msg.assistant").count()
        page.locator("#suggestions button", has_text=label).first.click()
        reply = wait_reply(page, before)
        assert "error" not in (reply.get_attribute("class") or ""), (label, reply.inner_text())
        assert page.locator("#chat-log .msg.user").last.inner_text().endswith(label)
        plan = current_plan(page)
        nets = expected_nets(label, BASE_NETS)
        if nets is None:
            assert plan["plan_id"] == base["plan_id"], f"{label!r} changed the plan"
        else:
            assert plan["params"]["total_nets"] == nets, (label, plan["params"])
            assert plan["params"]["household_size"] == base["params"]["household_size"]
    assert not watched.problems()
