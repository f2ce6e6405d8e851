"""Benchmark: `/healthz` and session reads while many event streams are open.

``chatmrpt serve`` (Gunicorn gthread workers) on a fresh home; one session. A separate
process opens ``--streams`` clients on ``GET /api/sessions/{id}/events``, each behaving as a
browser's EventSource (asyncio, raw HTTP/1.0): it reads until the server ends the stream,
waits the ``retry:`` delay the server asked for, and connects again with ``Last-Event-ID``.
Meanwhile one prober in this process asks ``GET /healthz`` and ``GET /api/sessions/{id}``
in turn on a keep-alive connection, every ``--gap`` seconds, for ``--duration`` seconds, and
records each latency (a request not answered within ``--probe-timeout`` counts as a timeout
and is reported separately). Each phase (0 streams, then ``--streams``) starts a new server.

    .venv/bin/python bench/events.py [--streams 0,500] [--runs 3] [--store sqlite|redis]
                                     [--code DIR] [--record]

``--code DIR`` serves the ``chatmrpt`` package found in DIR (e.g. a checkout of an older
commit) with this environment, to measure before and after in one sitting. ``--record``
appends the result to bench/RESULTS.md under "## Event streams".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import machine, record
from web import redis_server

SECTION = "## Event streams"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@contextlib.contextmanager
def serve(code: Path, store: str, workers: int) -> Iterator[int]:
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp, contextlib.ExitStack() as st:
        env = dict(os.environ, CHATMRPT_HOME=str(Path(tmp) / "home"))
        env["PYTHONPATH"] = str(code)
        if store == "redis":
            env["CHATMRPT_STORE_URL"] = st.enter_context(redis_server(Path(tmp)))
        port = free_port()
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115 - closed below
        st.callback(log.close)
        proc = subprocess.Popen(
            [sys.executable, "-m", "chatmrpt.cli", "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--consumers", "1", "--grace", "1"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=code,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while True:
                with contextlib.suppress(OSError):
                    if get(port, "/readyz", timeout=2)[0] == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((Path(tmp) / "serve.log").read_text()[-3000:])
                time.sleep(0.2)
            yield port
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


# ---- the streams: one process, asyncio ----------------------------------------------------


async def _event_source(port, sid, token, stats, stop) -> None:
    last_id, retry_s = None, 3.0
    while not stop.is_set():
        lines = [f"GET /api/sessions/{sid}/events HTTP/1.0", "Host: 127.0.0.1",
                 "Accept: text/event-stream", f"Authorization: Bearer {token}"]  # fmt: skip
        if last_id is not None:
            lines.append(f"Last-Event-ID: {last_id}")
        writer = None
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            stats["connects"] += 1
            status = (await reader.readline()).split()
            if len(status) < 2 or status[1] != b"200":
                stats["errors"] += 1
            while (await reader.readline()).strip():
                pass
            while not stop.is_set():
                line = await reader.readline()
                if not line:
                    break
                text = line.decode().rstrip("\r\n")
                if text.startswith("retry:"):
                    retry_s = int(text[6:].strip()) / 1000
                elif text.startswith("id:"):
                    last_id = text[3:].strip()
                    stats["events"] += 1
        except OSError:
            stats["errors"] += 1
        finally:
            if writer is not None:
                writer.close()
        await asyncio.sleep(retry_s)


def _streams_process(port, sid, token, count, ready, stop, out) -> None:
    stats = {"connects": 0, "events": 0, "errors": 0}

    class Flag:  # the multiprocessing event, looked at without blocking the loop
        def is_set(self) -> bool:
            return stop.is_set()

    async def main() -> None:
        flag = Flag()
        tasks = []
        for _ in range(count):
            tasks.append(asyncio.create_task(_event_source(port, sid, token, stats, flag)))
            await asyncio.sleep(0.002)
        while stats["connects"] < count:
            await asyncio.sleep(0.05)
        ready.set()
        start = stats["connects"]
        t0 = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        out.put({**stats, "connects_per_s": (stats["connects"] - start) / (time.monotonic() - t0)})
        for task in tasks:
            task.cancel()

    asyncio.run(main())


# ---- one phase ----------------------------------------------------------------------------


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def phase(port: int, streams: int, duration: float, gap: float, probe_timeout: float) -> dict:
    status, body = get(port, "/healthz")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=probe_timeout)
    conn.request("POST", "/api/sessions")
    created = json.loads(conn.getresponse().read())
    sid, token = created["id"], created["token"]
    ctx = mp.get_context("spawn")
    ready, stop, out = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = None
    if streams:
        proc = ctx.Process(target=_streams_process, args=(port, sid, token, streams, ready, stop, out))
        proc.start()
        if not ready.wait(120):
            raise RuntimeError("the streams did not all connect within 120 s")
        time.sleep(2.0)
    paths = {"healthz": "/healthz", "session": f"/api/sessions/{sid}"}
    headers = {"Authorization": f"Bearer {token}"}
    latency: dict[str, list[float]] = {k: [] for k in paths}
    timeouts = {k: 0 for k in paths}
    end = time.monotonic() + duration
    while time.monotonic() < end:
        for name, path in paths.items():
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"{path}: {resp.status}")
                latency[name].append(time.perf_counter() - t0)
            except (TimeoutError, OSError, http.client.HTTPException):
                timeouts[name] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=probe_timeout)
            time.sleep(gap)
    conn.close()
    result = {"streams": streams}
    for name, values in latency.items():
        result[f"{name}_n"] = len(values)
        result[f"{name}_p50_ms"] = _p(values, 0.50) * 1000
        result[f"{name}_p99_ms"] = _p(values, 0.99) * 1000
        result[f"{name}_timeouts"] = timeouts[name]
    if proc is not None:
        stop.set()
        stats = out.get(timeout=60)
        proc.join(30)
        result.update(connects_per_s=stats["connects_per_s"], stream_errors=stats["errors"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", default="0,500", help="open streams per phase")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--store", choices=("sqlite", "redis"), default="sqlite")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of probing")
    parser.add_argument("--gap", type=float, default=0.01, help="seconds between probes")
    parser.add_argument("--probe-timeout", type=float, default=10.0)
    parser.add_argument("--code", type=Path, default=ROOT, help="folder holding chatmrpt/")
    parser.add_argument("--label", default="", help="what --code is, for the record")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    counts = [int(x) for x in args.streams.split(",")]
    runs: dict[int, list[dict]] = {n: [] for n in counts}
    for i in range(args.runs):
        for n in counts:
            with serve(args.code.resolve(), args.store, args.workers) as port:
                r = phase(port, n, args.duration, args.gap, args.probe_timeout)
            runs[n].append(r)
            print(f"run {i + 1} streams {n}: {json.dumps(r)}", flush=True)

    def med(rows: list[dict], key: str) -> float:
        values = [r[key] for r in rows if key in r and r[key] == r[key]]  # NaN: none answered
        return statistics.median(values) if values else float("nan")

    def ms(rows: list[dict], name: str) -> str:
        p50, p99 = med(rows, f"{name}_p50_ms"), med(rows, f"{name}_p99_ms")
        return "none answered" if p99 != p99 else f"{p50:.1f} / {p99:.1f}"

    header = (
        "| open streams | /healthz p50 / p99 ms | session read p50 / p99 ms "
        f"| probes timed out (> {args.probe_timeout:.0f} s) | stream (re)connections/s |"
    )
    table = [header, "|---|---|---|---|---|"]
    for n, rows in runs.items():
        out = sum(r["healthz_timeouts"] + r["session_timeouts"] for r in rows)
        cps = f"{med(rows, 'connects_per_s'):.0f}" if n else "-"
        table.append(
            f"| {n} | {ms(rows, 'healthz')} | {ms(rows, 'session')} "
            f"| {out} of {sum(r['healthz_n'] + r['session_n'] + r['healthz_timeouts'] + r['session_timeouts'] for r in rows)} "
            f"| {cps} |"
        )
    print("\n".join(table))
    if args.record:
        command = "`.venv/bin/python bench/events.py " + " ".join(sys.argv[1:]) + "`"
        block = [
            f"- {dt.date.today().isoformat()}: {args.label or 'this commit'}; "
            f"`chatmrpt serve --workers {args.workers}` (gthread, 8 threads per worker), "
            f"{args.store}; median of {args.runs} run(s) of {args.duration:.0f} s of probing; "
            f"{machine()}; the machine was shared with other work, so compare rows of one "
            f"run, not absolute figures; {command}",
            "",
            *[f"  {line}" for line in table],
        ]
        record(SECTION, block)


if __name__ == "__main__":
    main()
