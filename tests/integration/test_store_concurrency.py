"""Several processes (spawned, not threads) writing the same records at once."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from chatmrpt.store import Key, open_store
from tests import _procs
from tests._jobkinds import settings_env, settings_from
from tests._servers import start_redis

SID = "5" * 32
PROCS = 4
INCREMENTS = 50


@pytest.fixture(params=["sqlite", "redis"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.db'}"
    else:
        server = start_redis(tmp_path)
        yield server.url
        server.kill()


def run_processes(target, args, n_procs, expected_results=0, timeout=90):
    """Start ``n_procs`` spawned processes that meet at a barrier; collect their results."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(n_procs)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args(i), barrier, results)) for i in range(n_procs)]
    for p in procs:
        p.start()
    out = [results.get(timeout=timeout) for _ in range(expected_results)]
    for p in procs:
        p.join(timeout)
    assert [p.exitcode for p in procs] == [0] * n_procs
    return out


@pytest.mark.parametrize(
    "use_expected_version", [False, True], ids=["update-fn", "expected-version"]
)
def test_no_update_is_lost_between_processes(store_url, use_expected_version):
    store = open_store(store_url)
    store.create_session(SID, "0" * 64, 3600, {"counter": 0})
    run_processes(
        _procs.increment_counter,
        lambda i: (store_url, SID, INCREMENTS, use_expected_version),
        PROCS,
    )
    session = store.get_session(SID)
    assert session["state"]["counter"] == PROCS * INCREMENTS
    assert session["version"] == 1 + PROCS * INCREMENTS


def test_create_if_absent_has_one_winner(store_url):
    n = 25
    outcomes = run_processes(
        _procs.create_records, lambda i: (store_url, SID, i, n), PROCS, expected_results=PROCS * n
    )
    store = open_store(store_url)
    for i in range(n):
        winners = [w for (k, w, created) in outcomes if k == i and created]
        assert len(winners) == 1, f"record {i} created by {winners}"
        assert store.get_dataset(SID, f"race-{i}")["by"] == winners[0]


def test_simultaneous_identical_submissions_make_one_job(store_url, tmp_path):
    from chatmrpt.jobs.wiring import open_runtime

    settings = settings_from(settings_env(tmp_path / "home", store_url))
    rt = open_runtime(settings)
    rt.store.create_session(SID, "0" * 64, 3600)
    dataset_id = "d" * 64
    rt.store.create(Key.dataset(SID, dataset_id), {"id": dataset_id, "session_id": SID})
    rounds = [["rainfall", f"v{i}"] for i in range(6)]

    outcomes = run_processes(
        _procs.submit_analyses,
        lambda i: (settings, SID, dataset_id, rounds),
        2,
        expected_results=2 * len(rounds),
    )

    by_analysis: dict[str, set[str]] = {}
    for analysis_id, job_id, reused in outcomes:
        assert reused is False
        by_analysis.setdefault(analysis_id, set()).add(job_id)
    assert len(by_analysis) == len(rounds)
    assert all(len(jobs) == 1 for jobs in by_analysis.values())
    job_ids = {next(iter(jobs)) for jobs in by_analysis.values()}
    assert {j["id"] for j in rt.store.session_jobs(SID)} == job_ids
    assert rt.queue.pending_job_ids() == job_ids
    assert rt.queue.size() == len(rounds)  # one message per job, not one per request
    rt.close()
