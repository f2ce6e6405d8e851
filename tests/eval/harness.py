"""Drive the assistant through the HTTP API and judge each message by the session state.

One Flask app on a real SQLite store (in a temporary home) with an in-process job
consumer serves every conversation; each conversation gets a fresh session, its dataset
and its set-up steps (through the API, never through chat). After each message the
harness waits for the jobs it started, takes a snapshot of the session through the API
and compares it with the snapshot taken before the message. The expectation schema is in
``tests/eval/README.md``.
"""

from __future__ import annotations

import io
import json
import math
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = Path(__file__).resolve().parent
DATA = ROOT / "tests" / "data"
TERMINAL = ("succeeded", "failed")
JOB_TIMEOUT_S = 180.0
POLL_FIRST_S, POLL_MAX_S = 0.02, 0.1  # waiting for jobs: first look, then at most this

# defaults of an ITN plan (METHODOLOGY §8) that an expectation need not repeat
PLAN_DEFAULTS: dict[str, Any] = {
    "urban_threshold": 75.0,
    "method": "composite",
    "strategy": "stop",
    "people_per_net": 1.8,
    "buffer": 1.0,
    "bale_size": 1,
    "max_ward_share": None,
}
DEFAULT_TARGET = 30.0  # reprioritisation target share of the population (METHODOLOGY §7)
EXPORT_KINDS = ("export", "report")
RIGHT, MISS, SILENT_WRONG = "right", "miss", "silent_wrong"
KINDS = (
    "plan", "analysis", "wards", "map", "export", "reprioritization", "tpr",
    "answer", "ask", "no_action",
)  # fmt: skip


# ---- datasets --------------------------------------------------------------------------------


def demo_files(workdir: Path) -> dict[str, Path]:
    """The demo state of the evaluation: ``chatmrpt demo-data --wards 300 --seed 7``."""
    out = workdir / "demo"
    if not (out / "wards.csv").exists():
        import contextlib

        from chatmrpt.cli import main

        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["demo-data", "--wards", "300", "--seed", "7", "--out", str(out)])
        if code != 0:
            raise RuntimeError("chatmrpt demo-data failed")
    return {
        "table": out / "wards.csv",
        "boundaries": out / "wards_boundaries.zip",
        "facility": out / "facility_tpr.csv",
    }


def dataset_files(name: str, workdir: Path) -> dict[str, Path]:
    if name == "demo":
        return demo_files(workdir)
    if name == "kano":
        return {
            "table": DATA / "kano_metro" / "kano_metro_variables.csv",
            "boundaries": DATA / "kano_metro" / "kano_metro_wards.zip",
        }
    if name == "ilorin":
        return {
            "table": DATA / "ilorin" / "ilorin_variables.csv",
            "boundaries": DATA / "ilorin" / "ilorin_wards.zip",
        }
    raise ValueError(f"unknown dataset {name!r}: use demo, kano or ilorin")


# ---- conversations ---------------------------------------------------------------------------


@dataclass
class Conversation:
    id: str
    persona: str
    dataset: str
    turns: list[dict[str, Any]]
    setup: list[dict[str, Any]] = field(default_factory=list)
    split: str = ""
    path: str = ""


# the splits in the order they are reported; any other folder of conversations follows
KNOWN_SPLITS = ("dev", "test", "dev2", "holdout")
HELD_OUT = ("test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7")  # measured only, never tuned on (README)


def _conversation_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.y*ml")) + sorted(folder.glob("*.json"))


def available_splits() -> list[str]:
    """Every folder under ``tests/eval`` that holds conversation files."""
    found = [d.name for d in EVAL_DIR.iterdir()
             if d.is_dir() and not d.name.startswith((".", "_")) and _conversation_files(d)]
    return ([s for s in KNOWN_SPLITS if s in found]
            + sorted(s for s in found if s not in KNOWN_SPLITS))


def split_choices() -> list[str]:
    """What ``--split`` accepts: every split, and ``all``."""
    return [*available_splits(), "all"]


def load_conversations(split: str) -> list[Conversation]:
    """The conversations of one split (a folder under ``tests/eval``), or of every split
    for ``all``; conversation ids are unique over whatever is loaded."""
    if split == "all":
        splits = available_splits()
    elif split in available_splits():
        splits = [split]
    else:
        raise ValueError(f"unknown split {split!r}: use one of {', '.join(split_choices())}")
    found = []
    for s in splits:
        folder = EVAL_DIR / s
        for path in _conversation_files(folder):
            text = path.read_text(encoding="utf-8")
            docs = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
            for doc in docs if isinstance(docs, list) else [docs]:
                conv = Conversation(
                    id=doc["id"],
                    persona=doc["persona"],
                    dataset=doc["dataset"],
                    turns=doc["turns"],
                    setup=doc.get("setup") or [],
                    split=s,
                    path=str(path.relative_to(ROOT)),
                )
                validate_conversation(conv)
                found.append(conv)
    ids = [c.id for c in found]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"conversation ids used twice: {sorted(dupes)}")
    return found


def validate_conversation(conv: Conversation) -> None:
    where = f"{conv.path} ({conv.id})"
    if conv.dataset not in ("demo", "kano", "ilorin"):
        raise ValueError(f"{where}: dataset must be demo, kano or ilorin")
    for step in conv.setup:
        if len(step) != 1 or next(iter(step)) not in ("analysis", "plan", "reprioritization", "tpr"):
            raise ValueError(f"{where}: a set-up step is one of analysis, plan, "
                             f"reprioritization, tpr: {step}")
    if not conv.turns:
        raise ValueError(f"{where}: no turns")
    for turn in conv.turns:
        if not isinstance(turn.get("user"), str) or not turn["user"].strip():
            raise ValueError(f"{where}: a turn without a user message: {turn}")
        exp = turn.get("expect")
        if not isinstance(exp, dict) or exp.get("kind") not in KINDS:
            raise ValueError(f"{where}: {turn['user']!r}: expect.kind must be one of {KINDS}")


# ---- the API client --------------------------------------------------------------------------


class ApiError(RuntimeError):
    pass


class Session:
    """One session of the app, over the Flask test client with the session's bearer token."""

    def __init__(self, client: Any, session_id: str, token: str):
        self.client = client
        self.id = session_id
        self.headers = {"Authorization": f"Bearer {token}"}
        self.base = f"/api/sessions/{session_id}"

    def get(self, path: str = "", ok: tuple[int, ...] = (200,)) -> Any:
        r = self.client.get(self.base + path, headers=self.headers)
        if r.status_code not in ok:
            raise ApiError(f"GET {path} -> {r.status_code}: {r.data[:300]!r}")
        return r.json if r.is_json else r.data

    def post(self, path: str, ok: tuple[int, ...] = (200, 201, 202), **kw: Any) -> Any:
        r = self.client.post(self.base + path, headers=self.headers, **kw)
        if r.status_code not in ok:
            raise ApiError(f"POST {path} -> {r.status_code}: {r.data[:300]!r}")
        return r.json

    def upload(self, files: dict[str, Path]) -> dict[str, Any]:
        data = {k: (io.BytesIO(files[k].read_bytes()), files[k].name)
                for k in ("table", "boundaries") if k in files}
        return self.post("/datasets", data=data, content_type="multipart/form-data")

    def wait_jobs(self, timeout: float = JOB_TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        # most jobs here finish within half a second: look again soon, then less often
        pause = POLL_FIRST_S
        while True:
            state = self.get()
            busy = [a for a in state["analyses"] if a["status"] not in TERMINAL]
            busy += [t for t in state["tpr"] if t["status"] not in TERMINAL]
            if not busy:
                return state
            if time.monotonic() > deadline:
                raise ApiError(f"jobs still running after {timeout}s: {busy}")
            time.sleep(pause)
            pause = min(pause * 1.5, POLL_MAX_S)

    def send(self, text: str) -> dict[str, Any]:
        return self.post("/messages", ok=(200,), json={"text": text})["reply"]


class App:
    """The real app on a temporary home, with one in-process job consumer."""

    def __init__(self, home: Path | None = None):
        from chatmrpt.config import load_settings
        from chatmrpt.jobs.consumer import run_consumers
        from chatmrpt.web.app import create_app

        self._tmp = None
        if home is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="chatmrpt-eval-")
            home = Path(self._tmp.name)
        self.home = Path(home)
        self.workdir = self.home / "inputs"
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Many analysts' conversations are replayed from one address within seconds: the
        # per-address request limits, meant for one client, would refuse them part way.
        # Jobs run in the consumer's own threads, not each in a process of its own: what is
        # judged here is the assistant, and a job's own process (tested with the job
        # crashes, tests/integration/test_jobs_*) doubles the time every set-up analysis
        # and every analysis a message starts takes to finish.
        self.settings = load_settings({
            "CHATMRPT_HOME": str(self.home / "home"),
            "CHATMRPT_JOB_LEASE_S": "10",
            "CHATMRPT_JOB_ISOLATION": "0",
            **{f"CHATMRPT_RATE_{what}": "off" for what in ("SESSIONS", "UPLOADS", "MESSAGES",
                                                           "JOBS")},
        })
        self.app = create_app(self.settings)
        self.client = self.app.test_client()
        self._stop = threading.Event()
        self._consumer = threading.Thread(
            target=run_consumers,
            args=(self.settings, 1, self._stop),
            kwargs={"grace_s": 5, "kind_modules": ("chatmrpt.jobs.tpr",)},
            daemon=True,
        )
        self._consumer.start()
        self._defaults: dict[str, set[str]] = {}

    def close(self) -> None:
        from chatmrpt.web.app import close_runtime

        self._stop.set()
        self._consumer.join(30)
        close_runtime(self.app)
        if self._tmp is not None:
            self._tmp.cleanup()

    def new_session(self) -> Session:
        r = self.client.post("/api/sessions")
        if r.status_code != 201:
            raise ApiError(f"POST /api/sessions -> {r.status_code}")
        return Session(self.client, r.json["id"], r.json["token"])

    def open_dataset(self, name: str) -> tuple[Session, dict[str, str | Path]]:
        files = dataset_files(name, self.workdir)
        s = self.new_session()
        s.upload(files)
        return s, files

    def default_variables(self, dataset: str) -> set[str]:
        """The variables an analysis with no choices uses on this dataset (asked once)."""
        if dataset not in self._defaults:
            s, _ = self.open_dataset(dataset)
            aid = s.post("/analyses", json={})["analysis_id"]
            s.wait_jobs()
            self._defaults[dataset] = analysis_variables(s, aid)
        return self._defaults[dataset]


def analysis_variables(s: Session, analysis_id: str) -> set[str]:
    a = s.get(f"/analyses/{analysis_id}")
    return {v["name"] for v in (a.get("summary") or {}).get("variables", [])}


def run_setup(s: Session, files: dict[str, Path], steps: list[dict[str, Any]]) -> None:
    for step in steps:
        (what, params), = step.items()
        params = dict(params or {})
        if what == "analysis":
            body = s.post("/analyses", json=params)
            s.wait_jobs()
            a = s.get(f"/analyses/{body['analysis_id']}")
            if a["status"] != "succeeded":
                raise ApiError(f"set-up analysis failed: {a.get('error')}")
        elif what == "plan":
            s.post("/itn-plans", json=params)
        elif what == "reprioritization":
            s.post("/reprioritizations", json=params)
        elif what == "tpr":
            fac = files["facility"]
            data = {"facility": (io.BytesIO(fac.read_bytes()), fac.name)}
            data.update({k: str(v) for k, v in params.items()})
            s.post("/tpr", data=data, content_type="multipart/form-data")
            s.wait_jobs()


# ---- snapshots and what changed ------------------------------------------------------------------


@dataclass
class Snapshot:
    state: dict[str, Any]
    plans: dict[str, dict[str, Any]]
    analyses: dict[str, dict[str, Any]]
    reprioritizations: dict[str, dict[str, Any]]
    tpr: dict[str, dict[str, Any]]
    artifacts: dict[str, dict[str, Any]]


def snapshot(s: Session, session: dict[str, Any] | None = None) -> Snapshot:
    session = session or s.get()
    arts = s.get("/artifacts")["artifacts"]
    return Snapshot(
        state=dict(session.get("state") or {}),
        plans={p["plan_id"]: p for p in session["plans"]},
        analyses={a["analysis_id"]: a for a in session["analyses"]},
        reprioritizations={r["reprioritization_id"]: r for r in session["reprioritizations"]},
        tpr={t["tpr_id"]: t for t in session["tpr"]},
        artifacts={a["id"]: a for a in arts},
    )


@dataclass
class Action:
    """A state change caused by one message."""

    type: str  # plan, analysis, reprioritization, tpr, export
    details: dict[str, Any]

    def describe(self) -> str:
        return f"{self.type} {json.dumps(self.details, sort_keys=True, default=str)}"


def _changed(before: Snapshot, after: Snapshot, records: str, pointer: str) -> list[str]:
    """Ids of records that are new, plus the current pointer when it moved."""
    old, new = getattr(before, records), getattr(after, records)
    ids = [i for i in new if i not in old]
    current = after.state.get(pointer)
    if current and current != before.state.get(pointer) and current not in ids:
        ids.append(current)
    return ids


def export_subject(name: str) -> tuple[str, str]:
    """(subject, format) of an exported file from its stored name."""
    stem, _, fmt = name.rpartition(".")
    if stem.startswith("map_"):
        return "map:" + stem[4:], fmt
    if stem in ("rankings", "itn_plan", "report"):
        return stem, fmt
    if stem == "unified_dataset":
        return "unified", fmt
    return "plot:" + stem, fmt


def actions_between(s: Session, before: Snapshot, after: Snapshot) -> list[Action]:
    found: list[Action] = []
    for aid in _changed(before, after, "analyses", "current_analysis"):
        a = s.get(f"/analyses/{aid}")
        found.append(Action("analysis", {
            "id": aid,
            "status": a["status"],
            "variables": sorted(v["name"] for v in (a.get("summary") or {}).get("variables", [])),
            "directions": {v["name"]: v.get("direction")
                           for v in (a.get("summary") or {}).get("variables", [])},
            "methods": (a.get("summary") or {}).get("methods"),
            "normalization": (a.get("params") or {}).get("normalization"),
        }))
    for pid in _changed(before, after, "plans", "last_plan"):
        rec = after.plans.get(pid) or {}
        found.append(Action("plan", {"id": pid, **(rec.get("params") or {})}))
    for rid in _changed(before, after, "reprioritizations", "last_reprioritization"):
        rec = after.reprioritizations.get(rid) or {}
        found.append(Action("reprioritization", {"id": rid, **(rec.get("params") or {})}))
    for tid in _changed(before, after, "tpr", "last_tpr"):
        t = s.get(f"/tpr/{tid}")
        found.append(Action("tpr", {"id": tid, "status": t.get("status"),
                                    **(t.get("params") or {})}))
    for art_id, art in after.artifacts.items():
        if art_id in before.artifacts:
            continue
        if (art.get("produced_by") or {}).get("kind") in EXPORT_KINDS:
            subject, fmt = export_subject(art["name"])
            found.append(Action("export", {"id": art_id, "name": art["name"],
                                           "format": fmt, "subject": subject}))
    return found


# ---- judging ------------------------------------------------------------------------------------


@dataclass
class Verdict:
    outcome: str  # right, miss, silent_wrong
    reason: str
    actions: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What the judge may read besides the two snapshots."""

    session: Session
    dataset: str
    default_variables: Callable[[], set[str]]


def _num_equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return str(a).strip().lower() == str(b).strip().lower()


def plan_matches(params: dict[str, Any], exp: dict[str, Any]) -> tuple[bool, str]:
    wanted = {**PLAN_DEFAULTS, **{k: v for k, v in exp.items() if k not in ("kind", "note")}}
    wrong = []
    for key, value in wanted.items():
        got = params.get(key)
        if key == "method" and got is None:
            got = "composite"
        if not _num_equal(got, value):
            wrong.append(f"{key}={got!r} (expected {value!r})")
    return (not wrong), ", ".join(wrong)


def _expected_variables(exp: dict[str, Any], ctx: Context) -> set[str]:
    wanted = exp.get("variables", "default")
    if wanted == "default":
        return ctx.default_variables()
    return set(wanted)


def _action_matches(action: Action, exp: dict[str, Any], ctx: Context) -> tuple[bool, str]:
    kind = exp["kind"]
    d = action.details
    if kind == "plan":
        return plan_matches(d, exp)
    if kind == "analysis":
        if d["status"] != "succeeded":
            return False, f"analysis {d['status']}"
        want = _expected_variables(exp, ctx)
        if set(d["variables"]) != want:
            return False, f"variables {sorted(d['variables'])} (expected {sorted(want)})"
        if exp.get("normalization") and d.get("normalization") != exp["normalization"]:
            return False, f"normalization {d.get('normalization')} (expected {exp['normalization']})"
        for var, direction in (exp.get("directions") or {}).items():
            if d["directions"].get(var) != direction:
                return False, f"{var} is {d['directions'].get(var)} (expected {direction})"
        return True, ""
    if kind == "reprioritization":
        wrong = []
        if "threshold" in exp:
            ths = [float(t) for t in d.get("thresholds") or []]
            if float(exp["threshold"]) not in ths:
                wrong.append(f"thresholds {ths} (expected {exp['threshold']} among them)")
        if "thresholds" in exp and sorted(float(t) for t in d.get("thresholds") or []) != sorted(
                float(t) for t in exp["thresholds"]):
            wrong.append(f"thresholds {d.get('thresholds')} (expected exactly {exp['thresholds']})")
        if "target" in exp and not _num_equal(d.get("target"), exp["target"]):
            wrong.append(f"target {d.get('target')} (expected {exp['target']})")
        return (not wrong), ", ".join(wrong)
    if kind == "export":
        wrong = []
        if d["format"] != exp["format"]:
            wrong.append(f"format {d['format']} (expected {exp['format']})")
        if exp.get("subject") and d["subject"] != exp["subject"]:
            wrong.append(f"subject {d['subject']} (expected {exp['subject']})")
        return (not wrong), ", ".join(wrong)
    if kind == "tpr":
        wrong = [f"{k}={d.get(k)!r} (expected {v!r})" for k, v in exp.items()
                 if k not in ("kind", "note") and not _num_equal(d.get(k), v)]
        if d.get("status") != "succeeded":
            wrong.append(f"TPR run {d.get('status')}")
        return (not wrong), ", ".join(wrong)
    return False, "no action expected"


def _tolerated(action: Action, before: Snapshot, exp: dict[str, Any], ctx: Context) -> bool:
    """Actions that are part of doing the request, not wrong actions:

    - a failed analysis or TPR run: it is shown as a failure, never as a result;
    - a default analysis run because the session had none yet, for a request that needs
      results;
    - for a question about reprioritisation (``answer`` with a ``reprioritization``
      number), a reprioritisation computed again with the same target as the session's
      last one (or the default target when there was none): the same result, recomputed.
    """
    if action.type in ("analysis", "tpr") and action.details.get("status") == "failed":
        return True
    if exp["kind"] in ("ask", "no_action"):
        return False
    if action.type == "analysis" and exp["kind"] != "analysis":
        had_one = any(a.get("status") == "succeeded" for a in before.analyses.values())
        return (not had_one and action.details["status"] == "succeeded"
                and set(action.details["variables"]) == ctx.default_variables())
    number = exp.get("number")
    if (action.type == "reprioritization" and exp["kind"] == "answer"
            and isinstance(number, dict) and "reprioritization" in number):
        last = before.reprioritizations.get(before.state.get("last_reprioritization") or "")
        target = ((last or {}).get("params") or {}).get("target", DEFAULT_TARGET)
        return _num_equal(action.details.get("target"), target)
    return False


def judge(exp: dict[str, Any], reply: dict[str, Any], before: Snapshot, after: Snapshot,
          actions: list[Action], ctx: Context) -> Verdict:
    kind = exp["kind"]
    described = [a.describe() for a in actions]
    relevant = [a for a in actions if not _tolerated(a, before, exp, ctx)]
    if kind in ("plan", "analysis", "reprioritization", "export", "tpr"):
        same_type = [a for a in relevant if a.type == kind]
        others = [a for a in relevant if a.type != kind]
        if kind == "export":
            reply_files = [a for a in reply.get("artifacts") or [] if a.get("kind") == "download"]
            good = [a for a in same_type if _action_matches(a, exp, ctx)[0]]
            bad = [a for a in same_type if not _action_matches(a, exp, ctx)[0]]
            # the same file asked for again is not stored twice: the reply points at it
            again = [a for a in reply_files if a.get("id") in before.artifacts
                     and _export_record_matches(before.artifacts[a["id"]], exp)]
            if bad or others:
                why = "; ".join(_action_matches(a, exp, ctx)[1] for a in bad)
                return Verdict(SILENT_WRONG, why or "another action than the export", described)
            if good or again:
                return Verdict(RIGHT, "", described)
            return Verdict(MISS, "no matching file", described)
        if others:
            return Verdict(SILENT_WRONG, f"unexpected {others[0].type}", described)
        if not same_type:
            if kind == "analysis" and exp.get("allow_reused"):
                cur = after.state.get("current_analysis")
                if cur and analysis_variables(ctx.session, cur) == _expected_variables(exp, ctx):
                    return Verdict(RIGHT, "the current analysis already matches", described)
            return Verdict(MISS, f"no {kind} made", described)
        # the record the session now points at must be the expected one
        current = same_type[-1]
        ok, why = _action_matches(current, exp, ctx)
        wrong = [a for a in same_type if not _action_matches(a, exp, ctx)[0]]
        if not ok or wrong:
            return Verdict(SILENT_WRONG, why or _action_matches(wrong[0], exp, ctx)[1], described)
        return Verdict(RIGHT, "", described)

    # the remaining kinds change nothing
    if relevant:
        return Verdict(SILENT_WRONG, f"unexpected {relevant[0].type}", described)
    text = reply.get("text") or ""
    if exp.get("forbid_wards") and len(wards_in_text(text, _all_ward_names(ctx))) >= 3:
        return Verdict(MISS, "listed wards it was not asked for", described)
    for group in exp.get("mentions") or [] if kind in ("ask", "no_action") else []:
        options = [group] if isinstance(group, str) else group
        if not any(o.lower() in text.lower() for o in options):
            return Verdict(MISS, f"none of {options} in the reply", described)
    if kind == "no_action":
        return Verdict(RIGHT, "", described)
    if kind == "ask":
        if "?" in text or reply.get("suggestions"):
            return Verdict(RIGHT, "", described)
        return Verdict(MISS, "no question and no choices offered", described)
    if kind == "wards":
        return _judge_wards(exp, text, after, ctx, described)
    if kind == "map":
        return _judge_map(exp, reply, ctx, described)
    if kind == "answer":
        return _judge_answer(exp, text, after, ctx, described)
    raise ValueError(kind)


def _export_record_matches(record: dict[str, Any], exp: dict[str, Any]) -> bool:
    subject, fmt = export_subject(record["name"])
    if (record.get("produced_by") or {}).get("kind") not in EXPORT_KINDS + ("plan",):
        return False
    return fmt == exp["format"] and (not exp.get("subject") or subject == exp["subject"])


# ---- ward names in a reply -------------------------------------------------------------------------


def _ward_rows(ctx: Context, analysis_id: str | None) -> list[dict[str, Any]]:
    if not analysis_id:
        raise LookupError("the session has no analysis")
    return ctx.session.get(f"/analyses/{analysis_id}/wards?limit=5000")["wards"]


def _all_ward_names(ctx: Context) -> list[str]:
    cur = ctx.session.get()["state"].get("current_analysis")
    return sorted({w["WardName"] for w in _ward_rows(ctx, cur)}) if cur else []


def wards_in_text(text: str, names: list[str]) -> set[str]:
    """Ward names that appear in ``text`` as whole words, ignoring a name found only inside
    a longer ward name (``Ransha I`` inside ``Ransha II``)."""
    spans: list[tuple[int, int, str]] = []
    for name in names:
        pattern = r"(?<![\w])" + re.escape(name) + r"(?![\w])"
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            spans.append((m.start(), m.end(), name))
    found = set()
    for start, end, name in spans:
        inside = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
        if not inside:
            found.add(name)
    return found


def expected_wards(exp: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    method = exp.get("method", "composite")
    col = f"{method}_rank"
    pool = [r for r in rows if r.get(col) is not None]
    if exp.get("lga"):
        pool = [r for r in pool if str(r.get("LGA", "")).lower() == exp["lga"].lower()]
    if exp.get("lga_code"):
        pool = [r for r in pool if str(r.get("LGACode", "")) == str(exp["lga_code"])]
    if exp.get("category"):
        pool = [r for r in pool if r.get(f"{method}_category") == exp["category"]]
    pool.sort(key=lambda r: r[col], reverse=exp.get("order", "top") == "bottom")
    n = exp.get("n")
    return [r["WardName"] for r in (pool[:n] if n else pool)]


def _judge_wards(exp, text, after, ctx, described) -> Verdict:
    cur = after.state.get("current_analysis")
    if not cur:
        return Verdict(MISS, "no analysis to list wards from", described)
    rows = _ward_rows(ctx, cur)
    want = expected_wards(exp, rows)
    names = sorted({r["WardName"] for r in rows})
    got = wards_in_text(text, names)
    missing = [w for w in want if w not in got]
    extra = sorted(got - set(want))
    if missing or extra:
        return Verdict(MISS, f"missing {missing[:6]}, others named {extra[:6]}", described)
    return Verdict(RIGHT, "", described)


def _judge_map(exp, reply, ctx, described) -> Verdict:
    wanted = f"map_{exp['map']}.json"
    maps = [a for a in reply.get("artifacts") or [] if a.get("name") == wanted]
    if not maps:
        shown = [a.get("name") for a in reply.get("artifacts") or []]
        return Verdict(MISS, f"no {wanted} in the reply (got {shown})", described)
    detail = exp.get("variable") or exp.get("threshold")
    if detail is not None:
        fig = ctx.session.get(f"/figures/{maps[-1]['id']}")
        title = json.dumps(fig).lower() if not isinstance(fig, bytes) else fig.decode().lower()
        if str(detail).lower() not in title:
            return Verdict(MISS, f"the map is not of {detail}", described)
    return Verdict(RIGHT, "", described)


# ---- numbers in a reply ------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s*(?:million|m\b|k\b))?", re.IGNORECASE
)


def numbers_in_text(text: str) -> list[float]:
    found = []
    for m in _NUMBER.finditer(text):
        value = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        scale = (m.group(3) or "").strip().lower()
        if scale in ("million", "m"):
            value *= 1_000_000
        elif scale == "k":
            value *= 1_000
        found.append(value)
    return found


def number_in_text(value: float, text: str) -> bool:
    """``value`` appears, exactly for whole numbers, or rounded to 1-3 decimals (within 1%)."""
    got = numbers_in_text(text)
    if float(value).is_integer():
        return any(g == value for g in got)
    for g in got:
        for d in (0, 1, 2, 3):
            r = round(value, d)
            if r != 0 and abs(r - value) <= 0.01 * abs(value) and math.isclose(g, r):
                return True
    return False


def _walk(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def resolve_number(spec: Any, after: Snapshot, ctx: Context) -> float:
    """The expected number of an ``answer``, from a literal or the stored results."""
    if isinstance(spec, int | float):
        return float(spec)
    s = ctx.session
    if "plan" in spec:
        pid = after.state.get("last_plan")
        if not pid:
            raise LookupError("no plan in the session")
        return float(s.get(f"/itn-plans/{pid}?limit=1")["summary"][spec["plan"]])
    if "plan_lga" in spec:
        pid = after.state.get("last_plan")
        rows = s.get(f"/itn-plans/{pid}?limit=1")["by_lga"]
        row = next(r for r in rows if r["LGA"].lower() == spec["plan_lga"].lower())
        return float(row[spec["field"]])
    if "plan_ward" in spec:
        pid = after.state.get("last_plan")
        rows = s.get(f"/itn-plans/{pid}?limit=5000")["wards"]
        matches = [r for r in rows if r["WardName"].lower() == spec["plan_ward"].lower()
                   and (not spec.get("lga") or str(r.get("LGA")).lower() == spec["lga"].lower())]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} plan rows for {spec['plan_ward']!r}")
        return float(matches[0][spec["field"]])
    if "reprioritization" in spec:
        rid = after.state.get("last_reprioritization")
        if not rid:
            raise LookupError("no reprioritisation in the session")
        rec = s.get(f"/reprioritizations/{rid}")
        th = float(spec["reprioritization"])
        row = next(r for r in rec["summary"] if float(r["threshold"]) == th)
        return float(row[spec.get("field", "selected_wards")])
    if "ward" in spec:
        cur = after.state.get("current_analysis")
        rows = _ward_rows(ctx, cur)
        matches = [r for r in rows if r["WardName"].lower() == spec["ward"].lower()
                   and (not spec.get("lga") or str(r.get("LGA")).lower() == spec["lga"].lower())]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} wards named {spec['ward']!r}")
        return float(matches[0][spec["column"]])
    if "analysis" in spec:
        cur = after.state.get("current_analysis")
        value: Any = s.get(f"/analyses/{cur}")["summary"]
        value = _walk(value, spec["analysis"])
        return float(len(value) if isinstance(value, list | dict) else value)
    if "analysis_json" in spec:
        cur = after.state.get("current_analysis")
        arts = s.get(f"/analyses/{cur}")["artifacts"]
        art = next(a for a in arts if a["name"] == "analysis.json")
        value = s.get(f"/artifacts/{art['id']}")
        value = json.loads(value) if isinstance(value, bytes) else value
        value = _walk(value, spec["analysis_json"])
        if value is None:
            raise LookupError(f"{spec['analysis_json']} is not in analysis.json")
        return float(value)
    if "count_wards" in spec:
        cur = after.state.get("current_analysis")
        rows = _ward_rows(ctx, cur)
        cond = spec["count_wards"]
        return float(sum(1 for r in rows if all(
            str(r.get(k)).lower() == str(v).lower() for k, v in cond.items())))
    raise ValueError(f"unknown number source {spec!r}")


def resolve_text(spec: Any, after: Snapshot, ctx: Context) -> str:
    if isinstance(spec, str):
        return spec
    s = ctx.session
    if "plan_lga_max" in spec:
        pid = after.state.get("last_plan")
        rows = s.get(f"/itn-plans/{pid}?limit=1")["by_lga"]
        return max(rows, key=lambda r: r[spec["plan_lga_max"]])["LGA"]
    if "plan_lga_min" in spec:
        pid = after.state.get("last_plan")
        rows = s.get(f"/itn-plans/{pid}?limit=1")["by_lga"]
        return min(rows, key=lambda r: r[spec["plan_lga_min"]])["LGA"]
    if "rank" in spec:
        rows = _ward_rows(ctx, after.state.get("current_analysis"))
        col = f"{spec.get('method', 'composite')}_rank"
        if spec.get("lga"):  # the ward at that place within one LGA
            rows = [r for r in rows if str(r.get("LGA", "")).lower() == spec["lga"].lower()]
        rows = sorted((r for r in rows if r.get(col) is not None), key=lambda r: r[col])
        return rows[spec["rank"] - 1 if spec["rank"] > 0 else spec["rank"]]["WardName"]
    if "lga_most_wards" in spec:
        rows = _ward_rows(ctx, after.state.get("current_analysis"))
        counts: dict[str, int] = {}
        for r in rows:
            if all(str(r.get(k)).lower() == str(v).lower()
                   for k, v in spec["lga_most_wards"].items()):
                counts[r["LGA"]] = counts.get(r["LGA"], 0) + 1
        best = max(counts.values())
        if list(counts.values()).count(best) > 1:
            raise LookupError("several LGAs tie")
        return next(k for k, v in counts.items() if v == best)
    raise ValueError(f"unknown text source {spec!r}")


def _judge_answer(exp, text, after, ctx, described) -> Verdict:
    lowered = text.lower()
    if "number" in exp:
        try:
            value = resolve_number(exp["number"], after, ctx)
        except (LookupError, KeyError, StopIteration) as exc:
            return Verdict(MISS, f"the expected number cannot be computed: {exc}", described)
        shares = [value, value * 100] if exp.get("ratio") else [value]
        if not any(number_in_text(v, text) for v in shares):
            return Verdict(MISS, f"{value:g} not in the reply", described)
    if "text" in exp:
        try:
            want = resolve_text(exp["text"], after, ctx)
        except (LookupError, KeyError, StopIteration) as exc:
            return Verdict(MISS, f"the expected text cannot be computed: {exc}", described)
        if want.lower() not in lowered:
            return Verdict(MISS, f"{want!r} not in the reply", described)
    for group in exp.get("mentions") or []:
        options = [group] if isinstance(group, str) else group
        if not any(o.lower() in lowered for o in options):
            return Verdict(MISS, f"none of {options} in the reply", described)
    if not text.strip():
        return Verdict(MISS, "empty reply", described)
    return Verdict(RIGHT, "", described)


# ---- running conversations ------------------------------------------------------------------------


@dataclass
class TurnResult:
    conversation: str
    split: str
    persona: str
    dataset: str
    index: int
    user: str
    expect: dict[str, Any]
    outcome: str
    reason: str
    actions: list[str]
    reply: str
    seconds: float


Sender = Callable[[Session, str], dict[str, Any]]


def default_sender(s: Session, text: str) -> dict[str, Any]:
    return s.send(text)


def run_conversation(app: App, conv: Conversation, sender: Sender = default_sender
                     ) -> list[TurnResult]:
    s, files = app.open_dataset(conv.dataset)
    run_setup(s, files, conv.setup)
    ctx = Context(s, conv.dataset, lambda: app.default_variables(conv.dataset))
    results = []
    before = snapshot(s, s.wait_jobs())
    for i, turn in enumerate(conv.turns):
        t0 = time.monotonic()
        try:
            reply = sender(s, turn["user"])
        except ApiError as exc:
            reply = {"text": "", "error": str(exc)}
        after = snapshot(s, s.wait_jobs())
        seconds = time.monotonic() - t0
        actions = actions_between(s, before, after)
        if reply.get("error"):
            verdict = Verdict(MISS, f"the request failed: {reply['error'][:200]}",
                              [a.describe() for a in actions])
            if any(not _tolerated(a, before, turn["expect"], ctx) for a in actions):
                verdict.outcome = SILENT_WRONG
        else:
            try:
                verdict = judge(turn["expect"], reply, before, after, actions, ctx)
            except (ApiError, LookupError, TypeError, ValueError) as exc:
                # the expected value cannot be computed from the session (e.g. no analysis)
                verdict = Verdict(MISS, f"cannot judge against the session: {exc}",
                                  [a.describe() for a in actions])
                if any(not _tolerated(a, before, turn["expect"], ctx) for a in actions):
                    verdict.outcome = SILENT_WRONG
        results.append(TurnResult(conv.id, conv.split, conv.persona, conv.dataset, i,
                                  turn["user"], turn["expect"], verdict.outcome, verdict.reason,
                                  verdict.actions, reply.get("text") or "", seconds))
        before = after
    return results
