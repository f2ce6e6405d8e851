"""The state of a conversation and what the dialogue manager decides from one message.

Kept apart from the manager (chatmrpt.chat.dialogue) so that the modules that read parts
of a message can build decisions without importing the manager itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# --- state --------------------------------------------------------------------------------


@dataclass
class DialogueState:
    pending: dict[str, Any] | None = None
    last: dict[str, Any] | None = None
    shown: dict[str, Any] | None = None
    topic: str | None = None
    focus: dict[str, Any] | None = None  # focus.Focus: the ward/LGA the talk is about
    plans: dict[str, Any] | None = None  # plan_ops: the plans pointed at, in order
    analyses: dict[str, Any] | None = None  # undo: the analyses pointed at, in order
    todo: dict[str, Any] | None = None  # numbered: a list of requests done one at a time

    @classmethod
    def of(cls, record: Mapping[str, Any] | None) -> DialogueState:
        record = record or {}
        return cls(record.get("pending"), record.get("last"), record.get("shown"),
                   record.get("topic"), record.get("focus"), record.get("plans"),
                   record.get("analyses"), record.get("todo"))

    def to_dict(self) -> dict[str, Any]:
        return {"pending": self.pending, "last": self.last, "shown": self.shown,
                "topic": self.topic, "focus": self.focus, "plans": self.plans,
                "analyses": self.analyses, "todo": self.todo}


@dataclass(frozen=True)
class Facts:
    """What the manager may know about the session besides the router context."""

    analysis_variables: tuple[str, ...] = ()  # the variables the last analysis used
    analysis_params: Mapping[str, Any] = field(default_factory=dict)
    lgas: tuple[str, ...] = ()
    ward_count: int = 0
    ranked: tuple[tuple[str, str | None], ...] = ()  # (ward, LGA) by composite rank
    last_repri: Mapping[str, Any] = field(default_factory=dict)  # the last one's parameters
    population: bool | None = None  # the ward data holds each ward's population (None: unknown)
    urban_share: bool | None = None  # ... and its urban share
    lga_codes: tuple[str, ...] = ()  # the LGA codes of the analysed wards (tables without names)
    ward_lga_codes: tuple[tuple[str, str], ...] = ()  # (ward, its LGA code) on such tables
    pca_reason: str | None = None  # why the current analysis has no PCA result (None: it has)
    # the place the ward table covers, as the data says it: its file names and the state(s)
    # of its State / StateCode columns (empty: not known)
    area: tuple[str, ...] = ()


@dataclass
class Step:
    tool: str
    params: dict[str, Any]
    echo: str = ""  # what is done, in plain words (relative changes, corrections)
    source: str = ""  # the part of the message this step answers


@dataclass
class Decision:
    steps: list[Step] = field(default_factory=list)
    text: str | None = None  # the reply when nothing runs (or a question)
    choices: list[dict[str, Any]] = field(default_factory=list)  # one-tap readings
    pending: dict[str, Any] | None = None  # the question now pending (None: unchanged/clear)
    keep_pending: bool = False  # the earlier question stays pending
    notes: list[str] = field(default_factory=list)  # said before the results
    not_done: list[str] = field(default_factory=list)  # said after the results
    unmet: list[str] = field(default_factory=list)
    reading: dict[str, Any] = field(default_factory=dict)  # how the message was read
    topic: str | None = None  # the one variable this message named (for "add it")

    @property
    def suggestions(self) -> list[str]:
        return [c["label"] for c in self.choices]


# --- one-tap choices ----------------------------------------------------------------------


def leave_it() -> dict[str, Any]:
    """The one-tap choice that changes nothing ("No, leave it")."""
    return {"label": "No, leave it", "tool": "", "params": {}, "cancel": True}


def steps_choice(label: str, steps: Sequence[Step]) -> dict[str, Any]:
    """A one-tap choice that runs the steps in order; its tool and parameters are the last
    step's (each step's parameters copied)."""
    last = steps[-1]
    return {"label": label, "tool": last.tool, "params": dict(last.params),
            "steps": [{"tool": s.tool, "params": dict(s.params), "echo": s.echo}
                      for s in steps]}  # fmt: skip
