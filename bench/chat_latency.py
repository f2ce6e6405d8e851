"""Benchmark: how long the offline assistant takes to read one message (target: < 20 ms).

Times the plain-words pass (``chatmrpt.chat.normalize.plain_text``) and
``chatmrpt.chat.dialogue.decide`` - the intent model, the slot readers, the router and
the dialogue rules, without running any tool - over every message of the labelled intent
corpus, in a session context with 66 named wards and a previous plan. The model is trained
first (once per process) and not counted; each message is read several times.

    .venv/bin/python bench/chat_latency.py [--runs 3] [--record]

``--record`` appends the result to bench/RESULTS.md under "## Chat assistant".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

from _common import machine, record

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chatmrpt.chat import intents, normalize  # noqa: E402
from chatmrpt.chat.dialogue import DialogueState, Facts, decide  # noqa: E402
from chatmrpt.chat.router import RouterContext  # noqa: E402
from tests.unit.chat_corpus import KANO_VARIABLES, KANO_WARDS  # noqa: E402

SECTION = "## Chat assistant"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    intents.model()
    train_s = time.perf_counter() - t0
    wards = tuple((w, lga) for lga, names in KANO_WARDS.items() for w in names)
    ctx = RouterContext(has_dataset=True, variables=KANO_VARIABLES, wards=wards,
                        analysis_status="succeeded",
                        last_plan={"total_nets": 400_000, "household_size": 5})
    state = DialogueState(last={"tool": "plan_itn",
                                "params": {"total_nets": 400_000, "household_size": 5}})
    facts = Facts(analysis_variables=KANO_VARIABLES[:5], lgas=tuple(KANO_WARDS),
                  ward_count=len(wards))
    messages = [text for _, text in intents.load_corpus()]
    names = [name for ward in wards for name in ward] + list(KANO_VARIABLES)
    times = []
    for _ in range(args.runs):
        for text in messages:
            intents.classify.cache_clear()  # every reading computed, none remembered
            t = time.perf_counter()
            decide(normalize.plain_text(text, names), ctx, state, facts)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    line = (f"- {dt.date.today()}: {len(messages)} messages x {args.runs} runs, one message read "
            f"(plain-words pass + intent model + slots + dialogue rules, no tool run): p50 **{p50:.1f} ms**, "
            f"p99 **{p99:.1f} ms**, max {times[-1]:.1f} ms; model training once per process "
            f"{train_s:.2f} s; {machine()}; load average {os.getloadavg()[0]:.1f} at the end; `.venv/bin/python bench/chat_latency.py "
            f"--runs {args.runs} --record`")
    print(line)
    if args.record:
        record(SECTION, line)


if __name__ == "__main__":
    main()
