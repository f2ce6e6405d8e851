"""The session state as a small dataclass over the stored JSON object."""

from __future__ import annotations

import pytest

from chatmrpt.store.model import SessionState


def test_known_keys_are_fields_and_unknown_keys_are_kept():
    record = {"state": {"current_dataset": "d1", "chat_topic": "nets", "last_plan": None}}
    state = SessionState.of(record)
    assert state.current_dataset == "d1" and state.current_analysis is None
    assert state.other == {"chat_topic": "nets"}
    assert state.to_dict() == {"current_dataset": "d1", "chat_topic": "nets"}
    assert SessionState.of(None) == SessionState() and SessionState().to_dict() == {}


def test_changes_are_checked_and_a_no_op_is_none():
    state = SessionState.of({"state": {"current_dataset": "d1"}})
    assert state.changed(current_dataset="d1") is None
    new = state.changed(current_analysis="a1", last_tpr="t1")
    assert new.to_dict() == {"current_dataset": "d1", "current_analysis": "a1", "last_tpr": "t1"}
    assert state.current_analysis is None  # frozen: the old state is unchanged
    with pytest.raises(ValueError, match="current_dataest"):
        state.changed(current_dataest="d2")
