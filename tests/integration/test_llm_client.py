"""The OpenAI-compatible client against a real scripted server process."""

from __future__ import annotations

import pytest

from chatmrpt.chat.llm import LlmClient, LlmError, ToolCall, parse_tool_call
from chatmrpt.chat.tools import ToolRegistry
from tests._fake_llm import FakeLlm


@pytest.fixture
def fake(tmp_path, request):
    servers = []

    def start(script):
        server = FakeLlm(tmp_path, script)
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


def client(server, timeout=5.0):
    return LlmClient(server.base_url, "sk-test", "test-model", timeout_s=timeout)


def test_streamed_text_arrives_in_pieces(fake):
    server = fake([{"text": "Zango ranks first because of its test positivity."}])
    tokens = []
    out = client(server).complete([{"role": "user", "content": "why"}], [], tokens.append)
    assert out.content == "Zango ranks first because of its test positivity."
    assert len(tokens) >= 3 and "".join(tokens) == out.content
    assert out.finish_reason == "stop"
    sent = server.requests()[0]
    assert sent["auth"] == "Bearer sk-test"
    assert sent["body"]["model"] == "test-model" and sent["body"]["stream"] is True


def test_streamed_tool_calls_are_reassembled(fake):
    server = fake([{"tool_calls": [
        {"name": "top_wards", "arguments": {"n": 5, "method": "pca"}},
        {"name": "show_map", "arguments": {"what": "category"}},
    ]}])
    tools = ToolRegistry().openai_tools()
    out = client(server).complete([{"role": "user", "content": "x"}], tools)
    assert [c.name for c in out.tool_calls] == ["top_wards", "show_map"]
    assert out.tool_calls[0].arguments == '{"n": 5, "method": "pca"}'
    assert out.finish_reason == "tool_calls"
    assert server.requests()[0]["body"]["tools"] == tools


def test_non_streamed_answer(fake):
    server = fake([{"json": True, "text": "plain"}])
    assert client(server).complete([{"role": "user", "content": "x"}]).content == "plain"


@pytest.mark.parametrize("entry", [{"status": 500}, {"status": 401}, {"delay": 3, "text": "late"},
                                   {"raw": "data: {not json\n\n"}])
def test_failures_raise_llm_error(fake, entry):
    server = fake([entry])
    with pytest.raises(LlmError):
        client(server, timeout=1.0).complete([{"role": "user", "content": "x"}])


def test_unreachable_server(tmp_path):
    with pytest.raises(LlmError):
        LlmClient("http://127.0.0.1:9/v1", None, None, timeout_s=1).complete([])


@pytest.mark.parametrize("call,fragment", [
    (ToolCall("1", "rm_rf", "{}"), "unknown tool"),
    (ToolCall("1", "top_wards", "{n: 5"), "not JSON"),
    (ToolCall("1", "top_wards", "[1, 2]"), "not an object"),
    (ToolCall("1", "top_wards", '{"n": "five"}'), "do not fit"),
    (ToolCall("1", "plan_itn", '{"total_nets": 1000}'), "household_size"),
])
def test_malformed_tool_calls(call, fragment):
    with pytest.raises(LlmError, match=fragment):
        parse_tool_call(call, ToolRegistry())


def test_valid_tool_call():
    assert parse_tool_call(ToolCall("1", "top_wards", '{"n": 3}'), ToolRegistry()) == (
        "top_wards", {"n": 3})
