"""``chatmrpt serve``: web workers and a consumer under one supervisor, stopped together."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import requests

from tests._cluster import (
    Http,
    children,
    descendants,
    ilorin_upload,
    pid_alive,
    run_flow,
    start_serve,
    wait_for,
)
from tests.system.conftest import cluster_env


def test_serve_runs_a_flow_restarts_a_dead_consumer_and_stops_cleanly(tmp_path):
    home = tmp_path / "home"
    serve = start_serve(cluster_env(home), tmp_path / "serve.log", workers=2, consumers=1)
    try:
        http = Http([serve.url])
        ready = http.get("/readyz").json()
        assert len(ready["consumers"]) == 1
        tree = descendants(serve.pid)
        # supervisor -> gunicorn master -> 2 workers, and 1 consumer
        assert len(children(serve.pid)) == 2 and len(tree) == 4

        result = run_flow(http, ilorin_upload())
        assert len(result.job_ids) == 1

        # a consumer that dies is started again
        consumer = ready["consumers"][0]["pid"]
        os.kill(consumer, signal.SIGKILL)
        wait_for(
            lambda: {c["pid"] for c in http.get("/readyz").json()["consumers"]} - {consumer},
            30,
            "a new consumer",
        )
        assert len(children(serve.pid)) == 2
        # metrics add up every worker of the host
        text = http.get("/metrics").body.decode()
        assert 'route="/api/sessions/<session_id>/datasets",status="201"} 1.0' in text
        # logs are JSON lines, with the request id and no token
        lines = [
            json.loads(line)
            for line in serve.log_path.read_text().splitlines()
            if line.startswith("{")
        ]
        access = [line for line in lines if line.get("logger") == "chatmrpt.web.access"]
        assert access and all({"request_id", "route", "status", "pid"} <= set(a) for a in access)
        assert not any("Authorization" in line.get("message", "") for line in lines)

        tree = [serve.pid, *descendants(serve.pid)]
        assert len(tree) == 5
        serve.proc.send_signal(signal.SIGTERM)
        assert serve.proc.wait(60) == 0
        wait_for(lambda: not any(pid_alive(p) for p in tree), 10, "every process to exit")
    finally:
        serve.kill()


def test_serve_refuses_a_port_in_use(tmp_path):
    first = start_serve(cluster_env(tmp_path / "a"), tmp_path / "a.log", workers=1, consumers=1)
    try:
        code = "import sys; from chatmrpt.cli import main; sys.exit(main(sys.argv[1:]))"
        env = {**os.environ, **cluster_env(tmp_path / "b")}
        t0 = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-c", code, "serve", "--bind", f"127.0.0.1:{first.port}"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert second.returncode == 2
        assert "Cannot listen on" in second.stderr and time.monotonic() - t0 < 30
    finally:
        first.stop()


def test_ctrl_c_stops_every_process_at_once(tmp_path):
    serve = start_serve(
        cluster_env(tmp_path / "home"), tmp_path / "serve.log", workers=2, new_session=True
    )
    try:
        # workers settled and idle (no connection open): every process must stop at once,
        # a worker included that gets the SIGINT and its master's SIGQUIT together
        wait_for(
            lambda: len(requests.get(serve.url + "/readyz").json()["web_workers"]) == 2,
            20,
            "2 workers",
        )
        tree = [serve.pid, *descendants(serve.pid)]
        assert len(tree) == 5
        t0 = time.monotonic()
        os.killpg(serve.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        assert serve.proc.wait(30) == 0
        wait_for(lambda: not any(pid_alive(p) for p in tree), 10, "every process to exit")
        assert time.monotonic() - t0 < 10, "a worker hung on Ctrl-C"
    finally:
        serve.kill()
