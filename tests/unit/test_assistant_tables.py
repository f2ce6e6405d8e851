"""What the assistant reads from a session's table and analysis result for each message is
kept by content hash: several sessions answered in turn by one worker read each table once."""

from __future__ import annotations

import threading
from collections import OrderedDict

from chatmrpt.analysis.filenames import UNIFIED_CSV
from chatmrpt.chat import assistant as am


class _Artifacts:
    def __init__(self, files):
        self.files = files
        self.reads = 0

    def read_bytes(self, sha):
        self.reads += 1
        return self.files[sha]


class _Rt:
    def __init__(self, files):
        self.artifacts = _Artifacts(files)


def _assistant(files):
    a = am.Assistant.__new__(am.Assistant)  # only the caches: no registry, no model
    a.rt = _Rt(files)
    a._wards_by_sha, a._small_by_sha = OrderedDict(), OrderedDict()
    a._wards_lock = threading.Lock()
    return a


def _session(i):
    table = f"StateCode,LGA,WardName\nKN,Lga{i},Ward{i}a\nKN,Lga{i},Ward{i}b\n".encode()
    result = f"WardName,LGA,LGACode,composite_rank\nWard{i}a,Lga{i},{20000 + i},1\n".encode()
    ds = {"table": {"sha256": f"t{i}", "name": f"wards{i}.csv"},
          "boundaries": {"name": f"wards{i}.zip"}}
    analysis = {"artifacts": [{"name": UNIFIED_CSV, "sha256": f"r{i}"}]}
    return {f"t{i}": table, f"r{i}": result}, ds, analysis


def _message(a, ds, analysis):
    """What one message reads: as Assistant.turn_context does."""
    return (a._table_lgas(ds), a._table_area(ds), a._ranked_wards(analysis),
            a._lga_codes(analysis))


def test_sessions_answered_in_turn_read_each_table_once():
    files, sessions = {}, []
    for i in range(4):
        f, ds, analysis = _session(i)
        files.update(f)
        sessions.append((ds, analysis))
    a = _assistant(files)
    first = [_message(a, ds, analysis) for ds, analysis in sessions]
    reads = a.rt.artifacts.reads
    assert reads == 4 * 4
    for _ in range(3):
        again = [_message(a, ds, analysis) for ds, analysis in sessions]
        assert again == first
    assert a.rt.artifacts.reads == reads  # nothing read again
    assert first[0][1] == ("wards0.csv", "wards0.zip", "Kano")


def test_the_ward_names_kept_are_bounded_and_the_least_recently_used_go_first():
    files, sessions = {}, []
    for i in range(am.WARDS_KEPT + 1):
        f, ds, analysis = _session(i)
        files.update(f)
        sessions.append(analysis)
    a = _assistant(files)
    for analysis in sessions[:am.WARDS_KEPT]:
        a._ranked_wards(analysis)
    a._ranked_wards(sessions[0])  # used again: kept
    a._ranked_wards(sessions[-1])  # one more: the least recently used goes
    assert len(a._wards_by_sha) == am.WARDS_KEPT
    assert "r0" in a._wards_by_sha and "r1" not in a._wards_by_sha
