"""A scripted OpenAI-compatible chat-completions server, run as a real process.

    python -m tests._fake_llm --port PORT --script script.json --log requests.jsonl

The script is a JSON list; each request to POST /v1/chat/completions takes the next entry:
  {"text": "..."}                         a streamed answer (split into several chunks)
  {"tool_calls": [{"name", "arguments"}]} streamed tool calls (arguments split across chunks)
  {"status": 500}                         an HTTP error
  {"delay": 5, ...}                       wait first (to provoke a client time-out)
  {"raw": "data: {not json\\n\\n"}         a broken stream
  {"json": true, "text": "..."}           a non-streamed JSON answer
Every request body is appended to the log file, so tests can check what the client sent.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def chunks_for(entry: dict) -> list[dict]:
    out = []
    if "text" in entry:
        text = entry["text"]
        step = max(1, len(text) // 4)
        for i in range(0, len(text), step):
            out.append({"choices": [{"index": 0, "delta": {"content": text[i:i + step]}}]})
        out.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    if "tool_calls" in entry:
        for i, call in enumerate(entry["tool_calls"]):
            args = call.get("arguments", "{}")
            if not isinstance(args, str):
                args = json.dumps(args)
            half = len(args) // 2
            out.append({"choices": [{"index": 0, "delta": {"tool_calls": [{
                "index": i, "id": f"call_{i}", "type": "function",
                "function": {"name": call["name"], "arguments": args[:half]}}]}}]})
            out.append({"choices": [{"index": 0, "delta": {"tool_calls": [{
                "index": i, "function": {"arguments": args[half:]}}]}}]})
        out.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
    return out


def make_handler(script: list[dict], log: Path, lock: threading.Lock):
    state = {"next": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                with log.open("a") as fh:
                    fh.write(json.dumps({"path": self.path, "auth": self.headers.get(
                        "Authorization"), "body": body}) + "\n")
                i = state["next"]
                state["next"] += 1
            if not self.path.endswith("/chat/completions") or i >= len(script):
                self.send_response(404)
                self.end_headers()
                return
            entry = script[i]
            time.sleep(entry.get("delay", 0))
            if "status" in entry:
                self.send_response(entry["status"])
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": {"message": "scripted failure"}}')
                return
            if entry.get("json"):
                payload = {"choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant",
                                                    "content": entry.get("text", "")}}]}
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            if "raw" in entry:
                self.wfile.write(entry["raw"].encode())
                return
            for chunk in chunks_for(entry):
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--script", type=Path, required=True)
    p.add_argument("--log", type=Path, required=True)
    args = p.parse_args()
    script = json.loads(args.script.read_text())
    server = ThreadingHTTPServer(("127.0.0.1", args.port),
                                 make_handler(script, args.log, threading.Lock()))
    server.serve_forever()


if __name__ == "__main__":
    main()


class FakeLlm:
    """The server above as a child process on a free port, with its script and request log."""

    def __init__(self, tmp_path: Path, script: list[dict]):
        import socket
        import subprocess
        import sys
        import urllib.request

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.script_path = tmp_path / f"llm-script-{self.port}.json"
        self.log_path = tmp_path / f"llm-log-{self.port}.jsonl"
        self.script_path.write_text(json.dumps(script))
        self.log_path.touch()
        root = Path(__file__).resolve().parent.parent
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests._fake_llm", "--port", str(self.port),
             "--script", str(self.script_path), "--log", str(self.log_path)],
            cwd=root,
        )
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/ready", timeout=1)
            except urllib.error.HTTPError:
                break  # answering (404 for GET): ready
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("the fake model server did not start") from None
                time.sleep(0.05)

    def requests(self) -> list[dict]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except Exception:
                self.proc.kill()
