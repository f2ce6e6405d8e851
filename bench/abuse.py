"""Cheap attacks against a real service, before and after the bounds (issue 15).

Each attack runs against a fresh ``chatmrpt web`` (Gunicorn, 1 worker, 4 threads) whose
address space is limited to 3 GiB (``RLIMIT_AS``, inherited by the worker), beside a job
consumer (4 GiB) and an S3 server (moto), with the embedded SQLite store. For each: the
HTTP status, the time to answer, the worker's peak resident memory (``VmHWM``) and
whether the worker survived. ``--tree DIR`` runs another checkout of the code (e.g. the
main branch, unpacked with ``git archive main | tar -x -C DIR``) on the same machine.

    .venv/bin/python bench/abuse.py                 # this checkout
    .venv/bin/python bench/abuse.py --tree /tmp/m   # another one, for the "before" figures
    .venv/bin/python bench/abuse.py --record        # append to bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import machine, record  # noqa: E402
from tests import _xlsx  # noqa: E402
from tests._servers import AWS_TEST_ENV, start_moto  # noqa: E402

GIB = 1024**3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_pids(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            if fields[0] != "Z" and int(fields[1]) == pid:
                out.append(int(entry))
    return out


def peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Service:
    def __init__(self, tree: Path, home: Path, moto_env: dict[str, str], extra: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(moto_env)
        env.update({
            "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}",
            "CHATMRPT_HOME": str(home),
            "CHATMRPT_ARTIFACTS_URL": f"s3://bench-{home.name}/blobs",
            "CHATMRPT_MAX_UPLOAD_MB": "16",
            "CHATMRPT_LOG_LEVEL": "WARNING",
            **(extra or {}),
        })
        self.log = open(home.parent / f"{home.name}.log", "ab")  # noqa: SIM115
        web = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({3 * GIB}, "
               f"{3 * GIB})); from chatmrpt.cli.web import main; sys.exit(main(sys.argv[1:]))")
        worker = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({4 * GIB}, "
                  f"{4 * GIB})); from chatmrpt.cli.worker import main; "
                  "sys.exit(main(sys.argv[1:]))")
        self.web = subprocess.Popen(
            [sys.executable, "-c", web, "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--threads", "4"], env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=tree)
        self.consumer = subprocess.Popen(
            [sys.executable, "-c", worker, "--consumers", "1", "--grace", "2"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=tree)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/readyz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError("the service did not become ready")
        self.workers = child_pids(self.web.pid)

    def session(self) -> tuple[str, dict[str, str]]:
        r = requests.post(self.url + "/api/sessions", timeout=30)
        r.raise_for_status()
        return r.json()["id"], {"Authorization": f"Bearer {r.json()['token']}"}

    def stop(self) -> None:
        for proc in (self.web, self.consumer):
            proc.send_signal(signal.SIGTERM)
        for proc in (self.web, self.consumer):
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


def comb_shapefile(folder: Path, vertices: int) -> bytes:
    import geopandas as gpd
    import numpy as np
    import shapely

    teeth = vertices // 2 - 2
    x = 8.0 + np.arange(teeth) / 2**20
    top = np.where(np.arange(teeth) % 2 == 0, 12.5, 12.25)
    ring = np.concatenate([
        np.column_stack([x, top]), [[x[-1], 12.0], [x[0], 12.0]],
        np.column_stack([x[::-1], np.full(teeth, 12.0 - 2**-12)])[: vertices - teeth - 3],
    ])
    gdf = gpd.GeoDataFrame({"WardName": ["Dala"]}, geometry=[shapely.Polygon(ring)],
                           crs="EPSG:4326")
    gdf.to_file(folder / "wards.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in folder.glob("wards.*"):
            zf.write(part, part.name)
    return buf.getvalue()


def upload_attack(svc: Service, files: dict) -> dict:
    sid, auth = svc.session()
    t0 = time.perf_counter()
    try:
        r = requests.post(f"{svc.url}/api/sessions/{sid}/datasets", headers=auth, files=files,
                          timeout=600)
        status = r.status_code
        code = (r.json().get("error") or {}).get("code") if status >= 400 else None
    except requests.RequestException as exc:
        status, code = "no answer", type(exc).__name__
    seconds = time.perf_counter() - t0
    alive = [p for p in svc.workers if peak_mb(p) is not None]
    peak = max((peak_mb(p) or 0 for p in alive), default=None)
    return {"status": status, "code": code, "s": seconds, "peak_mb": peak,
            "worker_survived": len(alive) == len(svc.workers)}


def rss_mb(pid: int, field: str = "VmRSS:") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def large_table(rows: int) -> bytes:
    """A ward table of ``rows`` rows (a few numeric columns), about 40 bytes a row."""
    import numpy as np

    rng = np.random.default_rng(7)
    cols = rng.random((rows, 4))
    lines = [b"WardName,rainfall,ndvi,distance,tpr"]
    lines += [b"Ward %07d,%.4f,%.4f,%.4f,%.4f" % (i, *cols[i]) for i in range(rows)]
    return b"\n".join(lines) + b"\n"


def large_upload(svc: Service, data: bytes, follow_s: float = 600.0) -> dict:
    """Upload a large table: the worker's resident memory before and its peak after, the
    answer, and (for a 202) how the ingest job ended."""
    sid, auth = svc.session()
    # warm up: a small upload loads the code that reading needs (a fixed cost, not the
    # file's); then measure
    warm = requests.post(f"{svc.url}/api/sessions/{sid}/datasets", headers=auth,
                         files={"table": ("w.csv", large_table(40))}, timeout=120)
    assert warm.status_code == 201, warm.text
    sid, auth = svc.session()
    pid = svc.workers[0]
    before = rss_mb(pid, "VmHWM:") or 0.0
    t0 = time.perf_counter()
    r = requests.post(f"{svc.url}/api/sessions/{sid}/datasets", headers=auth,
                      files={"table": ("wards.csv", data)}, timeout=600)
    answer_s = time.perf_counter() - t0
    peak = rss_mb(pid, "VmHWM:") or 0.0
    out = {"status": r.status_code, "answer_s": answer_s, "before_mb": before,
           "peak_mb": peak, "growth_mb": peak - before, "job": "", "job_s": None}
    if r.status_code == 202:
        url = f"{svc.url}/api/sessions/{sid}/uploads/{r.json()['job_id']}"
        while time.perf_counter() - t0 < follow_s:
            job = requests.get(url, headers=auth, timeout=30).json()
            if job["status"] in ("succeeded", "failed"):
                code = (job.get("error") or {}).get("code") or ""
                out.update(job=f"{job['status']} {code}".strip(),
                           job_s=time.perf_counter() - t0)
                break
            time.sleep(0.5)
        else:
            out["job"] = "still running"
    elif r.status_code >= 400:
        out["job"] = (r.json().get("error") or {}).get("code") or ""
    return out


def bench_large_upload(tree: Path, tmp: Path, moto_env: dict[str, str], label: str,
                       rows: int, runs: int) -> list[str]:
    """The web worker's memory over a large upload: read in the request (the old path,
    forced by a threshold above the file) and stored for an ingest job (this path)."""
    data = large_table(rows)
    out = []
    for path, threshold in (("read in the request", "1000"), ("ingest job", "5")):
        results = []
        for k in range(runs):
            # a fresh worker each run: VmHWM is the peak since the worker started
            svc = Service(tree, tmp / f"home-up-{threshold}-{k}", moto_env,
                          {"CHATMRPT_INGEST_SYNC_MAX_MB": threshold})
            try:
                results.append(large_upload(svc, data))
            finally:
                svc.stop()
        med = {key: statistics.median(r[key] for r in results)
               for key in ("answer_s", "growth_mb", "peak_mb")}
        jobs = [r["job_s"] for r in results if r["job_s"] is not None]
        job = f"{results[-1]['job']}" + (f" after {statistics.median(jobs):.1f} s" if jobs else "")
        out.append(f"| {label} | {len(data) / 2**20:.1f} MB table, {rows:,} rows: {path} | "
                   f"{results[-1]['status']} in {med['answer_s']:.2f} s | "
                   f"+{med['growth_mb']:.0f} MB (peak {med['peak_mb']:.0f} MB) | {job} |")
        print(out[-1], flush=True)
    return out


def bucket_bytes(url: str, bucket: str) -> int:
    import boto3

    s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    total = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        total += sum(o["Size"] for o in page.get("Contents", []) if "/.ping/" not in o["Key"])
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--label", default=None)
    parser.add_argument("--large-upload", type=int, default=0, metavar="ROWS",
                        help="only the large-upload figures, with a table of ROWS rows")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    label = args.label or ("this branch" if tree == ROOT else str(tree))
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chatmrpt-abuse-") as tmp:
        tmp = Path(tmp)
        moto = start_moto(tmp)
        moto_env = {**AWS_TEST_ENV, "AWS_ENDPOINT_URL": moto.url}
        try:
            if args.large_upload:
                rows = bench_large_upload(tree, tmp, moto_env, label, args.large_upload,
                                          args.runs)
                if args.record:
                    record("## Large uploads: the web worker's memory (issue 15, finding 7)", [
                        f"{time.strftime('%Y-%m-%d')}, {machine()}, shared with other work; "
                        f"median of {args.runs} runs, a fresh worker each (`bench/abuse.py "
                        f"--large-upload {args.large_upload}`). Growth: the worker's peak "
                        "resident memory (VmHWM) after the upload minus its peak before it "
                        "(after a small warm-up upload, which loads the reading code).",
                        "",
                        "| code | upload | answer | web worker memory | ingest job |",
                        "|---|---|---|---|---|",
                        *rows,
                    ])
                return 0
            attacks = {
                "xlsx cells at XFD1 and A1048576": lambda: {
                    "table": ("wards.xlsx", _xlsx.far_corners())},
                "xlsx row 200,000 column ALL": lambda: {
                    "table": ("wards.xlsx", _xlsx.row_200k_column_all())},
                "xlsx 20 M shared strings": lambda: {
                    "table": ("wards.xlsx", _xlsx.many_shared_strings())},
                "xlsx one 1 GiB shared string": lambda: {
                    "table": ("wards.xlsx", _xlsx.one_huge_string())},
                "shapefile, one ward of 5 M vertices": lambda: {
                    "table": ("w.csv", b"WardName,a,b\nDala,1,2\nGwale,2,3\n"),
                    "boundaries": ("wards.zip", comb_shapefile(
                        Path(tempfile.mkdtemp(dir=tmp)), 5_000_000))},
            }
            for i, (what, build) in enumerate(attacks.items()):
                files = build()
                size = sum(len(v[1]) for v in files.values())
                svc = Service(tree, tmp / f"home{i}", moto_env)
                try:
                    res = upload_attack(svc, files)
                finally:
                    svc.stop()
                rows.append(f"| {label} | {what} ({size:,} B) | {res['status']} "
                            f"{res['code'] or ''} | {res['s']:.2f} s | "
                            f"{res['peak_mb'] or 0:.0f} MB | "
                            f"{'yes' if res['worker_survived'] else 'no'} |")
                print(rows[-1], flush=True)

            # ten refused 5 MiB zips; 300 sessions at once; /readyz with S3 stopped
            svc = Service(tree, tmp / "homeX", moto_env)
            try:
                bucket = "bench-homeX"
                before = bucket_bytes(moto.url, bucket)
                sid, auth = svc.session()
                for k in range(10):
                    junk = b"PK\x03\x04" + os.urandom(5 * 1024 * 1024)
                    requests.post(f"{svc.url}/api/sessions/{sid}/datasets", headers=auth,
                                  files={"table": ("w.csv", b"WardName,a\nx,%d\n" % k),
                                         "boundaries": ("b.zip", junk)}, timeout=120)
                added = bucket_bytes(moto.url, bucket) - before
                rows.append(f"| {label} | ten refused 5 MiB zips | bytes kept in the bucket: "
                            f"{added / 2**20:.1f} MiB | | | |")
                print(rows[-1], flush=True)
                t0 = time.perf_counter()
                codes = [requests.post(svc.url + "/api/sessions", timeout=30).status_code
                         for _ in range(300)]
                took = time.perf_counter() - t0
                rows.append(f"| {label} | 300 new sessions from one address | "
                            f"{codes.count(201)} x 201, {codes.count(429)} x 429 | "
                            f"{took:.1f} s | | |")
                print(rows[-1], flush=True)
                r = requests.get(f"{svc.url}/api/sessions/{sid}/messages?after=" + "9" * 30,
                                 headers=auth, timeout=30)
                rows.append(f"| {label} | messages?after=<30 digits> | {r.status_code} | | | |")
                print(rows[-1], flush=True)
                times = []
                for _ in range(3):
                    os.kill(moto.proc.pid, signal.SIGSTOP)
                    t0 = time.perf_counter()
                    try:
                        status = requests.get(svc.url + "/readyz", timeout=120).status_code
                    except requests.RequestException:
                        status = "no answer"
                    times.append(time.perf_counter() - t0)
                    os.kill(moto.proc.pid, signal.SIGCONT)
                    time.sleep(2)
                rows.append(f"| {label} | /readyz with S3 not answering (median of 3) | "
                            f"{status} | {statistics.median(times):.2f} s | | |")
                print(rows[-1], flush=True)
            finally:
                svc.stop()
        finally:
            moto.stop()
    if args.record:
        record("## Abuse (issue 15)", [
            f"{time.strftime('%Y-%m-%d')}, {machine()}, shared with other work; one run each; "
            "web worker under RLIMIT_AS 3 GiB (`bench/abuse.py`).",
            "",
            "| code | attack | answer | time | worker peak RSS | worker survived |",
            "|---|---|---|---|---|---|",
            *rows,
        ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
