"""The history of what the session pointed at, kept in the dialogue state: the plans
(``plans``, chatmrpt.chat.plan_ops) and the analyses (``analyses``, chatmrpt.chat.undo).

A history is a dict: ``ids`` (oldest first), one list per column holding what is kept of each
entry (a plan's parameters; an analysis's settings and the variables it used), and ``at``,
the place of the current entry. An entry made since (another way than a step back) goes
after the current one and drops the entries that were after it; a step back only moves
``at``, so a second step back goes further back. The stored format is read as written by
earlier versions: a missing or short column is padded, a place out of range is the newest.

Everything here is a pure function of the stored record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

HISTORY_MAX = 20

# a column's name and how one stored value is read (None for a missing one)
Columns = Mapping[str, Callable[[Any], Any]]


def load(record: Mapping[str, Any] | None, columns: Columns) -> dict[str, Any]:
    """The history in ``record`` with every column as long as ``ids`` and a valid ``at``."""
    record = record or {}
    ids = [str(i) for i in record.get("ids") or []]
    out: dict[str, Any] = {"ids": ids}
    for name, read in columns.items():
        values = list(record.get(name) or [])
        out[name] = [read(v) for v in (values + [None] * len(ids))[: len(ids)]]
    at = record.get("at")
    out["at"] = len(ids) - 1 if not isinstance(at, int) or not 0 <= at < len(ids) else at
    return out


def synced(record: Mapping[str, Any] | None, columns: Columns, item_id: str | None,
           entry: Mapping[str, Any], fill: Sequence[str] = (),
           limit: int = HISTORY_MAX) -> dict[str, Any] | None:
    """The history with ``item_id`` as its current entry. When it is the current entry
    already, the columns in ``fill`` it has empty take the values in ``entry``; otherwise
    ``entry`` (a value for every column) goes after the current entry, the newest ``limit``
    kept. No id: the record as it is."""
    if not item_id:
        return dict(record) if record else None
    h = load(record, columns)
    at = h["at"]
    if h["ids"] and h["ids"][at] == item_id:
        for name in fill:
            if entry.get(name) and not h[name][at]:
                h[name][at] = entry[name]
        return h
    keep = at + 1
    out: dict[str, Any] = {"ids": (h["ids"][:keep] + [item_id])[-limit:]}
    for name in columns:
        out[name] = (h[name][:keep] + [entry[name]])[-limit:]
    out["at"] = len(out["ids"]) - 1
    return out


def step_back_to(h: dict[str, Any], item_id: str | None, restored: int | None) -> bool:
    """Makes the entry at ``restored`` the current one of the loaded history ``h`` when it is
    ``item_id`` (what a step back brought back); whether it did."""
    if restored is not None and 0 <= restored < len(h["ids"]) and h["ids"][restored] == item_id:
        h["at"] = restored
        return True
    return False
