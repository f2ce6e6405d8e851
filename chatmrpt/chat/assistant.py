"""One turn of the conversation: read the message, choose a tool, run it, answer.

The conversation lives in the store (the session's message log), so consecutive messages
may land on different workers or machines: the context of a turn — what was asked last,
what the router asked back, the last plan — is rebuilt from the stored messages and the
session record every time. With a language model configured, it chooses the tool; if it
times out, fails or writes a malformed tool call, the offline router answers instead.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.filenames import UNIFIED_CSV
from chatmrpt.chat import dialogue, focus, last_change, normalize, plan_ops, screen, tables, undo
from chatmrpt.chat.dialogue import Decision, DialogueState, Facts
from chatmrpt.chat.executors import ToolResult, build_registry
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.llm import LlmClient, LlmError, parse_tool_call
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.tools import ToolRegistry
from chatmrpt.errors import ChatMRPTError, InputError
from chatmrpt.service.views import Links
from chatmrpt.store.model import SUCCEEDED

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

log = logging.getLogger("chatmrpt.chat")

MAX_TEXT = 4000
HISTORY_FOR_MODEL = 20
MAX_MODEL_ROUNDS = 4
# entries kept by content hash: ward names (large; two a session) and a table's place or its
# LGA codes (a few names; two a session)
WARDS_KEPT = 8
SMALL_KEPT = 64
StreamFn = Callable[[str, dict[str, Any]], None]  # (event, data)

UNMET_TEXT = {
    "dataset": "First upload your ward data (a CSV or Excel table, and ideally the ward "
               "boundaries) with the upload button.",
    "analysis": "That needs a finished analysis. Say \"run the analysis\" first.",
    "plan": "There is no earlier net plan to change yet. Tell me how many nets you have and "
            "the average household size, e.g. \"plan 500,000 nets, household size 5\".",
    "facility_data": "Upload a facility export (DHIS2) first, then ask for the TPR.",
}

def unmet_text(unmet: list[str], ctx: RouterContext) -> str:
    """What to do first, in the order it must be done: with no ward data yet, an analysis
    or a plan cannot be the first step, so the upload is named instead."""
    steps = list(unmet)
    if not ctx.has_dataset and any(u in ("analysis", "plan") for u in steps):
        steps = ["dataset"] + [u for u in steps if u not in ("dataset", "analysis", "plan")]
    return " ".join(UNMET_TEXT.get(u, "") for u in steps).strip()


SYSTEM_PROMPT = (
    "You are the assistant of ChatMRPT, a tool malaria programme analysts use to rank wards by "
    "malaria vulnerability and plan insecticide-treated net (ITN) distribution. Answer in "
    "plain, short language a programme officer can repeat to a community. Use the tools for "
    "anything about the data, the analysis, maps, wards or net plans; never invent numbers. "
    "Never guess the number of nets or the household size: ask for them. "
)


@dataclass
class Reply:
    text: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    route: dict[str, Any] | None = None
    engine: str = "offline"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "tool_calls": self.tool_calls, "artifacts": self.artifacts,
                "suggestions": self.suggestions, "data": self.data, "engine": self.engine}


class Assistant:
    """Answers messages for any session; holds only per-process resources."""

    def __init__(self, rt: Runtime, links: Links, registry: ToolRegistry | None = None,
                 llm: LlmClient | None = None):
        self.rt = rt
        self.registry = registry or build_registry(links)
        if llm is None and rt.settings.llm_base_url:
            llm = LlmClient(rt.settings.llm_base_url, rt.settings.llm_api_key,
                            rt.settings.llm_model, rt.settings.llm_timeout_s)
        self.llm = llm
        # what is read from a table or an analysis' result, by its content hash: immutable
        # content, so every worker holding an entry holds the same one (not session state).
        # The ward names are large and few are kept; a table's place and its LGA codes are a
        # few names each, kept for many more tables, so that several sessions answered by
        # one worker do not push each other's out and every message read the tables again.
        self._wards_by_sha: OrderedDict[str, tuple] = OrderedDict()
        self._small_by_sha: OrderedDict[str, tuple] = OrderedDict()
        self._wards_lock = threading.Lock()

    # ---- context, rebuilt from the store ----------------------------------------------

    def context(self, session_id: str) -> RouterContext:
        return self.turn_context(session_id)[0]

    def turn_context(self, session_id: str) -> tuple[RouterContext, DialogueState, Facts]:
        """The router context, the dialogue state and the facts of a session, from the store."""
        from chatmrpt.service import require_session
        from chatmrpt.service.results import latest_analysis

        session = require_session(self.rt, session_id)
        state = session.get("state") or {}
        variables: tuple[str, ...] = ()
        table_lgas: tuple[str, ...] = ()
        table_wards: tuple[WardRef, ...] = ()
        area: tuple[str, ...] = ()
        planning: dict[str, Any] | None = None
        has_dataset = bool(state.get("current_dataset"))
        if has_dataset:
            ds = self.rt.store.get_dataset(session_id, state["current_dataset"]) or {}
            variables = tuple((ds.get("summary") or {}).get("variables") or ())
            table_lgas, table_wards = self._table_lgas(ds)
            area = self._table_area(ds)
            planning = ds.get("planning") if "planning" in ds else None
        analysis = latest_analysis(self.rt, session_id)
        wards: tuple[WardRef, ...] = ()
        ranked: tuple = ()
        lga_codes: tuple[str, ...] = ()
        ward_lga_codes: tuple[tuple[str, str], ...] = ()
        if analysis is not None and analysis.get("status") == SUCCEEDED:
            wards, ranked = self._ranked_wards(analysis)
            lga_codes = self._lga_codes(analysis)
            if lga_codes and not any(w.lga for w in wards):
                ward_lga_codes = self._ward_lga_codes(analysis)
        if not wards:
            wards = table_wards  # names from the uploaded table until an analysis exists
            if has_dataset and not table_lgas:
                # the LGA codes the boundaries carry, read before any analysis ("And 20024?"
                # as a first message is that LGA, never a number of nets)
                lga_codes, pairs = self._boundary_lga_codes(ds)
                ward_lga_codes = pairs if lga_codes else ()
        dstate = DialogueState.of(state.get("dialogue"))
        if dstate.last is not None:
            last_route = {"tool": dstate.last.get("tool"), "params": dstate.last.get("params")}
            if last_route["tool"] not in dialogue.ROUTER_TOOLS:
                last_route = {}
        else:
            last = self._last_assistant_message(session_id)
            last_route = (last or {}).get("route") or {}
        last_plan = None
        if state.get("last_plan"):
            plan = self.rt.store.get_plan(session_id, state["last_plan"])
            last_plan = (plan or {}).get("params")
        if dstate.plans is None and state.get("last_plan"):
            from chatmrpt.store.model import PLAN

            dstate.plans = plan_ops.seeded(self.rt.store.list_results(PLAN, session_id),
                                           state["last_plan"])
        dstate.plans = plan_ops.synced(dstate.plans, state.get("last_plan"), last_plan)
        summary = (analysis or {}).get("summary") or {}
        if analysis is not None and analysis.get("status") == SUCCEEDED:
            if dstate.analyses is None:
                dstate.analyses = undo.seeded(self.rt.store.list_analyses(session_id),
                                              analysis.get("id"))
            dstate.analyses = undo.synced(
                dstate.analyses, analysis.get("id"), analysis.get("params"),
                [v.get("name") for v in summary.get("variables") or [] if v.get("name")])
        last_repri: dict[str, Any] = {}
        if state.get("last_reprioritization"):
            from chatmrpt.service.results import derived_result
            from chatmrpt.store.model import REPRIORITIZATION

            try:
                record = derived_result(self.rt, session_id, state["last_reprioritization"],
                                        REPRIORITIZATION, "reprioritisation",
                                        "reprioritization_id")
                last_repri = dict(record.get("params") or {})
            except ChatMRPTError:
                last_repri = {}
        facts = Facts(
            analysis_variables=tuple(v.get("name") for v in summary.get("variables") or []
                                     if v.get("name")),
            analysis_params=dict((analysis or {}).get("params") or {}),
            lgas=tuple(sorted({w.lga for w in wards if w.lga})) or table_lgas,
            ward_count=len(wards),
            ranked=ranked,
            last_repri=last_repri,
            population=None if planning is None else bool((planning or {}).get("population")),
            urban_share=None if planning is None else bool((planning or {}).get("urban_share")),
            lga_codes=lga_codes,
            ward_lga_codes=ward_lga_codes,
            pca_reason=summary.get("pca_reason") or None,
            area=area,
        )
        ctx = RouterContext(
            has_dataset=has_dataset,
            variables=variables,
            wards=wards,
            analysis_status=(analysis or {}).get("status"),
            has_facility_data=bool(state.get("last_tpr")),
            last_plan=last_plan,
            last_tool=last_route.get("tool"),
            last_params=last_route.get("params") or {},
            last_missing=tuple(last_route.get("missing") or ()),
            last_candidates=tuple(WardRef(c["name"], c.get("lga"))
                                  for c in last_route.get("candidates") or ()),
        )
        return ctx, dstate, facts

    def _memo(self, cache: OrderedDict[str, Any], kept: int, key: str,
              make: Callable[[], Any]) -> Any:
        """What ``make`` reads from immutable content, kept by its content hash (``key``):
        the ``kept`` most recently used entries stay."""
        with self._wards_lock:
            cached = cache.get(key)
            if cached is not None:
                cache.move_to_end(key)
                return cached
        cached = make()
        with self._wards_lock:
            cache[key] = cached
            while len(cache) > kept:
                cache.popitem(last=False)
        return cached

    def _wards(self, session_id: str, analysis: dict[str, Any]) -> tuple[WardRef, ...]:
        return self._ranked_wards(analysis)[0]

    def _ranked_wards(self, analysis: dict[str, Any]) -> tuple[tuple[WardRef, ...], tuple]:
        sha = next((a.get("sha256") for a in analysis.get("artifacts") or []
                    if a.get("name") == UNIFIED_CSV), None)
        if sha is None:
            return (), ()
        return self._memo(self._wards_by_sha, WARDS_KEPT, sha,
                          lambda: _ward_names_from_csv(self.rt.artifacts.read_bytes(sha)))

    def _lga_codes(self, analysis: dict[str, Any]) -> tuple[str, ...]:
        """The LGA codes of an analysis' wards, by content hash (empty without a code column)."""
        sha = next((a.get("sha256") for a in analysis.get("artifacts") or []
                    if a.get("name") == UNIFIED_CSV), None)
        if sha is None:
            return ()
        return self._memo(self._small_by_sha, SMALL_KEPT, "codes:" + sha,
                          lambda: _lga_codes_from_csv(self.rt.artifacts.read_bytes(sha)))

    def _ward_lga_codes(self, analysis: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        """Each ward's LGA code (ward name, code), by content hash."""
        sha = next((a.get("sha256") for a in analysis.get("artifacts") or []
                    if a.get("name") == UNIFIED_CSV), None)
        if sha is None:
            return ()
        return self._memo(self._small_by_sha, SMALL_KEPT, "ward codes:" + sha,
                          lambda: _lga_codes_from_csv(self.rt.artifacts.read_bytes(sha),
                                                      by_ward=True))

    def _table_lgas(self, ds: dict[str, Any]) -> tuple[tuple[str, ...], tuple[WardRef, ...]]:
        """The LGA and ward names of an uploaded table (before any analysis), by content hash."""
        table = ds.get("table") or {}
        sha = table.get("sha256")
        if not sha:
            return (), ()
        return self._memo(self._wards_by_sha, WARDS_KEPT, "names:" + sha,
                          lambda: _lgas_of_table(self.rt.artifacts.read_bytes(sha),
                                                 str(table.get("name", ""))))

    def _boundary_lga_codes(self, ds: dict[str, Any]) -> tuple[tuple[str, ...],
                                                               tuple[tuple[str, str], ...]]:
        """The LGA codes of the uploaded boundaries' wards, and (ward name, code) for each,
        by content hash (empty without boundaries or a code attribute)."""
        sha = (ds.get("boundaries") or {}).get("sha256")
        if not sha:
            return (), ()
        return self._memo(self._small_by_sha, SMALL_KEPT, "boundary codes:" + sha,
                          lambda: _lga_codes_of_boundaries(self.rt.artifacts.read_bytes(sha)))

    def _table_area(self, ds: dict[str, Any]) -> tuple[str, ...]:
        """The place a ward table covers, as its data says it: the file names of the table
        and its boundaries, and the states its State / StateCode columns name."""
        table = ds.get("table") or {}
        names = [str(table.get("name") or ""), str((ds.get("boundaries") or {}).get("name") or "")]
        sha = table.get("sha256")
        if not sha:
            return tuple(n for n in names if n)
        states = self._memo(self._small_by_sha, SMALL_KEPT, "area:" + sha,
                            lambda: _states_of_table(self.rt.artifacts.read_bytes(sha), names[0]))
        return tuple(n for n in (*names, *states) if n)

    def _last_assistant_message(self, session_id: str) -> dict[str, Any] | None:
        count = self.rt.store.message_count(session_id)
        recent = self.rt.store.messages(session_id, after=max(0, count - 4))
        for m in reversed(recent):
            if m.get("role") == "assistant":
                return m
        return None

    # ---- a turn ------------------------------------------------------------------------

    def respond(self, session_id: str, text: str, stream: StreamFn | None = None,
                shown: Any = None) -> Reply:
        """Answer one message. ``shown`` is the figure the page shows beside the chat (see
        ``screen.view_on_page``): "save that map" means it; None leaves what the chat
        showed last."""
        on_page = screen.view_on_page(shown)  # checked before anything is stored
        text = str(text or "").strip()
        if not text:
            raise InputError("invalid_request", "The message is empty: type a question.")
        if len(text) > MAX_TEXT:
            raise InputError("invalid_request",
                             f"The message is {len(text)} characters long; the most accepted "
                             f"is {MAX_TEXT}.")
        ctx, dstate, facts = self.turn_context(session_id)
        if on_page is not None:
            dstate.shown = on_page  # what the analyst sees is what "that map" means
        self.rt.store.append_message(session_id, {"role": "user", "text": text})
        reply = None
        new_state: DialogueState | None = None
        if self.llm is not None:
            try:
                reply = self._model_turn(session_id, text, ctx, stream, dstate, facts)
            except LlmError as exc:
                log.warning(json.dumps({"event": "llm.fallback", "session_id": session_id,
                                        "reason": str(exc)}))
                if stream:
                    stream("reset", {})
        if reply is None:
            reply, new_state = self._offline_turn(session_id, text, ctx, dstate, facts)
            if stream:
                stream("token", {"text": reply.text})
        if new_state is None:
            new_state = _state_after_model(dstate, reply)
        new_state.plans = _plans_after(new_state.plans if new_state.plans is not None
                                       else dstate.plans, reply)
        new_state.analyses = _analyses_after(dstate.analyses, reply)
        # a list of requests done one at a time stays until a message takes its last item
        reading = (reply.route or {}).get("dialogue") or {}
        new_state.todo = reading.get("todo", dstate.todo)
        self._store_state(session_id, new_state)
        self.rt.store.append_message(session_id, {
            "role": "assistant",
            "text": reply.text,
            "tool_calls": reply.tool_calls,
            "artifacts": reply.artifacts,
            "suggestions": reply.suggestions,
            "route": reply.route,
            "engine": reply.engine,
        })
        if stream:
            stream("done", reply.to_dict())
        return reply

    def _execute(self, session_id: str, tool: str, params: dict[str, Any]) -> ToolResult:
        spec = self.registry.spec(tool)
        spec.validate(params)
        # a TPR is always run again from the last facility export: the settings not said
        # are those of the last run (resubmit_tpr), not the declared defaults
        full = dict(params) if tool == "compute_tpr" else spec.with_defaults(params)
        return self.registry.executor(tool)(self.rt, session_id, full)

    def _offline_turn(self, session_id: str, text: str, ctx: RouterContext,
                      dstate: DialogueState, facts: Facts) -> tuple[Reply, DialogueState]:
        decision = dialogue.decide(text, ctx, dstate, facts)  # reads it in plain words
        text = normalize.plain_text(text, normalize.text_names(ctx, facts))  # as it was read
        rd = {"dialogue": decision.reading}
        new = DialogueState(dstate.pending, dstate.last, dstate.shown, decision.topic,
                            focus.kept_own(focus.update(focus.Focus.of(dstate.focus), text,
                                                        decision.steps, facts.lgas,
                                                        ctx.wards).to_dict(),
                                           dstate.pending, decision.reading, decision.steps),
                            dstate.plans)
        if not decision.keep_pending:
            new.pending = decision.pending
        elif dstate.pending and not decision.reading.get("about_pending"):
            # kept over a turn about something else: a bare "ok" no longer takes it
            new.pending = {**dstate.pending, "kept": True}
        if decision.unmet:
            text_ = unmet_text(decision.unmet, ctx)
            if decision.unmet == ["facility_data"]:
                text_ = tables.facility_export_needed(decision.reading.get("params") or {},
                                                      text, tables.tpr_columns(ctx.variables))
            tool = decision.reading.get("tool")
            calls = [{"tool": tool, "params": {}, "status": "blocked",
                      "unmet": decision.unmet}] if tool else []
            return Reply(text_, tool_calls=calls, route=rd), new
        if not decision.steps:
            answer = decision.text or "Sorry, I did not understand. Ask for help."
            return Reply(answer, suggestions=decision.suggestions, route=rd), new
        reply = self._run_steps(session_id, decision, rd, new)
        new.focus = focus.after_answer(focus.Focus.of(new.focus), text, reply.data).to_dict()
        return reply, new

    def _run_steps(self, session_id: str, decision: Decision, rd: dict[str, Any],
                   new: DialogueState) -> Reply:
        texts: list[str] = list(decision.notes)
        calls: list[dict[str, Any]] = []
        artifacts: list[dict[str, Any]] = []
        suggestions: list[str] = []
        data: dict[str, Any] = {}
        for i, step in enumerate(decision.steps):
            reply = self._run_tool(session_id, step.tool, step.params, rd)
            calls.extend(reply.tool_calls)
            artifacts.extend(reply.artifacts)
            suggestions = reply.suggestions or suggestions
            data.update(reply.data)
            ok = bool(reply.tool_calls) and reply.tool_calls[-1].get("status") == "ok"
            if step.echo and ok:
                texts.append(step.echo)
            if ok and step.echo == dialogue.ANALYSE_FIRST and i + 1 < len(decision.steps):
                # a preliminary analysis: one line, so the answer that follows stands out
                s_ = (reply.data or {}).get("summary") or {}
                texts.append(f"{s_.get('wards')} wards ranked with "
                             f"{len(s_.get('variables') or [])} variables."
                             if s_ else reply.text.split("\n")[0])
            else:
                texts.append(reply.text)
            if not ok:
                if step.tool == "show_map":
                    new.shown = None  # "png of that map" after a map that failed: ask which
                rest = decision.steps[i + 1:]
                if rest:
                    texts.append("Not done, because the step before failed: "
                                 + "; ".join(f'"{s.source}"' for s in rest) + ".")
                break
            new.last = last_with_change(new.last, step.tool, step.params)
            shown = _shown_by(step.tool, step.params)
            if shown is not None:
                if shown.get("kind") == "chart" and (new.shown or {}).get("kind") == "map":
                    shown["map"] = new.shown  # "save that map" after a chart: the map before
                new.shown = shown
        texts.extend(decision.not_done)
        if decision.choices:
            suggestions = decision.suggestions
        return Reply("\n".join(t for t in texts if t), tool_calls=calls, artifacts=artifacts,
                     suggestions=suggestions, data=data, route=rd)

    def _store_state(self, session_id: str, state: DialogueState) -> None:
        record = state.to_dict()

        def fn(session: dict[str, Any]) -> None:
            session.setdefault("state", {})["dialogue"] = record

        self.rt.store.update_session(session_id, fn)

    def _run_tool(self, session_id: str, tool: str, params: dict[str, Any],
                  rd: dict[str, Any] | None, engine: str = "offline") -> Reply:
        call = {"tool": tool, "params": params}
        try:
            result = self._execute(session_id, tool, params)
        except ChatMRPTError as exc:
            call.update(status="failed", error=exc.to_dict())
            return Reply(exc.message, tool_calls=[call], route=rd, engine=engine)
        call["status"] = "ok"
        return Reply(result.text, tool_calls=[call], artifacts=result.artifacts,
                     suggestions=result.suggestions, data=result.data, route=rd, engine=engine)

    def _model_turn(self, session_id: str, text: str, ctx: RouterContext,
                    stream: StreamFn | None, dstate: DialogueState | None = None,
                    facts: Facts | None = None) -> Reply:
        dstate = dstate or DialogueState()
        facts = facts or Facts()
        messages: list[dict[str, Any]] = [{"role": "system", "content": self._system(ctx)}]
        count = self.rt.store.message_count(session_id)
        for m in self.rt.store.messages(session_id, after=max(0, count - HISTORY_FOR_MODEL)):
            if m.get("role") in ("user", "assistant") and m.get("text"):
                messages.append({"role": m["role"], "content": m["text"]})
        if not messages or messages[-1].get("content") != text:
            messages.append({"role": "user", "content": text})
        calls: list[dict[str, Any]] = []
        artifacts: list[dict[str, Any]] = []
        suggestions: list[str] = []
        data: dict[str, Any] = {}
        last_route: dict[str, Any] | None = None
        on_token = (lambda t: stream("token", {"text": t})) if stream else None
        for _ in range(MAX_MODEL_ROUNDS):
            completion = self.llm.complete(messages, self.registry.openai_tools(), on_token)
            if not completion.tool_calls:
                if not completion.content.strip():
                    raise LlmError("the model gave an empty answer")
                return Reply(completion.content, tool_calls=calls, artifacts=artifacts,
                             suggestions=suggestions, data=data, route=last_route,
                             engine="model")
            parsed = [parse_tool_call(c, self.registry) for c in completion.tool_calls]
            messages.append({
                "role": "assistant",
                "content": completion.content or None,
                "tool_calls": [{"id": c.id, "type": "function",
                                "function": {"name": c.name, "arguments": c.arguments}}
                               for c in completion.tool_calls],
            })
            for tool, params in parsed:
                reason = dialogue.check_model_call(tool, params, text, ctx, dstate, facts)
                if reason is not None:
                    # the model's reading is not backed by the conversation: the offline
                    # dialogue manager answers (and asks, where it must)
                    raise LlmError(f"the model proposed {tool} but {reason}")
            for c, (tool, params) in zip(completion.tool_calls, parsed, strict=True):
                if stream:
                    stream("tool", {"tool": tool, "params": params})
                unmet = self._unmet(tool, ctx)
                if unmet:
                    result_text = unmet_text(unmet, ctx)
                    calls.append({"tool": tool, "params": params, "status": "blocked",
                                  "unmet": unmet})
                else:
                    reply = self._run_tool(session_id, tool, params, None, engine="model")
                    calls.extend(reply.tool_calls)
                    artifacts.extend(reply.artifacts)
                    suggestions = reply.suggestions or suggestions
                    data.update(reply.data)
                    result_text = reply.text
                last_route = {"tool": tool, "params": params, "missing": [], "candidates": []}
                messages.append({"role": "tool", "tool_call_id": c.id, "content": result_text})
        raise LlmError("the model kept calling tools without answering")

    def _unmet(self, tool: str, ctx: RouterContext) -> list[str]:
        met = ctx.met()
        return [u for u in self.registry.spec(tool).requires if u not in met]

    def _system(self, ctx: RouterContext) -> str:
        facts = [f"Ward data uploaded: {'yes' if ctx.has_dataset else 'no'}."]
        if ctx.variables:
            facts.append("Numeric columns: " + ", ".join(ctx.variables[:40]) + ".")
        facts.append(f"Analysis: {ctx.analysis_status or 'none yet'}.")
        if ctx.last_plan:
            facts.append("Last net plan parameters: " + json.dumps(ctx.last_plan) + ".")
        return SYSTEM_PROMPT + " ".join(facts)


def _shown_by(tool: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """What a tool put on the screen, for "save that map" later."""
    if tool == "show_map":
        return {"kind": "map", "what": params.get("what", "composite"),
                "variable": params.get("variable"), "threshold": params.get("threshold")}
    if tool == "compare_methods":
        return {"kind": "chart", "what": "rank_comparison"}
    if tool in ("plan_itn", "what_if_plan"):
        return None
    return None


CHANGE_TOOLS = ("run_analysis", "plan_itn", "what_if_plan", "reprioritize_urban", "compute_tpr")


def last_with_change(before: dict[str, Any] | None, tool: str,
                     params: dict[str, Any]) -> dict[str, Any]:
    """The last request, with the last change of the conversation kept beside it
    (``changed``: the tool that last made an analysis, plan, reprioritisation or TPR run), so
    "back to the defaults" or "the one before" after a question still knows what was last
    changed."""
    changed = tool if tool in CHANGE_TOOLS else (before or {}).get("changed")
    out: dict[str, Any] = {"tool": tool, "params": params}
    if changed:
        out["changed"] = changed
    # the last question about the results, kept over the changes after it ("and now?")
    asked = {"tool": tool, "params": params} if tool in last_change.ASKED_AGAIN_TOOLS else \
        (before or {}).get("asked")
    if asked:
        out["asked"] = asked
    return out


def _state_after_model(before: DialogueState, reply: Reply) -> DialogueState:
    new = DialogueState(None, before.last, before.shown, focus=before.focus, plans=before.plans)
    for call in reply.tool_calls:
        if call.get("status") == "ok":
            new.last = last_with_change(new.last, call["tool"], call.get("params") or {})
            new.shown = _shown_by(call["tool"], call.get("params") or {}) or new.shown
    return new


def _plans_after(plans: dict[str, Any] | None, reply: Reply) -> dict[str, Any] | None:
    """The history of plans after a turn: the plan made or brought back becomes current."""
    if not any(c.get("tool") in plan_ops.PLAN_TOOLS and c.get("status") == "ok"
               for c in reply.tool_calls):
        return plans
    restored = ((reply.route or {}).get("dialogue") or {}).get("plan_restore")
    return plan_ops.after_turn(plans, reply.data.get("plan_id"), reply.data.get("params"),
                               restored if isinstance(restored, int) else None)


def _analyses_after(analyses: dict[str, Any] | None, reply: Reply) -> dict[str, Any] | None:
    """The history of analyses after a turn: an earlier analysis brought back becomes the
    current one (any other joins the history when the next message is read)."""
    if not any(c.get("tool") == "run_analysis" and c.get("status") == "ok"
               for c in reply.tool_calls):
        return analyses
    restored = ((reply.route or {}).get("dialogue") or {}).get("analysis_restore")
    return undo.after_turn(analyses, reply.data.get("analysis_id"),
                           restored if isinstance(restored, int) else None)


LGA_COLUMNS = ("lga", "lganame", "lga_name")
WARD_COLUMNS = ("wardname", "ward_name", "ward")


def _lgas_of_table(data: bytes, name: str) -> tuple[tuple[str, ...], tuple[WardRef, ...]]:
    import io

    import pandas as pd

    try:
        if name.lower().endswith((".xlsx", ".xls")):
            frame = pd.read_excel(io.BytesIO(data), dtype=str)
        else:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                encoding_errors="replace")
    except Exception:  # noqa: BLE001 - an unreadable table has no names to offer
        return (), ()
    column = next((c for c in frame.columns if str(c).strip().lower() in LGA_COLUMNS), None)
    ward_col = next((c for c in frame.columns if str(c).strip().lower() in WARD_COLUMNS), None)
    lgas = [str(v).strip() for v in frame[column]] if column is not None else []
    wards = ()
    if ward_col is not None:
        wards = tuple(WardRef(str(n).strip(), (lgas[i] or None) if lgas else None)
                      for i, n in enumerate(frame[ward_col]) if str(n).strip())
    return tuple(sorted({v for v in lgas if v})), wards


def _lga_codes_of_boundaries(data: bytes) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The LGA codes an uploaded boundaries file names, and each ward's (its attributes only,
    no geometry read); empty when it has no code attribute or cannot be read."""
    import io

    import pyogrio

    from chatmrpt.analysis.lga_names import code_text

    try:
        fields = [str(f) for f in pyogrio.read_info(io.BytesIO(data))["fields"]]
        column = next((f for f in fields if f.lower() in ("lgacode", "lga_code")), None)
        ward = next((f for f in fields if f.lower() in WARD_COLUMNS), None)
        if column is None:
            return (), ()
        frame = pyogrio.read_dataframe(io.BytesIO(data), read_geometry=False,
                                       columns=[c for c in (ward, column) if c])
    except Exception:  # noqa: BLE001 - unreadable boundaries name no codes
        return (), ()
    codes = [code_text(v) for v in frame[column].astype(str)]
    pairs = tuple((str(n).strip(), c) for n, c in zip(frame[ward], codes, strict=True)
                  if c) if ward else ()
    return tuple(sorted({c for c in codes if c})), pairs


def _states_of_table(data: bytes, name: str) -> tuple[str, ...]:
    """The states a ward table's State / StateCode columns name (empty when it has neither)."""
    import io

    import pandas as pd

    from chatmrpt.analysis.states import STATES

    try:
        if name.lower().endswith((".xlsx", ".xls")):
            head = pd.read_excel(io.BytesIO(data), dtype=str, nrows=0)
        else:
            head = pd.read_csv(io.BytesIO(data), dtype=str, nrows=0, encoding_errors="replace")
        cols = [c for c in head.columns
                if str(c).strip().lower() in ("state", "statecode", "state_code", "state code")]
        if not cols:
            return ()
        if name.lower().endswith((".xlsx", ".xls")):
            frame = pd.read_excel(io.BytesIO(data), dtype=str, usecols=cols)
        else:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, usecols=cols, keep_default_na=False,
                                encoding_errors="replace")
    except Exception:  # noqa: BLE001 - an unreadable table says nothing of its place
        return ()
    out: set[str] = set()
    for col in cols:
        for v in set(frame[col].dropna().astype(str).str.strip()):
            state = STATES.get(v.upper())
            out.add(state.name if state is not None else v)
    return tuple(sorted(v for v in out if v))


def _ward_names_from_csv(data: bytes) -> tuple[tuple[WardRef, ...], tuple]:
    import io

    import pandas as pd

    frame = pd.read_csv(io.BytesIO(data),
                        usecols=lambda c: c in ("WardName", "LGA", "composite_rank"),
                        dtype=str, keep_default_na=False)
    lgas = frame["LGA"] if "LGA" in frame.columns else [None] * len(frame)
    wards = tuple(WardRef(n, (lg or None)) for n, lg in zip(frame["WardName"], lgas, strict=True))
    if "composite_rank" not in frame.columns:
        return wards, ()
    ranks = pd.to_numeric(frame["composite_rank"], errors="coerce")
    order = ranks.sort_values(kind="stable").index
    return wards, tuple((wards[i].name, wards[i].lga) for i in order if pd.notna(ranks[i]))


def _lga_codes_from_csv(data: bytes, by_ward: bool = False) -> tuple:
    """The LGA codes of a results table; ``by_ward``: (ward name, code) for each ward."""
    import io

    import pandas as pd

    from chatmrpt.analysis.lga_names import code_text

    frame = pd.read_csv(io.BytesIO(data), nrows=0)
    column = next((c for c in ("LGACode", "lga_code", "LGA_CODE") if c in frame.columns), None)
    if column is None or by_ward and "WardName" not in frame.columns:
        return ()
    if by_ward:
        rows = pd.read_csv(io.BytesIO(data), usecols=["WardName", column], dtype=str,
                           keep_default_na=False)
        return tuple((str(n), code_text(v)) for n, v in zip(rows["WardName"], rows[column],
                                                            strict=True) if code_text(v))
    values = pd.read_csv(io.BytesIO(data), usecols=[column], dtype=str,
                         keep_default_na=False)[column]
    return tuple(sorted({code_text(v) for v in values if code_text(v)}))

