"""Messages, the conversation: send a message, read the conversation, stream a reply.

The conversation is the session's message log in the store, so consecutive messages may
be answered by different workers or machines. A streamed reply (``Accept:
text/event-stream``) sends ``token`` events as the text arrives, ``tool`` events when a
tool starts, ``reset`` when a language model's partial answer is withdrawn for the offline
assistant's, and ends with ``done`` (the whole reply) or ``error``.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from chatmrpt.errors import ChatMRPTError
from chatmrpt.web import urls
from chatmrpt.web.api.common import PREFIX, S
from chatmrpt.web.auth import session_required
from chatmrpt.web.inputs import read_json
from chatmrpt.web.openapi import documented
from chatmrpt.web.responses import json_response
from chatmrpt.web.state import get_runtime

log = logging.getLogger("chatmrpt.chat")
bp = Blueprint("messages", __name__, url_prefix=PREFIX)
ASSISTANT = "chatmrpt.assistant"
ASSISTANT_LOCK = "chatmrpt.chat.lock"
# the assistant is built once per process, after the fork; this lock guards building it
bp.record_once(lambda setup: setup.app.extensions.setdefault(ASSISTANT_LOCK, threading.Lock()))
MAX_LISTED = 500
STREAM_LIMIT_S = 300.0
MAX_SEQ = 2**62  # message numbers are 64-bit integers in the store
REPLY = {"type": "object", "properties": {
    "text": {"type": "string"},
    "tool_calls": {"type": "array", "items": {"type": "object"}},
    "artifacts": {"type": "array", "items": {"type": "object"}},
    "suggestions": {"type": "array", "items": {"type": "string"}},
    "engine": {"type": "string", "enum": ["offline", "model"]},
}}  # fmt: skip
MESSAGE = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "additionalProperties": False, "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 4000},
        # the figure the page shows beside the chat: "save that map" means it
        "shown": {"type": "object", "nullable": True, "properties": {
            "kind": {"type": "string", "enum": ["map", "chart"]},
            "what": {"type": "string"},
            "variable": {"type": "string", "nullable": True},
            "threshold": {"type": "number", "nullable": True},
            "map": {"type": "object", "nullable": True},
        }, "required": ["kind", "what"]},
    },
}}}}  # fmt: skip


def _assistant():
    """This process's assistant, built on this process's runtime (after the fork)."""
    from chatmrpt.chat.assistant import Assistant

    rt = get_runtime()
    app = current_app._get_current_object()
    with app.extensions[ASSISTANT_LOCK]:
        current = app.extensions.get(ASSISTANT)
        if current is None or current.rt is not rt:
            current = Assistant(rt, urls.link)
            app.extensions[ASSISTANT] = current
    return current


def _wants_stream() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/event-stream"])
    return best == "text/event-stream" and "text/event-stream" in request.accept_mimetypes


@bp.post(S + "/messages")
@documented(
    "postMessage",
    "Send a message to the assistant. With Accept: text/event-stream the reply is streamed as "
    "events token, tool, reset, done (the whole reply) or error.",
    {"200": {"description": "The assistant's reply.", "content": {
        "application/json": {"schema": {"type": "object", "properties": {"reply": REPLY}}},
        "text/event-stream": {"schema": {"type": "string"}}}}},
    body=MESSAGE,
    errors=("503",),
)  # fmt: skip
@session_required
def post_message(session_id: str) -> Response:
    data = read_json(("text", "shown"), required=("text",))
    if not isinstance(data["text"], str):
        raise ChatMRPTError("invalid_request", "'text' must be a string: the message to send.")
    from chatmrpt.chat.screen import view_on_page

    shown = view_on_page(data.get("shown"))  # a bad view fails here, before the stream
    assistant = _assistant()
    if not _wants_stream():
        reply = assistant.respond(session_id, data["text"], shown=shown)
        _announce(session_id)
        return json_response({"reply": _linked(session_id, reply.to_dict())})
    return _stream_reply(assistant, session_id, data["text"], shown)


def _announce(session_id: str, app: Flask | None = None) -> None:
    """Tell the session's event stream that the conversation grew, so every open page of
    the session shows the new messages (a page reads them from ``GET .../messages``)."""
    try:
        rt = get_runtime(app)
        rt.store.append_event(session_id, {
            "type": "conversation.updated", "messages": rt.store.message_count(session_id),
        })
    except ChatMRPTError as exc:  # the reply stands; other pages catch up on reload
        log.warning("conversation event not recorded: %s", exc)


def _linked(session_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A reply, message or tool result with the URLs of the files it names: the chat gives
    their ids and kinds, the URLs are the web's."""
    if isinstance(data.get("artifacts"), list):
        data = {**data, "artifacts": urls.with_urls(session_id, data["artifacts"])}
    return data


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _stream_reply(assistant, session_id: str, text: str,
                  shown: dict[str, Any] | None = None) -> Response:
    events: queue.Queue[tuple[str, Any] | None] = queue.Queue()
    app = current_app._get_current_object()

    def work() -> None:
        # plain values only: this thread never touches the request
        try:
            assistant.respond(session_id, text, stream=lambda e, d: events.put((e, d)),
                              shown=shown)
            _announce(session_id, app)
        except ChatMRPTError as exc:
            events.put(("error", exc.to_dict()))
        except Exception:
            log.exception("a streamed chat reply failed", extra={"session_id": session_id})
            events.put(("error", {"code": "internal_error",
                                  "message": "Something went wrong on our side; try again.",
                                  "details": {}}))
        finally:
            events.put(None)

    threading.Thread(target=work, name="chat-reply", daemon=True).start()

    def stream() -> Iterator[str]:
        while True:
            try:
                item = events.get(timeout=STREAM_LIMIT_S)
            except queue.Empty:
                yield _sse("error", {"code": "internal_error", "message": "The reply took too "
                                     "long; ask again.", "details": {}})
                return
            if item is None:
                return
            event, data = item
            yield _sse(event, _linked(session_id, data) if event == "done" else data)

    return Response(stream(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@bp.get(S + "/messages")
@documented(
    "listMessages",
    "The conversation so far, oldest first.",
    {"200": {"description": "Messages.", "content": {"application/json": {
        "schema": {"type": "object", "properties": {
            "messages": {"type": "array", "items": {"type": "object"}},
            "count": {"type": "integer"}}}}}}},
    query=(
        {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        {"name": "limit", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LISTED}},
    ),
)  # fmt: skip
@session_required
def list_messages(session_id: str) -> Response:
    rt = get_runtime()
    try:
        after = max(0, int(request.args.get("after", "0")))
        limit = max(1, min(MAX_LISTED, int(request.args.get("limit", str(MAX_LISTED)))))
    except ValueError as exc:
        raise ChatMRPTError("invalid_request",
                            "'after' and 'limit' must be whole numbers.") from exc
    if after > MAX_SEQ:
        raise ChatMRPTError("invalid_request",
                            f"'after' must be a message number between 0 and {MAX_SEQ}.")
    messages = []
    for m in rt.store.messages(session_id, after=after, limit=limit):
        messages.append(_linked(session_id, {
            k: m.get(k) for k in ("seq", "at", "role", "text", "tool_calls", "artifacts",
                                  "suggestions", "engine") if k in m}))
    return json_response({"messages": messages, "count": rt.store.message_count(session_id)})


# the tools that answer from stored results, also callable without a message
RESULT_TOOLS = ("list_wards", "lga_summary", "ask_results", "pca_validity", "ward_value",
                "wards_by_value", "lga_averages", "data_quality", "planning_data", "export_view",
                "export_conversation")
UNMET_CODES = {"dataset": "No ward data yet: upload a ward table first.",
               "analysis": "That needs a finished analysis: run the analysis first.",
               "plan": "There is no net plan yet: plan the nets first."}


@bp.post(S + "/tools/<tool>")
@documented(
    "callTool",
    "Run a result tool with JSON parameters (the same code the chat runs): ward lists by LGA "
    "and category, LGA summaries, answers from stored results, PCA checks, one ward's value, "
    "the wards with the highest or lowest values of a variable, LGA averages of a variable, "
    "data quality, exports of a map "
    "or chart, the conversation as a file.",
    {"200": {"description": "The answer in words, its data and any files.",
             "content": {"application/json": {"schema": {"type": "object"}}}}},
    path={"tool": {"schema": {"type": "string", "enum": list(RESULT_TOOLS)}}},
    body={"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
    errors=("409",),
)  # fmt: skip
@session_required
def call_tool(session_id: str, tool: str) -> Response:
    """Run one of the result tools with JSON parameters: the same code the chat runs."""
    if tool not in RESULT_TOOLS:
        raise ChatMRPTError("not_found", f"There is no tool {tool[:60]!r} here. Tools: "
                                         f"{', '.join(RESULT_TOOLS)}.",
                            details={"tools": list(RESULT_TOOLS)})
    assistant = _assistant()
    spec = assistant.registry.spec(tool)
    params = read_json(spec.param_names)
    spec.validate(params)
    ctx = assistant.context(session_id)
    missing = [u for u in spec.requires if u not in ctx.met()]
    if missing:
        raise ChatMRPTError("analysis_not_ready" if missing[0] == "analysis" else "conflict",
                            UNMET_CODES.get(missing[0], "The session is not ready for that."),
                            details={"needs": missing})
    result = assistant.registry.executor(tool)(assistant.rt, session_id,
                                               spec.with_defaults(params))
    return json_response({"tool": tool, "params": params, "text": result.text,
                          "data": result.data,
                          "artifacts": urls.with_urls(session_id, result.artifacts)})
