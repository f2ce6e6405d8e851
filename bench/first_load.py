"""Benchmark: what the page weighs on its first load, in Chromium on `chatmrpt serve`.

A fresh browser context (empty cache) opens the page and waits until it is ready and the
network is quiet; the DevTools protocol gives each response's bytes over the wire
(``encodedDataLength``: headers and compressed body) and its decoded size. The figures
are split by type (HTML, JavaScript, CSS, other); the map library (plotly.js) is not part
of a first load, and the run fails if it is fetched. Sizes do not vary between runs
unless the page changed; the time to ready is reported as the median of ``--runs``.

    .venv/bin/python bench/first_load.py [--runs 3] [--record]

``--record`` appends the result to bench/RESULTS.md under "## Page first load".
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import machine, record  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
KINDS = {"Document": "HTML", "Script": "JS", "Stylesheet": "CSS"}


def load_once(browser, url: str) -> tuple[dict[str, dict[str, int]], float, list[str]]:
    context = browser.new_context(base_url=url, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    meta: dict[str, tuple[str, str]] = {}
    wire: dict[str, float] = {}
    body: dict[str, int] = {}
    cdp.on("Network.responseReceived",
           lambda e: meta.__setitem__(e["requestId"], (e["type"], e["response"]["url"])))
    cdp.on("Network.dataReceived",
           lambda e: body.__setitem__(e["requestId"], body.get(e["requestId"], 0) + e["dataLength"]))
    cdp.on("Network.loadingFinished",
           lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
    start = time.perf_counter()
    page.goto("/", wait_until="networkidle")
    page.wait_for_function("() => !document.getElementById('chat-input').disabled")
    ready = time.perf_counter() - start
    page.wait_for_timeout(500)
    totals: dict[str, dict[str, int]] = {}
    urls = []
    for request_id, size in wire.items():
        kind, address = meta.get(request_id, ("Other", "?"))
        label = KINDS.get(kind, "other")
        row = totals.setdefault(label, {"wire": 0, "decoded": 0, "files": 0})
        row["wire"] += int(size)
        row["decoded"] += body.get(request_id, 0)
        row["files"] += 1
        urls.append(address)
    context.close()
    return totals, ready, urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from chatmrpt.demo.generator import write_demo_data
    from tests._cluster import start_serve
    from tests.browser.conftest import CHROMIUM_ARGS

    with tempfile.TemporaryDirectory(prefix="bench-first-load-") as tmp:
        home = Path(tmp) / "home"
        write_demo_data(home / "demo", 100, facility_export=False)
        proc = start_serve({"CHATMRPT_HOME": str(home)}, Path(tmp) / "serve.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                runs = [load_once(browser, proc.url) for _ in range(args.runs)]
                browser.close()
        finally:
            proc.stop(timeout=5)
    totals, _, urls = runs[-1]
    if any("plotly" in u for u in urls):
        raise SystemExit(f"plotly.js was fetched on the first load: {urls}")
    ready = statistics.median(r[1] for r in runs)
    order = ["HTML", "JS", "CSS", "other"]
    lines = [f"{k}: {totals[k]['wire']:,} B over the wire ({totals[k]['decoded']:,} B decoded, "
             f"{totals[k]['files']} files)" for k in order if k in totals]
    code = sum(totals[k]["wire"] for k in ("HTML", "JS", "CSS") if k in totals)
    code_decoded = sum(totals[k]["decoded"] for k in ("HTML", "JS", "CSS") if k in totals)
    everything = sum(v["wire"] for v in totals.values())
    print("\n".join(lines))
    print(f"HTML+JS+CSS: {code:,} B over the wire ({code_decoded:,} B decoded); "
          f"all responses {everything:,} B; ready in {ready:.2f} s (median of {args.runs})")
    if args.record:
        record("## Page first load", (
            f"- {dt.date.today().isoformat()}: HTML+JS+CSS **{code:,} B** over the wire "
            f"({code_decoded:,} B decoded; " + "; ".join(lines) + f"); all responses "
            f"{everything:,} B; ready in {ready:.2f} s (median of {args.runs}, empty cache, "
            f"1440x900); {machine()}; `.venv/bin/python bench/first_load.py --runs "
            f"{args.runs} --record`"
        ))


if __name__ == "__main__":
    main()
