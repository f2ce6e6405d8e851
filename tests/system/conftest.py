"""Real processes for the system tests of the web service.

``sqlite_cluster``: two Gunicorn masters (``chatmrpt web``, 2 workers each) and one job
consumer (``chatmrpt worker``) sharing one CHATMRPT_HOME — the embedded store (SQLite)
and artifact folder of one machine. Started once per module (per xdist worker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests._cluster import Http, Proc, start_consumer, start_web, wait_http


@dataclass
class Cluster:
    home: Path
    env: dict[str, str]
    masters: list[Proc]
    consumers: list[Proc]
    logs: Path
    extra: dict = field(default_factory=dict)

    @property
    def urls(self) -> list[str]:
        return [m.url for m in self.masters]

    def http(self) -> Http:
        return Http(self.urls)

    def stop(self) -> None:
        for proc in (*self.masters, *self.consumers):
            proc.stop(timeout=40)

    def dump_logs(self) -> str:
        return "\n".join(
            f"--- {p.name} {p.pid}\n{p.log()}" for p in (*self.masters, *self.consumers)
        )


def cluster_env(home: Path, **extra: str) -> dict[str, str]:
    return {
        "CHATMRPT_HOME": str(home),
        "CHATMRPT_JOB_LEASE_S": "5",
        "CHATMRPT_MAX_UPLOAD_MB": "2",
        "CHATMRPT_LOG_LEVEL": "INFO",
        **extra,
    }


@pytest.fixture(scope="module")
def sqlite_cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("sqlite-cluster")
    env = cluster_env(root / "home")
    masters = []
    consumers = []
    try:
        masters = [start_web(env, root / f"web-{i}.log", workers=2) for i in range(2)]
        consumers = [start_consumer(env, root / "worker.log")]
        cluster = Cluster(root / "home", env, masters, consumers, root)
        for m in masters:
            wait_http(m, "/readyz", timeout=30)
        yield cluster
    finally:
        for proc in (*masters, *consumers):
            proc.stop(timeout=40)
