"""CHATMRPT_CHAT_WAIT_S: how long a chat reply waits for the analysis it started."""

import pytest

from chatmrpt.config import load_settings


def test_the_chat_waits_twenty_seconds_unless_told(tmp_path):
    assert load_settings({"CHATMRPT_HOME": str(tmp_path)}, cwd=tmp_path).chat_wait_s == 20.0
    told = load_settings({"CHATMRPT_HOME": str(tmp_path), "CHATMRPT_CHAT_WAIT_S": "90"},
                         cwd=tmp_path)
    assert told.chat_wait_s == 90.0


@pytest.mark.parametrize("text", ["soon", "-1"])
def test_a_wait_that_is_not_a_number_of_seconds_is_refused(tmp_path, text):
    with pytest.raises(ValueError, match="CHATMRPT_CHAT_WAIT_S"):
        load_settings({"CHATMRPT_HOME": str(tmp_path), "CHATMRPT_CHAT_WAIT_S": text},
                      cwd=tmp_path)
