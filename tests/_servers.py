"""Real servers for tests: redis-server and a moto S3 server, each on a free port.

Plain helpers (no pytest magic), so any test module can use them::

    from tests._servers import start_redis, start_moto, free_port

    server = start_redis(tmp_path)            # server.url, .port, .stop(), .kill(), .restart()
    s3 = start_moto(tmp_path)                 # s3.url (endpoint), s3.env (AWS_* for clients)

Every server runs in its own folder under the test's tmp_path and listens on 127.0.0.1
only, so tests are safe to run in parallel (pytest-xdist). The Redis already running on
the machine (6379) is never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    """A port nothing listens on right now (the caller binds it soon after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _tail(path: Path, n: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    return ""


@dataclass
class RedisServer:
    """A redis-server process with its data in ``folder``."""

    folder: Path
    port: int
    aof: bool = False
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        return self.folder / "redis.log"

    def _args(self) -> list[str]:
        args = [
            REDIS_SERVER,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.folder),
            "--logfile", str(self.log_path),
            "--daemonize", "no",
            "--save", "",
        ]  # fmt: skip
        if self.aof:
            args += ["--appendonly", "yes", "--appendfsync", "everysec"]
        else:
            args += ["--appendonly", "no"]
        return args

    def start(self, timeout: float = 10.0) -> RedisServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            self._args(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {self.proc.returncode}:\n{_tail(self.log_path)}"
                )
            if self._answers():
                return self
            time.sleep(0.02)
        self.kill()
        raise RuntimeError(f"redis-server did not start on {self.port}:\n{_tail(self.log_path)}")

    def _answers(self) -> bool:
        # a raw PING: the server is up and done loading its AOF
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful: SIGTERM makes Redis flush (and fsync) its AOF before exiting."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: no chance to flush anything."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def restart(self, *, hard: bool = False) -> RedisServer:
        """Stop (SIGKILL when ``hard``) and start again on the same port and folder."""
        if hard:
            self.kill()
        else:
            self.stop()
        return self.start()


def start_redis(tmp_path: Path, aof: bool = False) -> RedisServer:
    """A fresh redis-server on a free port, its files in ``tmp_path/redis-<port>``."""
    last: Exception | None = None
    for _ in range(3):  # the free port may be taken between choosing and binding it
        port = free_port()
        try:
            return RedisServer(tmp_path / f"redis-{port}", port, aof).start()
        except RuntimeError as exc:
            last = exc
    raise RuntimeError(f"could not start redis-server: {last}")


@dataclass
class MotoServer:
    """A moto S3 server process (``python -m moto.server``)."""

    port: int
    log_path: Path
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """Environment for a process that talks to this server through boto3."""
        return {**AWS_TEST_ENV, "AWS_ENDPOINT_URL": self.url}

    def start(self, timeout: float = 30.0) -> MotoServer:
        env = {**os.environ, **AWS_TEST_ENV}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto server exited:\n{_tail(self.log_path)}")
            if _port_open(self.port):
                try:
                    with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2) as resp:
                        if resp.status == 200:
                            return self
                except OSError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"moto server did not start on {self.port}:\n{_tail(self.log_path)}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_moto(tmp_path: Path) -> MotoServer:
    last: Exception | None = None
    for _ in range(3):
        port = free_port()
        try:
            return MotoServer(port, tmp_path / f"moto-{port}.log").start()
        except RuntimeError as exc:
            last = exc
    raise RuntimeError(f"could not start the moto server: {last}")


def project_env(**extra: str) -> dict[str, str]:
    """os.environ plus the project on PYTHONPATH, for subprocesses that import ``tests``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
    )
    # a loaded test machine starts a consumer's first job slowly: let the chat wait for the
    # analysis it started as long as a test waits for the page, so its reply says "done"
    env.setdefault("CHATMRPT_CHAT_WAIT_S", "100")  # below the tests' 120 s
    env.update(extra)
    return env
