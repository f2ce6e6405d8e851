"""A stand-in for the assistant that does exactly what each expectation asks, through the API.

Used to check the evaluation set itself (every expectation can be met, every expected
number can be computed from the session) and the harness (a perfect sender scores 100%
with no silent wrong action; a sender that makes wrong plans is counted as silent wrong):

    python -m tests.eval.oracle --split all
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import quote

from tests.eval.harness import (
    PLAN_DEFAULTS,
    ApiError,
    App,
    Context,
    Conversation,
    Session,
    Snapshot,
    expected_wards,
    load_conversations,
    resolve_number,
    resolve_text,
    run_conversation,
    snapshot,
    split_choices,
)


class Oracle:
    """Reads the expectation of the turn being sent (not the text) and acts on it."""

    def __init__(self, app: App, conv: Conversation):
        self.app = app
        self.conv = conv
        self.turn = 0
        self.last_map: dict[str, Any] = {}

    def __call__(self, s: Session, text: str) -> dict[str, Any]:
        exp = self.conv.turns[self.turn]["expect"]
        self.turn += 1
        ctx = Context(s, self.conv.dataset, lambda: self.app.default_variables(self.conv.dataset))
        try:
            return getattr(self, "do_" + exp["kind"])(s, exp, snapshot(s), ctx)
        except (LookupError, StopIteration, TypeError, ValueError) as exc:
            # an expectation the session cannot meet: a miss of this message, reported
            raise ApiError(f"the oracle cannot meet {exp}: {type(exc).__name__}: {exc}") from exc

    # actions
    def do_plan(self, s, exp, now, ctx):
        self._ensure_analysis(s, now)  # a default analysis first, as part of the request
        body = {**PLAN_DEFAULTS, **{k: v for k, v in exp.items() if k not in ("kind", "note")}}
        body = {k: v for k, v in body.items() if v is not None}
        s.post("/itn-plans", json=body)
        return {"text": "Plan made."}

    def do_analysis(self, s, exp, now, ctx):
        body: dict[str, Any] = {}
        if exp.get("variables", "default") != "default":
            body["variables"] = list(exp["variables"])
        if exp.get("directions"):
            body["directions"] = exp["directions"]
        if exp.get("normalization"):
            body["normalization"] = exp["normalization"]
        record = s.post("/analyses", json=body)
        s.wait_jobs()
        if record.get("reused"):
            # an analysis made earlier: the service leaves the session pointing where it was
            self._point_at(s, record["analysis_id"])
        return {"text": "Analysis done."}

    def _point_at(self, s: Session, analysis_id: str) -> None:
        from chatmrpt.web.app import get_runtime

        def move(session: dict[str, Any]) -> None:
            session.setdefault("state", {})["current_analysis"] = analysis_id

        get_runtime(self.app.app).store.update_session(s.id, move)

    def _ensure_analysis(self, s: Session, now: Snapshot) -> Snapshot:
        if now.state.get("current_analysis"):
            return now
        s.post("/analyses", json={})
        s.wait_jobs()
        return snapshot(s)

    def do_reprioritization(self, s, exp, now, ctx):
        self._ensure_analysis(s, now)
        body: dict[str, Any] = {}
        if "target" in exp:
            body["target"] = exp["target"]
        if "thresholds" in exp:
            body["thresholds"] = list(exp["thresholds"])
        elif "threshold" in exp and float(exp["threshold"]) not in (20.0, 30.0, 50.0, 75.0):
            body["thresholds"] = [exp["threshold"]]
        s.post("/reprioritizations", json=body)
        return {"text": "Done."}

    def do_tpr(self, s, exp, now, ctx):
        params = {k: v for k, v in exp.items() if k not in ("kind", "note")}
        from tests.eval.harness import dataset_files

        fac = dataset_files(self.conv.dataset, self.app.workdir)["facility"]
        import io

        data = {"facility": (io.BytesIO(fac.read_bytes()), fac.name)}
        data.update({k: str(v) for k, v in params.items()})
        s.post("/tpr", data=data, content_type="multipart/form-data")
        s.wait_jobs()
        return {"text": "TPR done."}

    def do_export(self, s, exp, now, ctx):
        self._ensure_analysis(s, now)
        subject = exp["subject"]
        body: dict[str, Any] = {"format": exp["format"]}
        if subject.startswith("map:"):
            body.update(what="map", kind=subject[4:])
            if subject == "map:variable":
                body["variable"] = self.last_map.get("variable")
            if subject == "map:urban" and self.last_map.get("threshold") is not None:
                body["threshold"] = self.last_map["threshold"]
        else:
            body["what"] = subject
        record = s.post("/exports", json=body)
        return {"text": "Here is the file.",
                "artifacts": [{"id": record.get("id"), "name": record.get("name"),
                               "kind": "download"}]}

    # replies that change nothing
    def do_wards(self, s, exp, now: Snapshot, ctx):
        now = self._ensure_analysis(s, now)
        rows = s.get(f"/analyses/{now.state['current_analysis']}/wards?limit=5000")["wards"]
        return {"text": "Wards: " + "; ".join(expected_wards(exp, rows))}

    def do_map(self, s, exp, now, ctx):
        now = self._ensure_analysis(s, now)
        aid = now.state["current_analysis"]
        query = []
        if exp.get("variable"):
            query.append("variable=" + quote(exp["variable"]))
        if exp.get("threshold") is not None:
            query.append(f"threshold={exp['threshold']}")
        s.get(f"/analyses/{aid}/maps/{exp['map']}" + ("?" + "&".join(query) if query else ""))
        self.last_map = {"variable": exp.get("variable"), "threshold": exp.get("threshold")}
        name = f"map_{exp['map']}.json"
        found = [a for a in s.get("/artifacts")["artifacts"] if a["name"] == name]
        fresh = [a for a in found if a["id"] not in now.artifacts] or found[-1:]
        return {"text": "Here is the map.", "artifacts": [
            {"id": fresh[0]["id"], "name": name, "kind": "map"}]}

    def do_answer(self, s, exp, now, ctx):
        parts = []
        if "number" in exp:
            value = resolve_number(exp["number"], now, ctx)
            parts.append(f"{value:,.0f}" if float(value).is_integer() else f"{value:.3f}")
        if "text" in exp:
            parts.append(resolve_text(exp["text"], now, ctx))
        for group in exp.get("mentions") or []:
            parts.append(group if isinstance(group, str) else group[0])
        return {"text": "Answer: " + ", ".join(parts) + "."}

    def do_ask(self, s, exp, now, ctx):
        return {"text": "How many exactly?", "suggestions": ["5"]}

    def do_no_action(self, s, exp, now, ctx):
        said = [g if isinstance(g, str) else g[0] for g in exp.get("mentions") or []]
        return {"text": "I cannot do that here. " + " ".join(said)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.eval.oracle")
    parser.add_argument("--split", choices=split_choices(), default="all")
    args = parser.parse_args(argv)
    app = App()
    bad = 0
    total = 0
    try:
        for conv in load_conversations(args.split):
            for r in run_conversation(app, conv, Oracle(app, conv)):
                total += 1
                if r.outcome != "right":
                    bad += 1
                    print(f"{conv.id}#{r.index} {r.user!r}: {r.outcome}: {r.reason}")
    finally:
        app.close()
    print(f"oracle: {total - bad}/{total} right")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
