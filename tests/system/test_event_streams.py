"""Many open event streams against real Gunicorn workers (SQLite; Redis + S3).

Each client behaves as a browser's EventSource: it reads the stream until the server ends
it, waits the ``retry:`` delay the server asked for, and connects again sending the last
event id it saw. With far more such clients than the workers have threads, ``/healthz``
and a session read must still answer promptly (a generous bound: a correctness check, not
a timing), and a job's events must reach every client, each exactly once and in order.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid

import pytest
import requests

from tests._cluster import Http, ilorin_upload, start_consumer, start_web, wait_for, wait_http
from tests._servers import start_moto, start_redis
from tests.system.conftest import cluster_env

STREAMS = 150
WORKERS, THREADS = 2, 4
# generous: a stalled server answered after tens of seconds, a healthy one in milliseconds
PROMPT_S = 5.0


class EventSourceClient(threading.Thread):
    """One browser tab's EventSource on ``/api/sessions/{id}/events`` (HTTP/1.0, raw socket)."""

    def __init__(self, port: int, session_id: str, token: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.session_id, self.token, self.stop = port, session_id, token, stop
        self.events: list[tuple[int, str, dict]] = []
        self.last_id: str | None = None
        self.retry_s = 3.0
        self.connects = 0
        self.statuses: list[int] = []

    def run(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                self.read_once()
            self.stop.wait(self.retry_s)

    def read_once(self) -> None:
        lines = [
            f"GET /api/sessions/{self.session_id}/events HTTP/1.0",
            "Host: 127.0.0.1",
            "Accept: text/event-stream",
            f"Authorization: Bearer {self.token}",
        ]
        if self.last_id is not None:
            lines.append(f"Last-Event-ID: {self.last_id}")
        with socket.create_connection(("127.0.0.1", self.port), timeout=90) as sock:
            self.connects += 1
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            reader = sock.makefile("rb")
            status = int(reader.readline().split()[1])
            self.statuses.append(status)
            while reader.readline().strip():
                pass  # headers
            if status != 200:
                return
            fields: dict[str, str] = {}
            for raw in reader:
                if self.stop.is_set():
                    return
                line = raw.decode().rstrip("\r\n")
                if not line:
                    self.dispatch(fields)
                    fields = {}
                    continue
                if line.startswith(":"):
                    continue
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value

    def dispatch(self, fields: dict[str, str]) -> None:
        if "retry" in fields and fields["retry"].isdigit():
            self.retry_s = int(fields["retry"]) / 1000
        if "id" in fields:
            self.last_id = fields["id"]
        if "data" in fields:
            event = json.loads(fields["data"])
            self.events.append((int(fields["id"]), fields.get("event", "message"), event))


@pytest.fixture(scope="module", params=["sqlite", "redis-s3"])
def server(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"streams-{request.param}")
    stack = contextlib.ExitStack()
    extra: dict[str, str] = {}
    if request.param == "redis-s3":
        redis = start_redis(root)
        stack.callback(redis.kill)
        moto = start_moto(root)
        stack.callback(moto.stop)
        extra = {
            "CHATMRPT_STORE_URL": redis.url,
            "CHATMRPT_ARTIFACTS_URL": f"s3://chatmrpt-{uuid.uuid4().hex[:12]}/blobs",
            **moto.env,
        }
    env = cluster_env(root / "home", **extra)
    with stack:
        master = start_web(env, root / "web.log", workers=WORKERS, threads=THREADS)
        stack.callback(master.stop, 40)
        consumer = start_consumer(env, root / "worker.log")
        stack.callback(consumer.stop, 40)
        wait_http(master, "/readyz", timeout=30)
        yield master


def _prompt(url: str, headers: dict[str, str] | None = None) -> requests.Response:
    """A request that must be answered within PROMPT_S (a timeout fails the test)."""
    return requests.get(url, headers=headers or {}, timeout=PROMPT_S)


def test_many_open_streams_leave_requests_served_and_events_delivered(server):
    http = Http([server.url])
    sid, token = http.new_session()
    auth = {"Authorization": f"Bearer {token}"}
    stop = threading.Event()
    clients = [EventSourceClient(server.port, sid, token, stop) for _ in range(STREAMS)]
    try:
        for client in clients:
            client.start()
        # every client has connected at least once: the streams are open (or were answered)
        wait_for(lambda: all(c.connects for c in clients), 60, "every stream to connect")
        time.sleep(1.0)
        for _ in range(5):
            assert _prompt(server.url + "/healthz").status_code == 200
            r = _prompt(f"{server.url}/api/sessions/{sid}", auth)
            assert r.status_code == 200 and r.json()["id"] == sid
            time.sleep(0.3)

        # a job's progress and completion reach every open stream
        r = http.post(f"/api/sessions/{sid}/datasets", token=token, files=ilorin_upload())
        assert r.status == 201, r.body
        r = http.post(f"/api/sessions/{sid}/analyses", token=token, json={})
        assert r.status == 202, r.body
        job_id = r.json()["job_id"]

        def finished(client: EventSourceClient) -> bool:
            return any(
                kind == "job.succeeded" and e.get("job_id") == job_id
                for _, kind, e in client.events
            )

        wait_for(lambda: all(finished(c) for c in clients), 180, "every stream to see the job end")
        # requests still answered while the streams carry the job's events
        assert _prompt(server.url + "/healthz").status_code == 200
        assert _prompt(f"{server.url}/api/sessions/{sid}", auth).status_code == 200
    finally:
        stop.set()
    for client in clients:
        assert set(client.statuses) == {200}
        ids = [seq for seq, _, _ in client.events]
        # Last-Event-ID honoured on every reconnection: each event once, in order
        assert ids == sorted(set(ids)), ids
        kinds = [kind for _, kind, e in client.events if e.get("job_id") == job_id]
        assert kinds[0] == "job.queued" and kinds[-1] == "job.succeeded", kinds
        for seq, _, event in client.events:
            assert event["seq"] == seq
