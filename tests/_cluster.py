"""Helpers for the web service tests: fixture uploads, a small HTTP client, real processes.

Plain functions and classes (no pytest magic), shared by ``tests/integration/test_web_*``
(Flask test client) and ``tests/system`` (Gunicorn masters, ``chatmrpt serve``,
``chatmrpt worker`` as real processes on free ports)::

    master = start_web(env, tmp_path / "web.log", workers=2)   # chatmrpt web
    worker = start_consumer(env, tmp_path / "worker.log")       # chatmrpt worker
    http = Http([master.url]); sid, token = http.new_session()
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from tests._servers import PROJECT_ROOT, free_port, project_env

DATA = PROJECT_ROOT / "tests" / "data"
ILORIN_TABLE = DATA / "ilorin" / "ilorin_variables.csv"
ILORIN_BOUNDARIES = DATA / "ilorin" / "ilorin_wards.zip"
KANO_TABLE = DATA / "kano_metro" / "kano_metro_variables.csv"
KANO_BOUNDARIES = DATA / "kano_metro" / "kano_metro_wards.zip"
TERMINAL = ("succeeded", "failed")


# ---- uploads ---------------------------------------------------------------------------------


def with_planning_columns(path: Path) -> bytes:
    """A real ward table plus the two columns planning needs (population, urban share).

    The Ilorin and Kano tables carry risk variables only; ITN plans and urban
    reprioritisation need ``population`` and ``urban_percentage``, added here with fixed,
    plausible values so that runs are reproducible.
    """
    frame = pd.read_csv(path)
    n = len(frame)
    frame["population"] = [4000 + (i * 7919) % 26000 for i in range(n)]
    frame["urban_percentage"] = [float((i * 37) % 100) for i in range(n)]
    return frame.to_csv(index=False).encode("utf-8")


def ilorin_upload() -> dict[str, tuple[str, bytes]]:
    return {
        "table": ("ilorin_variables.csv", with_planning_columns(ILORIN_TABLE)),
        "boundaries": ("ilorin_wards.zip", ILORIN_BOUNDARIES.read_bytes()),
    }


def kano_upload() -> dict[str, tuple[str, bytes]]:
    return {
        "table": ("kano_metro_variables.csv", with_planning_columns(KANO_TABLE)),
        "boundaries": ("kano_metro_wards.zip", KANO_BOUNDARIES.read_bytes()),
    }


def zip_bytes(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return buf.getvalue()


def zip_slip() -> bytes:
    return zip_bytes([("../../evil.shp", b"x" * 100), ("wards.dbf", b"y")])


def zip_absolute() -> bytes:
    return zip_bytes([("/etc/cron.d/evil", b"x")])


def zip_symlink() -> bytes:
    info = zipfile.ZipInfo("wards.shp")
    info.create_system = 3
    info.external_attr = (0o120777) << 16  # a symbolic link to /etc/passwd
    return zip_bytes([(info, b"/etc/passwd")])


def zip_bomb(megabytes: int = 20) -> bytes:
    return zip_bytes([("wards.shp", b"\0" * (megabytes * 1024 * 1024)), ("wards.dbf", b"y")])


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


# ---- HTTP --------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body)


class Http:
    """A thread-safe client for one or more masters; ``turn`` alternates between them."""

    def __init__(self, base_urls: list[str], timeout: float = 30.0):
        self.base_urls = list(base_urls)
        self.timeout = timeout
        self._local = threading.local()
        self._turn = 0
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = requests.Session()
        return s

    def next_base(self) -> str:
        with self._lock:
            base = self.base_urls[self._turn % len(self.base_urls)]
            self._turn += 1
        return base

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        data: dict[str, str] | bytes | None = None,
        headers: dict[str, str] | None = None,
        base: str | None = None,
        retries: int = 0,
    ) -> Reply:
        url = (base or self.next_base()) + path
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        for attempt in range(retries + 1):
            try:
                r = self._session().request(
                    method,
                    url,
                    json=json,
                    files=files,
                    data=data,
                    headers=hdrs,
                    timeout=self.timeout,
                )
                return Reply(r.status_code, dict(r.headers), r.content)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # a worker killed while it answered cuts the response short: the requests of
                # the flows are idempotent (content-addressed), so they are sent again
                self._local.session = None
                if attempt == retries:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Reply:
        return self.request("POST", path, **kw)

    def new_session(self, **kw: Any) -> tuple[str, str]:
        r = self.post("/api/sessions", **kw)
        assert r.status == 201, r.body
        body = r.json()
        return body["id"], body["token"]


# ---- processes ------------------------------------------------------------------------------


def _tail(path: Path, n: int = 40) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    return ""


@dataclass
class Proc:
    """A process started by a test, with its log file."""

    name: str
    proc: subprocess.Popen
    log_path: Path
    port: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return _tail(self.log_path)

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def kill(self) -> None:
        for pid in descendants(self.proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _spawn(
    name: str,
    code: str,
    args: list[str],
    env: dict[str, str],
    log_path: Path,
    new_session: bool = False,
) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=project_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(PROJECT_ROOT),
            # its own process group, as a terminal gives a command: a test can then send
            # the group a Ctrl-C without hitting pytest
            start_new_session=new_session,
        )


def start_web(
    env: dict[str, str],
    log_path: Path,
    *,
    workers: int = 2,
    threads: int = 4,
    port: int | None = None,
) -> Proc:
    """``chatmrpt web`` (a Gunicorn master) on a free port; waits until /healthz answers."""
    port = port or free_port()
    code = "import sys; from chatmrpt.cli.web import main; sys.exit(main(sys.argv[1:]))"
    args = ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)]
    proc = Proc("web", _spawn("web", code, args, env, log_path), log_path, port)
    wait_http(proc, "/healthz")
    return proc


# Ready means two web workers and a consumer have imported the app (about 2 s of CPU
# each) and the consumer's heartbeat is in the store: about 5 s on an idle 2-core machine,
# over 60 s when each core is shared by nine busy processes, as when several test runs
# share the machine.
SERVE_READY_S = 180


def start_serve(
    env: dict[str, str],
    log_path: Path,
    *,
    workers: int = 2,
    consumers: int = 1,
    new_session: bool = False,
) -> Proc:
    """``chatmrpt serve`` through the real command line; waits until /readyz says ready."""
    port = free_port()
    code = "import sys; from chatmrpt.cli import main; sys.exit(main(sys.argv[1:]))"
    args = [
        "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--consumers", str(consumers), "--threads", "4", "--grace", "5",
    ]  # fmt: skip
    proc = Proc("serve", _spawn("serve", code, args, env, log_path, new_session), log_path, port)
    try:
        wait_http(proc, "/readyz", timeout=SERVE_READY_S)
    except BaseException:
        proc.stop(timeout=5)  # a start that failed leaves no server behind
        raise
    return proc


def start_consumer(env: dict[str, str], log_path: Path, *, consumers: int = 1) -> Proc:
    """``chatmrpt worker`` (knowing the TPR job kind too)."""
    code = "import sys; from chatmrpt.cli.worker import main; sys.exit(main(sys.argv[1:]))"
    args = ["--consumers", str(consumers), "--grace", "5", "--kinds", "chatmrpt.jobs.tpr"]
    return Proc("worker", _spawn("worker", code, args, env, log_path), log_path)


def wait_http(proc: Proc, path: str, timeout: float = 45.0, status: int = 200) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited with {proc.proc.returncode}:\n{proc.log()}")
        try:
            r = requests.get(proc.url + path, timeout=2)
            if r.status_code == status:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # still starting, or slow to answer on a busy machine: ask again
        time.sleep(0.1)
    raise RuntimeError(f"{proc.name} did not answer {path} with {status}:\n{proc.log()}")


def children(pid: int) -> list[int]:
    """Direct children of ``pid``, from /proc (no psutil needed)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        # the command name may hold spaces and parentheses: the fields follow the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[0] != "Z" and int(fields[1]) == pid:
            out.append(int(entry))
    return out


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode(errors="replace")
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].split()[0] != "Z"


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# ---- the whole flow --------------------------------------------------------------------------


@dataclass
class FlowResult:
    session_id: str
    dataset_id: str
    analysis_id: str
    job_ids: set[str]
    plan_id: str
    artifact_names: set[str]
    log: list[tuple[str, int]] = field(default_factory=list)


def run_flow(
    http: Http,
    upload: dict[str, tuple[str, bytes]],
    *,
    nets: int = 40_000,
    poll_s: float = 0.2,
    timeout_s: float = 180.0,
    retries: int = 0,
) -> FlowResult:
    """Create a session, upload, analyse, poll, plan nets, download every file.

    Every request goes to the next master in turn. Asserts along the way that every
    response is consistent with what came before.
    """
    sid, token = http.new_session()
    log: list[tuple[str, int]] = []

    def call(method: str, path: str, **kw: Any) -> Reply:
        r = http.request(method, f"/api/sessions/{sid}{path}", token=token, retries=retries, **kw)
        log.append((f"{method} {path}", r.status))
        return r

    r = call("POST", "/datasets", files=upload)
    assert r.status == 201, r.body
    dataset_id = r.json()["dataset_id"]

    r = call("POST", "/analyses", json={})
    assert r.status == 202, r.body
    first = r.json()
    analysis_id, job_ids = first["analysis_id"], {first["job_id"]}
    deadline = time.monotonic() + timeout_s
    while True:
        r = call("GET", f"/analyses/{analysis_id}")
        assert r.status == 200, r.body
        a = r.json()
        assert a["analysis_id"] == analysis_id and 0.0 <= a["progress"] <= 1.0
        job_ids.add(a["job_id"])
        if a["status"] in TERMINAL:
            break
        # asking again while it runs: the same analysis and job, never a second one
        again = call("POST", "/analyses", json={})
        # 202 while it runs; 200 "reused" once it has succeeded meanwhile
        assert again.status in (200, 202), again.body
        assert (again.status == 200) == (again.json()["status"] == "succeeded")
        assert again.json()["reused"] is (again.status == 200)
        assert again.json()["analysis_id"] == analysis_id
        job_ids.add(again.json()["job_id"])
        if time.monotonic() > deadline:
            raise AssertionError(f"analysis {analysis_id} still {a['status']} after {timeout_s}s")
        time.sleep(poll_s)
    assert a["status"] == "succeeded", a.get("error")
    assert a["summary"]["wards"] > 0

    r = call("POST", "/analyses", json={})
    assert r.status == 200 and r.json()["reused"] is True, r.body
    assert r.json()["analysis_id"] == analysis_id

    r = call("POST", "/itn-plans", json={"total_nets": nets, "household_size": 5})
    assert r.status == 201, r.body
    plan = r.json()
    assert plan["analysis_id"] == analysis_id
    r = call("GET", f"/itn-plans/{plan['plan_id']}")
    assert r.status == 200 and r.json()["summary"] == plan["summary"], r.body

    r = call("GET", "/artifacts")
    assert r.status == 200, r.body
    names = set()
    for art in r.json()["artifacts"]:
        d = http.request("GET", art["url"], token=token, retries=retries)
        log.append(("GET artifact", d.status))
        assert d.status == 200, d.body
        assert len(d.body) == art["size"]
        assert d.headers["ETag"] == f'"{art["sha256"]}"'
        names.add(art["name"])
    return FlowResult(sid, dataset_id, analysis_id, job_ids, plan["plan_id"], names, log)


# ---- the Flask test client ---------------------------------------------------------------------


def run_queued_jobs(app: Any) -> list[str]:
    """Run every queued job now, in this thread (deterministic; no consumer needed)."""
    from chatmrpt.jobs.kinds import load_kinds
    from chatmrpt.jobs.runner import execute_job
    from chatmrpt.web.app import get_runtime

    load_kinds(("chatmrpt.jobs.tpr",))
    rt = get_runtime(app)
    done = []
    for job in rt.store.list_jobs("queued"):
        done.append(execute_job(rt, job["id"]))
    return done


class SessionClient:
    """A Flask test client bound to one session and its bearer token."""

    def __init__(self, client: Any, session_id: str, token: str):
        self.client = client
        self.id = session_id
        self.token = token
        self.base = f"/api/sessions/{session_id}"

    @classmethod
    def create(cls, client: Any) -> SessionClient:
        r = client.post("/api/sessions")
        assert r.status_code == 201, r.data
        return cls(client, r.json["id"], r.json["token"])

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str = "", headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.get(self.base + path, headers=self._headers(headers), **kw)

    def post(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.post(self.base + path, headers=self._headers(headers), **kw)

    def delete(self, path: str = "", headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.delete(self.base + path, headers=self._headers(headers), **kw)

    def upload(self, files: dict[str, tuple[str, bytes]], **fields: str) -> Any:
        data: dict[str, Any] = {k: (io.BytesIO(v), name) for k, (name, v) in files.items()}
        data.update(fields)
        return self.post("/datasets", data=data, content_type="multipart/form-data")

    def state(self) -> dict[str, Any]:
        r = self.get()
        assert r.status_code == 200, r.data
        return r.json
