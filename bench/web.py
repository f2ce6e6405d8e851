"""Benchmark: the web service under `chatmrpt serve`, on SQLite and on Redis.

- requests per second and latency p50/p99 of ``GET /api/sessions/{id}`` (authenticated,
  reads the session and its records from the store) against ``GET /healthz`` (touches
  nothing), in the same server run: the ratio shows what state costs;
- request-to-result time of an analysis (``POST .../analyses`` until ``GET`` says
  succeeded, polled every 50 ms) for demo states of 500 and 10,000 wards, and the upload
  time of those files;
- 50 sessions at once doing the whole flow (session, upload, analyse, poll, ITN plan,
  download every file): wall time and the p50/p99 of one flow.

The load generator is Python: ``--procs`` processes of ``--threads`` threads, each thread
with its own keep-alive connection (http.client). On a small machine it shares the CPUs
with the server, so the figures are a floor, not the server's ceiling. Redis is a
``redis-server`` started here on a free port, never the machine's own.

    .venv/bin/python bench/web.py [--workers 4] [--duration 8] [--runs 3] [--record]

``--record`` appends the result to bench/RESULTS.md under "## Web service".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import machine, record

SECTION = "## Web service"
ROOT = Path(__file__).resolve().parent.parent


# ---- servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port),
         "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def serve(backend: str, workers: int, consumers: int) -> Iterator[int]:
    """``chatmrpt serve`` on a fresh home (and a fresh Redis); yields the port."""
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp, contextlib.ExitStack() as stack:
        # default logging (INFO): every request writes its JSON access line, as in production
        env = dict(os.environ, CHATMRPT_HOME=str(Path(tmp) / "home"), CHATMRPT_MAX_UPLOAD_MB="200")
        if backend == "redis":
            env["CHATMRPT_STORE_URL"] = stack.enter_context(redis_server(Path(tmp)))
        port = free_port()
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115 - closed below
        stack.callback(log.close)
        proc = subprocess.Popen(
            [sys.executable, "-m", "chatmrpt.cli", "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--consumers", str(consumers)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError, ValueError):
                    status, _, _ = request(port, "GET", "/readyz")
                    if status == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((Path(tmp) / "serve.log").read_text()[-3000:])
                time.sleep(0.2)
            yield port
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)


# ---- HTTP ------------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, dict[str, str], bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        if own:
            conn.close()


def multipart(files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for field, (name, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """One keep-alive connection and one session (its bearer token)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        status, _, body = self.call("POST", "/api/sessions", auth=False)
        data = json.loads(body)
        self.sid, self.token = data["id"], data["token"]

    def call(
        self, method: str, path: str, payload: Any = None, *, auth: bool = True,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
        headers = {"Authorization": f"Bearer {self.token}"} if auth else {}
        body = None
        if files is not None:
            body, headers["Content-Type"] = multipart(files)
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        return request(self.port, method, path, body, headers, self.conn)

    def session(self, path: str = "") -> str:
        return f"/api/sessions/{self.sid}{path}"


# ---- throughput ------------------------------------------------------------------------


def _load_worker(port, paths, token, seconds, threads, out):
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}"}
        path = paths[i % len(paths)]
        mine = []
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise RuntimeError(f"{path}: {resp.status}")
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(latencies)


def load(port: int, paths: list[str], token: str, seconds: float, procs: int, threads: int):
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    workers = [
        ctx.Process(target=_load_worker, args=(port, paths, token, seconds, threads, out))
        for _ in range(procs)
    ]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    latencies = [x for _ in workers for x in out.get(timeout=seconds + 60)]
    for w in workers:
        w.join()
    elapsed = time.monotonic() - t0
    return {"rps": len(latencies) / elapsed, "p50": pct(latencies, 50), "p99": pct(latencies, 99)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---- analyses and flows ----------------------------------------------------------------


def demo_files(folder: Path, wards: int) -> dict[str, tuple[str, bytes]]:
    from chatmrpt.demo.generator import write_demo_data

    paths = write_demo_data(folder / f"demo-{wards}", wards, seed=11, facility_export=False)
    return {
        "table": ("wards.csv", paths["wards"].read_bytes()),
        "boundaries": ("wards_boundaries.zip", paths["boundaries"].read_bytes()),
    }


def wait_done(c: Client, analysis_id: str, poll_s: float = 0.05) -> dict[str, Any]:
    while True:
        status, _, body = c.call("GET", c.session(f"/analyses/{analysis_id}"))
        a = json.loads(body)
        if status != 200 or a["status"] in ("succeeded", "failed"):
            return a
        time.sleep(poll_s)


def analysis_time(port: int, files: dict[str, tuple[str, bytes]]) -> dict[str, float]:
    c = Client(port)
    t0 = time.perf_counter()
    status, _, body = c.call("POST", c.session("/datasets"), files=files)
    upload = time.perf_counter() - t0
    assert status == 201, body[:300]
    t1 = time.perf_counter()
    status, _, body = c.call("POST", c.session("/analyses"), {})
    assert status == 202, body[:300]
    a = wait_done(c, json.loads(body)["analysis_id"])
    assert a["status"] == "succeeded", a.get("error")
    return {"upload": upload, "analysis": time.perf_counter() - t1}


def warm(port: int, files: dict[str, tuple[str, bytes]], uploads: int) -> None:
    for _ in range(uploads):  # new connections: Gunicorn spreads them over the workers
        c = Client(port)
        assert c.call("POST", c.session("/datasets"), files=files)[0] == 201
        c.conn.close()


def flow(port: int, files: dict[str, tuple[str, bytes]]) -> float:
    t0 = time.perf_counter()
    c = Client(port)
    assert c.call("POST", c.session("/datasets"), files=files)[0] == 201
    status, _, body = c.call("POST", c.session("/analyses"), {})
    assert status == 202
    a = wait_done(c, json.loads(body)["analysis_id"], poll_s=0.2)
    assert a["status"] == "succeeded", a.get("error")
    status, _, body = c.call(
        "POST", c.session("/itn-plans"), {"total_nets": 500_000, "household_size": 5}
    )
    assert status == 201, body[:300]
    status, _, body = c.call("GET", c.session("/artifacts"))
    for art in json.loads(body)["artifacts"]:
        assert c.call("GET", art["url"])[0] == 200
    return time.perf_counter() - t0


def flows(port: int, files: dict[str, tuple[str, bytes]], n: int) -> dict[str, float]:
    times: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            took = flow(port, files)
        except BaseException as exc:  # reported after the run
            with lock:
                errors.append(exc)
            return
        with lock:
            times.append(took)

    t0 = time.perf_counter()
    pool = [threading.Thread(target=one) for _ in range(n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} flows failed: {errors[0]!r}")
    return {"wall": time.perf_counter() - t0, "p50": pct(times, 50), "p99": pct(times, 99)}


# ---- report ----------------------------------------------------------------------------



def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--consumers", type=int, default=1)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per load phase")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per load process")
    parser.add_argument("--wards", default="500,10000", help="demo sizes for analysis time")
    parser.add_argument("--flows", type=int, default=50)
    parser.add_argument("--flow-wards", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,redis")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()

    sizes = [int(x) for x in args.wards.split(",") if x]
    load_rows, analysis_rows, flow_rows = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-web-data-") as data_dir:
        data = {n: demo_files(Path(data_dir), n) for n in {*sizes, args.flow_wards}}
        for backend in args.backends.split(","):
            with serve(backend, args.workers, args.consumers) as port:
                c = Client(port)
                assert c.call("POST", c.session("/datasets"), files=data[min(data)])[0] == 201
                health, state = [], []
                for _ in range(args.runs):
                    health.append(load(port, ["/healthz"], c.token, args.duration, args.procs,
                                       args.threads))  # fmt: skip
                    state.append(load(port, [c.session()], c.token, args.duration, args.procs,
                                      args.threads))  # fmt: skip
                h, s = median_of(health), median_of(state)
                load_rows.append(
                    f"| {backend} | {h['rps']:.0f} | {ms(h['p50'])} / {ms(h['p99'])} | "
                    f"{s['rps']:.0f} | {ms(s['p50'])} / {ms(s['p99'])} | "
                    f"{s['rps'] / h['rps']:.2f} |"
                )
                print(load_rows[-1], flush=True)
                # every worker reads an upload once first (its first import of the data
                # stack takes ~0.3 s), so the timings below are of warm workers
                warm(port, data[min(data)], 3 * args.workers)
                for n in sizes:
                    runs = [analysis_time(port, data[n]) for _ in range(args.runs)]
                    m = median_of(runs)
                    analysis_rows.append(
                        f"| {backend} | {n:,} | {m['upload']:.2f} | {m['analysis']:.2f} |"
                    )
                    print(analysis_rows[-1], flush=True)
                f = flows(port, data[args.flow_wards], args.flows)
                flow_rows.append(
                    f"| {backend} | {args.flows} | {args.flow_wards:,} | {f['wall']:.1f} | "
                    f"{f['p50']:.1f} / {f['p99']:.1f} |"
                )
                print(flow_rows[-1], flush=True)

    command = (
        f"`.venv/bin/python bench/web.py --workers {args.workers} --consumers {args.consumers} "
        f"--duration {args.duration:g} --runs {args.runs} --procs {args.procs} "
        f"--threads {args.threads} --wards {args.wards} --flows {args.flows} "
        f"--flow-wards {args.flow_wards}{' --record' if args.record else ''}`"
    )
    block = [
        f"- {dt.date.today().isoformat()}: `chatmrpt serve --workers {args.workers} "
        f"--consumers {args.consumers}` (gthread, 8 threads per worker); load from "
        f"{args.procs} x {args.threads} keep-alive clients on the same machine; median of "
        f"{args.runs} runs; {machine()}; {command}",
        "",
        "  | store | /healthz req/s | /healthz p50 / p99 ms | GET session req/s "
        "| GET session p50 / p99 ms | session / healthz |",
        "  |---|---|---|---|---|---|",
        *[f"  {r}" for r in load_rows],
        "",
        "  | store | wards | upload s | analysis request-to-result s |",
        "  |---|---|---|---|",
        *[f"  {r}" for r in analysis_rows],
        "",
        "  | store | sessions at once | wards | wall s | one flow p50 / p99 s |",
        "  |---|---|---|---|---|",
        *[f"  {r}" for r in flow_rows],
    ]
    print("\n".join(block))
    if args.record:
        record(SECTION, block)



if __name__ == "__main__":
    main()
