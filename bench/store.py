"""Benchmark: shared-state latency and job throughput, on SQLite and on Redis.

- store write (compare-and-set ``update_session``) and read (``get_session``) latency,
  p50 and p99, with 1, 4 and 8 processes at once: each process on its own session, and
  (writes) all processes on one shared session;
- job enqueue-to-start latency (submitted → claimed by an idle consumer), p50 and p99;
- no-op jobs per second through 1 and 2 consumer processes.

Each figure is the median over ``--runs`` runs, every run on a fresh database. Redis is a
``redis-server`` started here on a free port (no persistence), never the machine's own.

    .venv/bin/python bench/store.py [--runs 3] [--ops 300] [--jobs 300] [--record]

``--record`` appends the result to bench/RESULTS.md under "## Store and jobs".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing as mp
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import machine, record

from chatmrpt.config import load_settings
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.store import open_store

SECTION = "## Store and jobs"
PROCESS_COUNTS = (1, 4, 8)
IDLE_JOBS = 40


@job_kind("bench.noop")
def noop_job(ctx: JobContext) -> Outcome:
    return Outcome()


# ---- servers and settings -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(folder: Path):
    port = free_port()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port),
         "--bind", "127.0.0.1", "--dir", str(folder), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    store = open_store(url)
    for _ in range(500):
        try:
            store.ping()
            break
        except Exception:
            time.sleep(0.01)
    store.close()
    try:
        yield url
    finally:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def backend(name: str):
    """Yields a fresh ``(store_url, home)`` for one run."""
    with tempfile.TemporaryDirectory(prefix="chatmrpt-bench-") as tmp:
        home = Path(tmp) / "home"
        if name == "sqlite":
            yield f"sqlite:///{home / 'chatmrpt.db'}", home
        else:
            with redis_server(Path(tmp)) as url:
                yield url, home


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(int(q * len(values)), len(values) - 1)]


# ---- store latency --------------------------------------------------------------------


def _store_worker(url, session_id, ops, barrier, out):
    store = open_store(url)
    store.get_session(session_id)  # connect before the clock starts
    barrier.wait(60)
    writes, reads = [], []
    for _ in range(ops):
        t = time.perf_counter()
        store.update_session(session_id, lambda s: s["state"].update(n=s["state"]["n"] + 1))
        writes.append(time.perf_counter() - t)
    for _ in range(2 * ops):
        t = time.perf_counter()
        store.get_session(session_id)
        reads.append(time.perf_counter() - t)
    out.put((writes, reads))
    store.close()


def store_latency(backend_name: str, procs: int, ops: int, shared: bool) -> dict[str, float]:
    with backend(backend_name) as (url, home):
        home.mkdir(parents=True)
        store = open_store(url)
        ids = ["s" * 32] if shared else [f"{i:032x}" for i in range(procs)]
        for sid in ids:
            store.create_session(sid, "0" * 64, 3600, {"n": 0})
        ctx = mp.get_context("spawn")
        barrier, out = ctx.Barrier(procs), ctx.Queue()
        workers = [
            ctx.Process(
                target=_store_worker, args=(url, ids[0 if shared else i], ops, barrier, out)
            )
            for i in range(procs)
        ]
        for w in workers:
            w.start()
        writes, reads = [], []
        for _ in workers:
            w_lat, r_lat = out.get(timeout=600)
            writes += w_lat
            reads += r_lat
        for w in workers:
            w.join()
        total = sum(store.get_session(sid)["state"]["n"] for sid in ids)
        assert total == procs * ops, "lost updates"
        store.close()
    return {
        "write_p50": pct(writes, 0.5),
        "write_p99": pct(writes, 0.99),
        "read_p50": pct(reads, 0.5),
        "read_p99": pct(reads, 0.99),
    }


# ---- jobs ------------------------------------------------------------------------------


def _consumer_main(settings, stop):
    from chatmrpt.jobs.consumer import run_consumers

    run_consumers(settings, 1, stop, in_process=True, grace_s=5)


@contextlib.contextmanager
def consumers(settings, n: int):
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    procs = [ctx.Process(target=_consumer_main, args=(settings, stop)) for _ in range(n)]
    for p in procs:
        p.start()
    try:
        yield
    finally:
        stop.set()
        for p in procs:
            p.join(30)


def _wait_live(rt, n: int) -> None:
    deadline = time.monotonic() + 60
    while len(rt.store.live_processes("consumer", 10)) < n:
        if time.monotonic() > deadline:
            raise RuntimeError("consumers did not start")
        time.sleep(0.05)


def job_benchmarks(backend_name: str, jobs: int) -> dict[str, float]:
    from chatmrpt.jobs.runner import enqueue_job
    from chatmrpt.jobs.wiring import open_runtime

    result: dict[str, float] = {}
    for n_consumers in (1, 2):
        with backend(backend_name) as (url, home):
            settings = load_settings(
                {
                    "CHATMRPT_HOME": str(home),
                    "CHATMRPT_STORE_URL": url,
                    "CHATMRPT_JOB_LEASE_S": "30",
                }
            )
            rt = open_runtime(settings)
            sid = "b" * 32
            rt.store.create_session(sid, "0" * 64, 3600)
            with consumers(settings, n_consumers):
                _wait_live(rt, n_consumers)
                if n_consumers == 1:
                    # enqueue-to-start, one job at a time into a consumer that has been
                    # idle long enough to poll at its slowest (SQLite) or to block (Redis)
                    latencies = []
                    for _ in range(IDLE_JOBS):
                        time.sleep(0.3)
                        job = enqueue_job(rt, "bench.noop", sid, {})
                        while (rec := rt.store.get_job(job["id"]))["status"] != "succeeded":
                            time.sleep(0.002)
                        latencies.append(rec["started_at"] - rec["dispatched_at"])
                    result["start_p50"] = pct(latencies, 0.5)
                    result["start_p99"] = pct(latencies, 0.99)
                # throughput: a burst of jobs, until the last one is done
                t0 = time.time()
                ids = [enqueue_job(rt, "bench.noop", sid, {})["id"] for _ in range(jobs)]
                while True:
                    done = [j for j in rt.store.list_jobs("succeeded") if j["id"] in set(ids)]
                    if len(done) == len(ids):
                        break
                    time.sleep(0.05)
                last = max(j["finished_at"] for j in done)
                result[f"jobs_per_s_{n_consumers}"] = jobs / (last - t0)
            rt.close()
    return result


# ---- report ----------------------------------------------------------------------------



def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def ms(x: float) -> str:
    return f"{x * 1000:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ops", type=int, default=300, help="writes per process (reads: 2x)")
    parser.add_argument("--jobs", type=int, default=300, help="jobs in the throughput burst")
    parser.add_argument("--backends", default="sqlite,redis")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()

    rows = []
    for name in args.backends.split(","):
        for procs in PROCESS_COUNTS:
            own = median_of([store_latency(name, procs, args.ops, False) for _ in range(args.runs)])
            shared = (
                median_of([store_latency(name, procs, args.ops, True) for _ in range(args.runs)])
                if procs > 1
                else own
            )
            rows.append(
                f"| {name} | {procs} | {ms(own['write_p50'])} / {ms(own['write_p99'])} | "
                f"{ms(shared['write_p50'])} / {ms(shared['write_p99'])} | "
                f"{ms(own['read_p50'])} / {ms(own['read_p99'])} |"
            )
            print(rows[-1], flush=True)
    job_rows = []
    for name in args.backends.split(","):
        j = median_of([job_benchmarks(name, args.jobs) for _ in range(args.runs)])
        job_rows.append(
            f"| {name} | {ms(j['start_p50'])} / {ms(j['start_p99'])} | "
            f"{j['jobs_per_s_1']:.0f} | {j['jobs_per_s_2']:.0f} |"
        )
        print(job_rows[-1], flush=True)

    command = (
        f"`.venv/bin/python bench/store.py --runs {args.runs} --ops {args.ops} "
        f"--jobs {args.jobs}{' --record' if args.record else ''}`"
    )
    block = [
        f"- {dt.date.today().isoformat()}: median of {args.runs} runs; {machine()}; {command}",
        "",
        "  | store | processes | write p50 / p99 ms (own session) "
        "| write p50 / p99 ms (one shared session) | read p50 / p99 ms |",
        "  |---|---|---|---|---|",
        *[f"  {r}" for r in rows],
        "",
        "  | queue | enqueue-to-start p50 / p99 ms (idle consumer) "
        "| no-op jobs/s, 1 consumer | no-op jobs/s, 2 consumers |",
        "  |---|---|---|---|",
        *[f"  {r}" for r in job_rows],
    ]
    print("\n".join(block))
    if args.record:
        record(SECTION, block)



if __name__ == "__main__":
    main()
