"""Job kinds used only by tests, and helpers to run consumers as real processes.

The kinds leave marker files (``<markers>/<job>-<event>-<attempt>`` holding the pid) so a
test can tell which process is running which attempt, and can block on purpose (on the
first attempt only) so that a test can kill the process at that moment.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chatmrpt.config import Settings, load_settings
from chatmrpt.errors import InputError
from chatmrpt.jobs.kinds import JobContext, Outcome, job_kind
from chatmrpt.jobs.lease import new_job
from chatmrpt.store import Key
from tests._servers import project_env

KIND_MODULE = "tests._jobkinds"


def mark(ctx: JobContext, event: str) -> None:
    folder = ctx.payload.get("markers")
    if folder:
        path = Path(folder) / f"{ctx.job_id}-{event}-{ctx.attempt}"
        # the consumer holding the attempt (a job runs in a child process of it)
        path.write_text(os.environ.get("CHATMRPT_CONSUMER_PID") or str(os.getpid()))


def _block(ctx: JobContext, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ctx.check()
        time.sleep(0.02)


@job_kind("test.sleep")
def sleep_job(ctx: JobContext) -> Outcome:
    mark(ctx, "started")
    seconds = float(ctx.payload.get("seconds", 0.1))
    if ctx.payload.get("quiet"):  # no progress reports: only the heartbeat keeps the lease
        _block(ctx, seconds)
    else:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ctx.progress(1 - (end - time.monotonic()) / seconds, "sleeping")
            time.sleep(0.02)
    mark(ctx, "done")
    return Outcome(result={"slept": seconds})


@job_kind("test.touch")
def touch_job(ctx: JobContext) -> Outcome:
    """Stores one file and commits it; may block (or hang inside the commit) on attempt 1."""
    mark(ctx, "started")
    text = str(ctx.payload.get("text", "hello"))
    path = ctx.workdir / "touch.txt"
    path.write_text(text)
    stored = ctx.store_file(path, "touch.txt", "text/plain")
    if ctx.payload.get("block_first") and ctx.attempt == 1:
        mark(ctx, "blocking")
        _block(ctx, 60)
    updates: list[Callable[[Any], None]] = []
    if ctx.payload.get("hang_in_commit") and ctx.attempt == 1:

        def hang(txn: Any) -> None:
            # inside the final transaction: the test kills the process now
            mark(ctx, "in-commit")
            time.sleep(60)

        updates.append(hang)
    mark(ctx, "returning")
    return Outcome(
        subject={"summary": {"text": text}},
        files=[stored],
        session_state={"touched": text},
        result={"text": text},
        updates=updates,
    )


@job_kind("test.input_error")
def input_error_job(ctx: JobContext) -> Outcome:
    raise InputError(
        "missing_column", "The column 'rainfall' is missing.", details={"column": "rainfall"}
    )


@job_kind("test.crash")
def crash_job(ctx: JobContext) -> Outcome:
    raise RuntimeError("secret internal detail /etc/passwd")


@job_kind("test.allocate")
def allocate_job(ctx: JobContext) -> Outcome:
    """Holds ``megabytes`` of memory, 64 MB at a time (past a job memory limit)."""
    mark(ctx, "started")
    held = [bytearray(64 * 1024 * 1024) for _ in range(int(ctx.payload["megabytes"]) // 64)]
    return Outcome(result={"held_mb": 64 * len(held)})


@job_kind("test.spin")
def spin_job(ctx: JobContext) -> Outcome:
    """Loops for ``seconds`` without ever checking its time limit."""
    mark(ctx, "started")
    end = time.monotonic() + float(ctx.payload["seconds"])
    n = 0
    while time.monotonic() < end:
        n += 1
    return Outcome(result={"loops": n})


# ---- helpers ---------------------------------------------------------------------------


def settings_env(
    home: Path,
    store_url: str | None = None,
    artifacts_url: str | None = None,
    *,
    lease_s: float = 1.5,
    max_attempts: int = 3,
    **extra: str,
) -> dict[str, str]:
    env = {
        "CHATMRPT_HOME": str(home),
        "CHATMRPT_JOB_LEASE_S": str(lease_s),
        "CHATMRPT_JOB_MAX_ATTEMPTS": str(max_attempts),
    }
    if store_url:
        env["CHATMRPT_STORE_URL"] = store_url
    if artifacts_url:
        env["CHATMRPT_ARTIFACTS_URL"] = artifacts_url
    env.update(extra)
    return env


def settings_from(env: dict[str, str]) -> Settings:
    return load_settings(env)


def submit_test_job(
    rt: Any, kind: str, payload: dict[str, Any], *, session_id: str | None = None
) -> tuple[dict[str, Any], Key]:
    """A test job with an analysis record as its subject, as ``submit_analysis`` makes."""
    if session_id is None:
        session_id = secrets.token_hex(16)
        rt.store.create_session(session_id, "0" * 64, 3600.0)
    subject = Key.analysis(session_id, secrets.token_hex(32))
    job = new_job(
        kind, session_id, payload, max_attempts=rt.settings.job_max_attempts, subject=subject
    )

    def fn(txn: Any) -> None:
        txn.put(
            subject,
            {
                "id": subject.id,
                "session_id": session_id,
                "dataset_id": "test",
                "params": {},
                "status": "queued",
                "progress": 0.0,
                "job_id": job["id"],
                "artifacts": [],
            },
        )
        txn.put(Key.job(job["id"]), job)

    rt.store.transact(fn)
    rt.queue.dispatch(job["id"])
    return rt.store.get_job(job["id"]), subject


def start_worker(
    env: dict[str, str],
    log_path: Path,
    *,
    consumers: int = 1,
    grace: float = 1.0,
    cli: bool = False,
) -> subprocess.Popen:
    """``chatmrpt worker`` as a real process, knowing the test kinds.

    ``cli``: through the full ``python -m chatmrpt.cli`` entry point (slower start, as it
    imports every command); otherwise straight through ``chatmrpt.cli.worker.main``.
    """
    args = ["--consumers", str(consumers), "--grace", str(grace), "--kinds", KIND_MODULE]
    if cli:
        cmd = [sys.executable, "-m", "chatmrpt.cli", "worker", *args]
    else:
        code = "import sys; from chatmrpt.cli.worker import main; sys.exit(main(sys.argv[1:]))"
        cmd = [sys.executable, "-c", code, *args]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            cmd,
            env=project_env(**env, CHATMRPT_LOG_LEVEL="INFO"),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(Path(__file__).resolve().parent.parent),
        )


def wait_for(
    predicate: Callable[[], Any], timeout: float, message: str = "", interval: float = 0.02
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate}")
        time.sleep(interval)


def marker(folder: Path, job_id: str, event: str, attempt: int) -> Path:
    return folder / f"{job_id}-{event}-{attempt}"
