"""A client for any OpenAI-compatible chat-completions server, with tool calling.

Used only when ``CHATMRPT_LLM_BASE_URL`` is set. The model chooses among the same tool
declarations as the offline router (chatmrpt.chat.tools); whatever it writes is treated as
data: a tool call names a registered tool and carries JSON arguments that are validated
against that tool's schema, and nothing else is ever executed. Any failure — time-out,
HTTP error, unreadable stream, unknown tool, invalid arguments — raises :class:`LlmError`,
and the caller falls back to the offline router.

Standard library HTTP only: the wire protocol is small (JSON in, server-sent events out).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chatmrpt.errors import InputError

TokenFn = Callable[[str], None]


class LlmError(Exception):
    """The language model could not give a usable answer for this turn."""


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text as the model wrote it


@dataclass
class Completion:
    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None


def _sse_data(lines: Iterator[bytes]) -> Iterator[str]:
    """The ``data:`` payloads of a server-sent event stream, one per event."""
    buf: list[str] = []
    for raw in lines:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if buf:
                yield "\n".join(buf)
                buf = []
            continue
        if line.startswith(":"):
            continue
        if line.startswith("data:"):
            buf.append(line[5:].lstrip(" "))
    if buf:
        yield "\n".join(buf)


class LlmClient:
    """One chat-completions endpoint; a fresh HTTP connection per call, nothing cached."""

    def __init__(self, base_url: str, api_key: str | None, model: str | None,
                 timeout_s: float = 30.0):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.api_key = api_key
        self.model = model or "default"
        self.timeout_s = timeout_s

    def complete(self, messages: Sequence[Mapping[str, Any]],
                 tools: Sequence[Mapping[str, Any]] = (),
                 on_token: TokenFn | None = None) -> Completion:
        body: dict[str, Any] = {"model": self.model, "messages": list(messages), "stream": True}
        if tools:
            body["tools"] = list(tools)
            body["tool_choice"] = "auto"
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(),
                                         headers=headers, method="POST")
        deadline = time.monotonic() + self.timeout_s
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                ctype = response.headers.get("Content-Type", "")
                if "text/event-stream" not in ctype:
                    # a server that ignores "stream": one JSON body
                    return self._from_json(json.loads(response.read()), on_token)
                return self._from_stream(response, on_token, deadline)
        except urllib.error.HTTPError as exc:
            raise LlmError(f"the model server answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise LlmError(f"the model server did not answer: {exc}") from exc
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise LlmError(f"the model server sent something unreadable: {exc}") from exc

    @staticmethod
    def _from_json(data: Mapping[str, Any], on_token: TokenFn | None) -> Completion:
        choice = data["choices"][0]
        message = choice.get("message") or {}
        content = message.get("content") or ""
        if content and on_token:
            on_token(content)
        calls = [
            ToolCall(c.get("id") or f"call_{i}", c["function"]["name"],
                     c["function"].get("arguments") or "{}")
            for i, c in enumerate(message.get("tool_calls") or [])
        ]
        return Completion(content, calls, choice.get("finish_reason"))

    @staticmethod
    def _from_stream(response, on_token: TokenFn | None, deadline: float) -> Completion:
        out = Completion()
        parts: dict[int, dict[str, str]] = {}
        text: list[str] = []
        for data in _sse_data(iter(response.readline, b"")):
            if time.monotonic() > deadline:
                raise LlmError("the model server took too long")
            if data.strip() == "[DONE]":
                break
            chunk = json.loads(data)
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or {}
                if delta.get("content"):
                    text.append(delta["content"])
                    if on_token:
                        on_token(delta["content"])
                for call in delta.get("tool_calls") or []:
                    slot = parts.setdefault(int(call.get("index", 0)),
                                            {"id": "", "name": "", "arguments": ""})
                    slot["id"] = call.get("id") or slot["id"]
                    fn = call.get("function") or {}
                    slot["name"] += fn.get("name") or ""
                    slot["arguments"] += fn.get("arguments") or ""
                if choice.get("finish_reason"):
                    out.finish_reason = choice["finish_reason"]
        out.content = "".join(text)
        out.tool_calls = [
            ToolCall(p["id"] or f"call_{i}", p["name"], p["arguments"] or "{}")
            for i, p in sorted(parts.items())
        ]
        return out


def parse_tool_call(call: ToolCall, registry) -> tuple[str, dict[str, Any]]:
    """(tool name, validated parameters) or LlmError: the model's output is only data."""
    if call.name not in registry:
        raise LlmError(f"the model asked for an unknown tool {call.name!r}")
    try:
        args = json.loads(call.arguments or "{}")
    except json.JSONDecodeError as exc:
        raise LlmError(f"the model's arguments for {call.name} are not JSON") from exc
    if not isinstance(args, dict):
        raise LlmError(f"the model's arguments for {call.name} are not an object")
    try:
        params = registry.validate(call.name, args)
    except InputError as exc:
        raise LlmError(f"the model's arguments for {call.name} do not fit: {exc.message}") from exc
    return call.name, params
