"""Ward lists asked in phone shorthand: "hi risk wards <LGA>" is the High wards (not a
greeting), "wards 4 <code>" is "wards for <code>", and "ok wat of <LGA>" repeats the last
list for another LGA."""

from __future__ import annotations

from chatmrpt.chat import focus as fc
from chatmrpt.chat.extract import lower_text
from chatmrpt.chat.normalize import plain_text

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")


def test_hi_before_risk_words_is_high():
    for text, want in (("hi risk wards zaria", "high risk wards zaria"),
                       ("hi-priority wards in fagge", "high-priority wards in fagge"),
                       ("show hi risk ones", "show high risk ones"),
                       ("Hi risk wards", "High risk wards")):
        assert plain_text(text) == want, text


def test_hi_as_a_greeting_is_still_dropped():
    assert plain_text("hi, list the top wards") == "list the top wards"
    assert plain_text("hi there, top 5 wards") == "there, top 5 wards"
    assert "high" not in plain_text("hi, risk map please")


def test_4_before_an_lga_code_is_for():
    assert plain_text("high risk wards 4 20043") == "high risk wards for 20043"
    assert plain_text("nets 4 lga 20001") == "nets for lga 20001"
    # a count before a code stays a count
    assert plain_text("top 4 20043") == "top 4 20043"
    assert plain_text("wards 4 to 10") == "wards 4 to 10"


def test_what_of_another_lga_repeats_the_last_list():
    last = {"tool": "list_wards", "params": {"lga": "Zaria", "category": "High"}}
    for text in ("ok what of Fagge", "what of fagge?", "so what of Fagge"):
        r = fc.resolve(text, lower_text(text), fc.Focus(), last, LGAS)
        assert r is not None and r.step == {"tool": "list_wards",
                                            "params": {"lga": "Fagge", "category": "High"}}, text


def test_what_of_without_a_list_before_is_read_on_its_own():
    text = "what of Fagge"
    assert fc.resolve(text, lower_text(text), fc.Focus(), None, LGAS) is None
