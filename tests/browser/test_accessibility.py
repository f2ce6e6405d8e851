"""axe-core in the browser on the page's main states: no serious or critical violation.

axe-core's ``axe.min.js`` comes from the ``axe-playwright-python`` package (a test
dependency), so nothing is fetched from the internet; it is run through the DevTools
protocol, so the page's Content Security Policy stays as it is.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.browser.test_page import LONG, send, wait_ready
from tests.browser.test_page_views import DESKTOP, PHONE, SHOTS, wait_map

pytestmark = pytest.mark.slow

SERIOUS = {"serious", "critical"}


def axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin, "axe-playwright-python (test dependency) is missing"
    path = Path(spec.origin).parent / "axe.min.js"
    assert path.is_file(), path
    return path.read_text(encoding="utf-8")


def violations(page, source: str) -> list[str]:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(source)
    result = page.evaluate(
        """async () => {
          const r = await window.axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
          });
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in result
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_accessibility_violations(open_page, size):
    source = axe_source()
    page, watched = open_page(**size)
    page.goto("/")
    wait_ready(page)
    found = {"empty": violations(page, source)}

    page.click("#demo-button")
    page.locator("#dataset-summary dl").wait_for(timeout=LONG)
    found["data"] = violations(page, source)

    send(page, "run the analysis")
    wait_map(page, "Composite")
    page.locator("#ranking-table tbody tr").first.wait_for(timeout=LONG)
    send(page, "show me the top 10 wards")
    found["analysis"] = violations(page, source)

    page.fill("#plan-nets", "40000")
    page.fill("#plan-household", "5")
    page.click("#plan-submit")
    page.locator("#plan-table tbody tr").first.wait_for(timeout=LONG)
    page.click("#tpr-panel summary")
    found["plan"] = violations(page, source)
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if size is PHONE else "desktop"
    page.screenshot(path=str(SHOTS / f"demo-{name}-10-checked.png"), full_page=True)

    assert not any(found.values()), "\n".join(
        f"{state}: {v}" for state, items in found.items() for v in items
    )
    assert not watched.problems()
