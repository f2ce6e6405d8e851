"""Per-job limits with a real consumer: what a job past its memory or time limit costs,
and what running each job in its own process costs a small job.

A ``chatmrpt worker`` (1 consumer, SQLite store) runs test job kinds: one that holds 3 GB
under a 1 GB job limit, one that loops without checking its time limit (2 s), and small
jobs, timed from submission to the final state. Then the same small jobs with
``CHATMRPT_JOB_ISOLATION=0`` (the job in a consumer thread, as before).

    .venv/bin/python bench/job_limits.py [--runs 10] [--record]
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import machine, record  # noqa: E402
from chatmrpt.jobs.kinds import load_kinds  # noqa: E402
from chatmrpt.jobs.wiring import open_runtime  # noqa: E402
from chatmrpt.runtime import Runtime  # noqa: E402
from tests._jobkinds import (  # noqa: E402
    KIND_MODULE,
    settings_env,
    settings_from,
    start_worker,
    submit_test_job,
)

load_kinds([KIND_MODULE])


def run_job(rt: Runtime, kind: str, payload: dict, timeout: float = 300) -> tuple[dict, float]:
    t0 = time.perf_counter()
    job, _ = submit_test_job(rt, kind, payload)
    while time.perf_counter() - t0 < timeout:
        record_ = rt.store.get_job(job["id"])
        if record_["status"] in ("succeeded", "failed"):
            return record_, time.perf_counter() - t0
        time.sleep(0.01)
    raise RuntimeError(f"{kind} did not finish")


def session(home: Path, runs: int, isolation: bool) -> dict:
    env = settings_env(home, lease_s=5.0, max_attempts=1, CHATMRPT_JOB_MEMORY_MB="1024",
                       CHATMRPT_JOB_TIMEOUT_S="2",
                       CHATMRPT_JOB_ISOLATION="1" if isolation else "0")
    rt = open_runtime(settings_from(env))
    worker = start_worker(env, home.parent / f"{home.name}.log", grace=2.0)
    out: dict = {}
    try:
        run_job(rt, "test.sleep", {"seconds": 0.0}, timeout=120)  # the consumer is up
        small = [run_job(rt, "test.sleep", {"seconds": 0.0})[1] for _ in range(runs)]
        out["small_s"] = statistics.median(small)
        if isolation:
            rec, took = run_job(rt, "test.allocate", {"megabytes": 3072})
            out["memory"] = (rec["status"], (rec["error"] or {}).get("details", {}).get("reason"),
                             took)
            rec, took = run_job(rt, "test.spin", {"seconds": 600})
            out["time"] = (rec["status"], (rec["error"] or {}).get("details", {}).get("reason"),
                           took)
            rec, took = run_job(rt, "test.sleep", {"seconds": 0.0})
            out["next"] = (rec["status"], took)
        out["consumer_alive"] = worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        rt.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chatmrpt-limits-") as tmp:
        isolated = session(Path(tmp) / "isolated", args.runs, True)
        threaded = session(Path(tmp) / "threaded", args.runs, False)
    rows = [
        f"| 3 GB held by a job limited to 1 GB | {isolated['memory'][0]} "
        f"({isolated['memory'][1]}) | {isolated['memory'][2]:.2f} s |",
        f"| a loop that never checks its time, limit 2 s | {isolated['time'][0]} "
        f"({isolated['time'][1]}) | {isolated['time'][2]:.2f} s |",
        f"| the next job, same consumer | {isolated['next'][0]} | {isolated['next'][1]:.2f} s |",
        f"| a small job, own process (median of {args.runs}) | succeeded | "
        f"{isolated['small_s']:.3f} s |",
        f"| a small job, consumer thread (`CHATMRPT_JOB_ISOLATION=0`, median of {args.runs}) | "
        f"succeeded | {threaded['small_s']:.3f} s |",
        f"| consumer alive afterwards | {isolated['consumer_alive']} | |",
    ]
    for row in rows:
        print(row)
    if args.record:
        record("## Job limits (issue 15, findings 2 and 7)", [
            f"{time.strftime('%Y-%m-%d')}, {machine()}, shared with other work; one consumer, "
            "SQLite store; submission to final state (`bench/job_limits.py`).",
            "",
            "| job | outcome | time |",
            "|---|---|---|",
            *rows,
        ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
