"""A bare "ok thanks" after other questions were answered does not take an older offer."""
import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat import intents
from chatmrpt.chat.pending import ACK_ONLY, _answer_pending
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import DialogueState, Facts

CHOICES = [{"label": "Compute the TPR, test rdt", "tool": "compute_tpr",
            "params": {"test": "rdt"},
            "steps": [{"tool": "compute_tpr", "params": {"test": "rdt"}, "echo": ""}]},
           {"label": "No, leave it", "tool": "", "params": {}, "cancel": True}]


def _pending(kept: bool) -> dict:
    return {"expects": "choice", "choices": CHOICES, **({"kept": True} if kept else {})}


@pytest.mark.parametrize("text", ["ok tnx", "ok thanks", "okay", "fine, cool", "ok thank you!"])
def test_bare_ack_on_a_kept_offer_runs_nothing(text):
    low = ex.lower_text(text)
    assert ACK_ONLY.match(low)
    d = _answer_pending(text, low, None, RouterContext(), DialogueState(), Facts(),
                        _pending(True))
    assert d is not None and not d.steps and d.keep_pending
    assert "Compute the TPR" in d.text


@pytest.mark.parametrize("text", ["yes", "go ahead", "ok do it", "yes please", "run it"])
def test_a_yes_is_not_a_bare_ack(text):
    assert not ACK_ONLY.match(ex.lower_text(text))


def test_ack_right_after_the_offer_is_not_held_back():
    low = "ok"
    d = _answer_pending(low, low, intents.classify(low), RouterContext(), DialogueState(), Facts(),
                        _pending(False))
    assert d is not None and [s.tool for s in d.steps] == ["compute_tpr"]
