"""Measure the assistant on the evaluation conversations.

    python -m tests.eval.run_eval --split dev|test|dev2|holdout|all [--verbose] [--json FILE]

Prints, per split, the right outcomes out of all messages, the silent wrong actions (each
listed) and the misses. Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from tests.eval.harness import (
    MISS,
    RIGHT,
    SILENT_WRONG,
    App,
    TurnResult,
    load_conversations,
    run_conversation,
    split_choices,
)
from tests.eval.jargon import jargon


def summarise(results: list[TurnResult]) -> dict:
    out = {}
    for split in sorted({r.split for r in results}):
        rows = [r for r in results if r.split == split]
        counts = Counter(r.outcome for r in rows)
        by_kind: dict[str, dict[str, int]] = {}
        for r in rows:
            k = by_kind.setdefault(r.expect["kind"], {"total": 0, RIGHT: 0, MISS: 0,
                                                      SILENT_WRONG: 0})
            k["total"] += 1
            k[r.outcome] += 1
        out[split] = {
            "conversations": len({r.conversation for r in rows}),
            "messages": len(rows),
            "right": counts[RIGHT],
            "right_percent": round(100.0 * counts[RIGHT] / len(rows), 1) if rows else 0.0,
            "silent_wrong": counts[SILENT_WRONG],
            "misses": counts[MISS],
            "replies_with_jargon": sum(1 for r in rows if jargon(r.reply)),
            "by_kind": by_kind,
            "silent_wrong_list": [
                {"conversation": r.conversation, "turn": r.index, "user": r.user,
                 "expect": r.expect, "why": r.reason, "actions": r.actions}
                for r in rows if r.outcome == SILENT_WRONG
            ],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.eval.run_eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=split_choices(), default="dev")
    parser.add_argument("--verbose", action="store_true", help="every message and its verdict")
    parser.add_argument("--json", metavar="FILE", help="write the summary and every verdict")
    parser.add_argument("--only", metavar="ID", action="append",
                        help="run only these conversations (repeatable)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    conversations = load_conversations(args.split)
    if args.only:
        conversations = [c for c in conversations if c.id in set(args.only)]
    t0 = time.monotonic()
    app = App()
    results: list[TurnResult] = []
    errors: list[str] = []
    try:
        for conv in conversations:
            try:
                rows = run_conversation(app, conv)
            except Exception as exc:  # a broken set-up must not stop the measurement
                errors.append(f"{conv.id}: {type(exc).__name__}: {exc}")
                rows = [TurnResult(conv.id, conv.split, conv.persona, conv.dataset, i,
                                   t["user"], t["expect"], MISS, f"conversation failed: {exc}",
                                   [], "", 0.0) for i, t in enumerate(conv.turns)]
            results.extend(rows)
            if args.verbose:
                print(f"\n== {conv.id} [{conv.split}] {conv.persona} / {conv.dataset}")
                for r in rows:
                    mark = {RIGHT: "ok  ", MISS: "MISS", SILENT_WRONG: "WRONG"}[r.outcome]
                    print(f"  {mark} {r.user!r} -> {json.dumps(r.expect)}")
                    if r.outcome != RIGHT:
                        print(f"       why: {r.reason}")
                        if r.actions:
                            print(f"       actions: {r.actions}")
                        print(f"       reply: {r.reply[:300]!r}")
                    if jargon(r.reply):
                        print(f"       jargon: {jargon(r.reply)}")
    finally:
        app.close()
    elapsed = time.monotonic() - t0

    summary = summarise(results)
    for split, s in summary.items():
        print(f"\n[{split}] {s['conversations']} conversations, {s['messages']} messages")
        print(f"  right outcomes: {s['right']}/{s['messages']} ({s['right_percent']}%)")
        print(f"  silent wrong actions: {s['silent_wrong']}")
        print(f"  misses: {s['misses']}")
        print(f"  replies with jargon: {s['replies_with_jargon']}")
        for kind, k in sorted(s["by_kind"].items()):
            print(f"    {kind:16s} {k[RIGHT]:3d}/{k['total']:3d} right, "
                  f"{k[SILENT_WRONG]} silent wrong")
        for w in s["silent_wrong_list"]:
            print(f"  WRONG {w['conversation']}#{w['turn']}: {w['user']!r}: {w['why']}")
    for e in errors:
        print(f"  conversation error: {e}")
    print(f"\n{len(results)} messages in {elapsed:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "summary": summary, "seconds": round(elapsed, 1), "errors": errors,
            "turns": [asdict(r) for r in results]}, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
