"""Running the service: Gunicorn for the web, consumer processes for jobs, a supervisor.

* :func:`run_web` — a Gunicorn master with N threaded (``gthread``) workers serving
  :func:`chatmrpt.web.app.create_app`. Nothing is loaded before the fork: each worker
  builds the app and, on first use, its own store connections; after start-up it runs a
  heartbeat thread. The master empties dead workers' metric files (``child_exit``).
* :func:`run_consumer` — one job consumer process (``chatmrpt.jobs.consumer.consume``)
  with JSON logs and every built-in job kind, stopped by SIGTERM or SIGINT.
* :class:`Supervisor` — ``chatmrpt serve``: starts the web master and the consumers as
  child processes, starts again any that dies, and on SIGTERM/SIGINT stops them all
  (SIGTERM, then SIGKILL after the grace period). Children die with the supervisor even
  if it is killed (Linux parent-death signal).

``python -m chatmrpt.web.serving web|consumer ...`` is how the supervisor starts its
children.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chatmrpt.config import Settings

log = logging.getLogger("chatmrpt.serve")

DEFAULT_WORKERS = 4
DEFAULT_THREADS = 8
DEFAULT_TIMEOUT_S = 60
# SSE streams last up to 30 s; a stopping worker lets them finish
GRACEFUL_TIMEOUT_S = 35
# job kinds every consumer started here knows, besides the built-in analysis kind
KIND_MODULES = ("chatmrpt.jobs.tpr",)


def check_bind(bind: str) -> tuple[str, int]:
    from chatmrpt.errors import InputError

    host, sep, port = bind.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(
            "invalid_parameter",
            f"--bind {bind!r} is not HOST:PORT (for example 127.0.0.1:5013).",
        )
    return host.strip("[]"), int(port)


def check_port_free(bind: str) -> None:
    """Refuse at once when the address is taken, rather than after Gunicorn's retries."""
    from chatmrpt.errors import InputError

    host, port = check_bind(bind)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise InputError(
                "invalid_parameter",
                f"Cannot listen on {bind}: {exc.strerror or exc}. Stop what uses the port, or "
                "choose another with --bind.",
            ) from None


def ensure_metrics_dir(settings: Settings) -> Path:
    """``PROMETHEUS_MULTIPROC_DIR`` for this master and its workers (set it when unset).

    Must run before anything imports prometheus_client: the library picks its storage
    when it is first imported.
    """
    from chatmrpt.web.metrics import MULTIPROC_ENV, prepare_multiprocess_dir

    current = os.environ.get(MULTIPROC_ENV)
    if current:
        Path(current).mkdir(parents=True, exist_ok=True)
        return Path(current)
    folder = prepare_multiprocess_dir(settings.home)
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


# ---- the web: Gunicorn ---------------------------------------------------------------------


def _post_worker_init(worker: Any) -> None:
    from chatmrpt.web.health import start_heartbeat
    from chatmrpt.web.state import get_runtime

    # Ctrl-C reaches the whole process group, and the master answers it by sending SIGQUIT
    # to every worker: a worker that also acts on the SIGINT itself runs Gunicorn's
    # quick-exit handler twice, re-entered, and deadlocks on its thread pool's lock
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    app = worker.wsgi
    # held event streams take at most a quarter of the threads: the rest serve requests
    app.config["SSE_HELD_STREAMS"] = held_streams(int(getattr(worker.cfg, "threads", 1) or 1))
    try:
        get_runtime(app)  # connections of this worker, opened after the fork
    except Exception as exc:  # the store may be away at start: requests will retry
        log.warning("worker %s started without a store connection: %s", os.getpid(), exc)
    start_heartbeat(app)


def held_streams(threads: int) -> int:
    """Event streams a worker with ``threads`` threads holds open at once (the rest poll)."""
    return max(threads // 4, 1) if threads > 1 else 0


def _worker_exit(server: Any, worker: Any) -> None:
    from chatmrpt.web.health import stop_heartbeat
    from chatmrpt.web.state import close_runtime

    app = getattr(worker, "wsgi", None)
    if app is None or not hasattr(app, "extensions"):
        return
    stop_heartbeat(app)
    close_runtime(app)


def _child_exit(server: Any, worker: Any) -> None:
    from chatmrpt.web.metrics import mark_process_dead

    mark_process_dead(worker.pid)


def gunicorn_options(
    bind: str, workers: int, threads: int, timeout: int = DEFAULT_TIMEOUT_S
) -> dict[str, Any]:
    from chatmrpt.logs import logging_config

    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "keepalive": 5,
        "preload_app": False,
        "proc_name": "chatmrpt-web",
        "accesslog": None,
        "errorlog": "-",
        "logconfig_dict": logging_config(),
        # X-Forwarded-* headers are believed by the application alone, and only with
        # CHATMRPT_TRUST_PROXY (werkzeug's ProxyFix): Gunicorn trusts no front-end
        "secure_scheme_headers": {},
        "forwarded_allow_ips": "",
        "forwarder_headers": "",
        # the default control socket is one path per user: two masters would collide
        "control_socket_disable": True,
        "post_worker_init": _post_worker_init,
        "worker_exit": _worker_exit,
        "child_exit": _child_exit,
    }


def run_web(
    settings: Settings,
    bind: str,
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
    timeout: int = DEFAULT_TIMEOUT_S,
) -> int:
    """Run a Gunicorn master in this process until it is stopped (SIGTERM, SIGINT)."""
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(bind, workers, threads, timeout)

    class WebApplication(BaseApplication):
        def load_config(self) -> None:
            known = self.cfg.settings
            for key, value in options.items():
                if key in known:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from chatmrpt.web.app import create_app

            return create_app(settings)

    log.info(
        "web master %s: %d worker(s) x %d thread(s) on %s", os.getpid(), workers, threads, bind
    )
    WebApplication().run()
    return 0


# ---- job consumers ---------------------------------------------------------------------------


def run_consumer(settings: Settings, threads: int = 1, grace_s: float | None = None) -> int:
    """One consumer in this process until SIGTERM/SIGINT (the running job may finish)."""
    from chatmrpt.jobs.consumer import DEFAULT_GRACE_S, consume

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    grace = DEFAULT_GRACE_S if grace_s is None else grace_s
    return consume(settings, stop, threads=threads, grace_s=grace, kind_modules=KIND_MODULES)


# ---- supervisor (chatmrpt serve) -------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies (Linux only)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restart_at: float = 0.0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@dataclass
class Supervisor:
    """Keeps the web master and the consumers running; stops them all together."""

    children: list[Child]
    env: dict[str, str]
    stop_grace_s: float = 40.0
    quick_death_s: float = 10.0
    max_quick_deaths: int = 5
    stop_event: threading.Event = field(default_factory=threading.Event)
    on_start: Callable[[Child], None] | None = None

    def start(self, child: Child) -> None:
        child.proc = subprocess.Popen(
            child.argv, env=self.env, preexec_fn=_die_with_parent, close_fds=True
        )
        child.started = time.monotonic()
        log.info("started %s (pid %s)", child.name, child.pid, extra={"child": child.name})
        if self.on_start is not None:
            self.on_start(child)

    def run(self) -> int:
        for child in self.children:
            self.start(child)
        status = 0
        while not self.stop_event.wait(0.5):
            failed = self._check()
            if failed is not None:
                log.error("%s keeps exiting right after start; stopping everything", failed.name)
                status = 1
                break
        self.stop()
        return status

    def _check(self) -> Child | None:
        now = time.monotonic()
        for child in self.children:
            if child.proc is None or child.alive():
                if child.alive() and now - child.started > self.quick_death_s:
                    child.quick_deaths = 0
                continue
            if child.restart_at == 0.0:
                code = child.proc.returncode
                quick = now - child.started < self.quick_death_s
                child.quick_deaths = child.quick_deaths + 1 if quick else 0
                if child.quick_deaths >= self.max_quick_deaths:
                    return child
                delay = min(2.0**child.quick_deaths - 1.0, 30.0)
                log.warning(
                    "%s (pid %s) exited with %s; starting it again in %.0f s",
                    child.name,
                    child.pid,
                    code,
                    delay,
                    extra={"child": child.name, "exit_code": code},
                )
                child.restart_at = now + delay
            if now >= child.restart_at:
                child.restart_at = 0.0
                self.start(child)
        return None

    def stop(self) -> None:
        self.stop_event.set()
        running = [c for c in self.children if c.alive()]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace_s
        for child in running:
            try:
                child.proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.error("%s (pid %s) did not stop in time; killing it", child.name, child.pid)
                child.proc.kill()
                child.proc.wait(10)
        log.info("all processes stopped")


def child_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "chatmrpt.web.serving", *args]


def serve(
    settings: Settings,
    bind: str,
    workers: int,
    consumers: int,
    threads: int = DEFAULT_THREADS,
    grace_s: float | None = None,
) -> int:
    """``chatmrpt serve``: the web master and ``consumers`` consumer processes, supervised."""
    from chatmrpt.jobs.consumer import DEFAULT_GRACE_S

    check_port_free(bind)
    settings.get_secret_key()  # created once here, before the workers race for it
    ensure_metrics_dir(settings)
    env = dict(os.environ, CHATMRPT_HOME=str(settings.home))
    grace = DEFAULT_GRACE_S if grace_s is None else grace_s
    children = [
        Child(
            "web",
            child_command(
                "web", "--bind", bind, "--workers", str(workers), "--threads", str(threads)
            ),
        )
    ]
    children += [
        Child(f"consumer-{i + 1}", child_command("consumer", "--grace", str(grace)))
        for i in range(consumers)
    ]
    supervisor = Supervisor(children, env, stop_grace_s=max(grace, GRACEFUL_TIMEOUT_S) + 5.0)

    def on_signal(signum: int, frame: object) -> None:
        supervisor.stop_event.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info(
        "serving on http://%s with %d web worker(s) and %d consumer(s); home %s",
        bind,
        workers,
        consumers,
        settings.home,
    )
    return supervisor.run()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child processes ``chatmrpt serve`` starts."""
    from chatmrpt.config import load_settings
    from chatmrpt.logs import configure_logging

    parser = argparse.ArgumentParser(prog="python -m chatmrpt.web.serving")
    sub = parser.add_subparsers(dest="part", required=True)
    web = sub.add_parser("web")
    web.add_argument("--bind", required=True)
    web.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    web.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    consumer = sub.add_parser("consumer")
    consumer.add_argument("--threads", type=int, default=1)
    consumer.add_argument("--grace", type=float, default=None)
    args = parser.parse_args(argv)
    configure_logging()
    settings = load_settings()
    if args.part == "web":
        ensure_metrics_dir(settings)
        return run_web(settings, args.bind, args.workers, args.threads)
    # Ctrl-C reaches the whole process group: the consumer stops as for SIGTERM
    return run_consumer(settings, args.threads, args.grace)


if __name__ == "__main__":
    sys.exit(main())
