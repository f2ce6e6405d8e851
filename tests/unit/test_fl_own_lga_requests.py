"""A user who says which LGA is theirs in the same message as a request ("I'm the focal
person for Zaria. list all the wards in Zaria", "I am the focal person for Zaria LGA. list
all our wards", "... how many wards do we have"): the request is done for that LGA, and a
follow-up on the wards just counted ("which of them are high risk") keeps it."""

from __future__ import annotations

from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.extract import lower_text
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS,
              ward_count=len(NORTH_WARDS))
PLAN = {"total_nets": 800_000, "household_size": 5}


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": DEMO_VARIABLES, "wards": NORTH_WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def steps(text, last=None, c=None):
    d = decide(text, c or ctx(), DialogueState(last=last), FACTS)
    return [(s.tool, s.params) for s in d.steps], d


def resolve(text, last=None):
    return fc.resolve(text, lower_text(text), fc.Focus(), last, LGAS)


def test_without_own_said_drops_the_lga_word_after_the_name():
    for text in ("I am the focal person for Zaria LGA. list all our wards",
                 "i'm the focal person for zaria lga, list all our wards",
                 "I'm the focal person for Zaria local government. list all our wards"):
        assert fc._without_own_said(text) == "list all our wards", text
    # an "LGA" that is not right after the introduction stays
    assert "lga" in fc._without_own_said("I'm the focal person for Zaria. which lga is last")


def test_request_naming_the_own_lga_again_is_read_without_the_introduction():
    for text in ("i'm the focal person for Zaria. list all the wards in Zaria with their rank",
                 "I am the focal person for Zaria, show the wards of Zaria by rank",
                 "I cover Zaria. top 5 wards in Zaria"):
        r = resolve(text)
        assert r is not None and r.text is not None and "focal" not in r.text, text
        assert "zaria" in r.text, text


def test_request_naming_another_lga_is_done_for_that_lga():
    r = resolve("I'm the focal person for Zaria. list the wards in Fagge")
    assert r is not None and "fagge" in r.text and "focal" not in r.text


def test_own_lga_list_requests_list_that_lga():
    for text in ("i'm the focal person for Zaria. list all the wards in Zaria with their rank",
                 "I am the focal person for Zaria LGA. list all our wards from the most "
                 "vulnerable",
                 "I'm the focal person for Zaria. list all our wards"):
        got, _ = steps(text)
        assert [t for t, _ in got] == ["list_wards"], text
        assert got[0][1].get("lga") == "Zaria", text


def test_how_many_wards_do_we_have_after_the_introduction_counts_the_own_lga():
    for text in ("I'm the focal person for Zaria. how many wards do we have in the table",
                 "I cover Zaria. how many wards do we have?"):
        got, d = steps(text)
        assert got == [("lga_summary", {"lga": "Zaria"})], text
        # the whole table's count is said too
        assert any(str(len(NORTH_WARDS)) in n for n in d.notes), text
    got, _ = steps("I am the focal person for Zaria. How many wards have we got")
    assert got == [("lga_summary", {"lga": "Zaria"})]


def test_how_many_wards_without_an_own_lga_is_the_whole_table():
    for text in ("how many wards do we have", "how many wards do we have in the table"):
        got, d = steps(text)
        assert got == [] and f"{len(NORTH_WARDS)} wards" in (d.text or ""), text


def test_category_of_the_wards_just_counted_keeps_their_lga():
    last = {"tool": "lga_summary", "params": {"lga": "Zaria"}}
    for text in ("which of them are high risk", "which of them are High?",
                 "among them, which are low priority"):
        r = resolve(text, last=last)
        assert r is not None and r.step["tool"] == "list_wards", text
        assert r.step["params"]["lga"] == "Zaria", text
        assert "just counted" in r.note
    # a count of them is not a list
    assert resolve("how many of them are high", last=last) is None or \
        resolve("how many of them are high", last=last).step is None or \
        resolve("how many of them are high", last=last).step["tool"] != "list_wards"


def test_the_nets_for_a_ward_after_another_question_is_its_plan_figure():
    last = {"tool": "ward_value", "params": {"ward": "Dambo", "variable": "Population"}}
    for text in ("and the nets for Dambo", "the nets for Dambo?", "and d nets for dambo"):
        got, _ = steps(text, last=last, c=ctx(last_plan=PLAN))
        assert got and got[0][0] == "ask_results", text
        assert got[0][1].get("about") == "plan_ward" and got[0][1].get("ward") == "Dambo", text


def test_the_nets_with_a_new_number_is_still_a_plan_change():
    got, _ = steps("and the nets for 200k", c=ctx(last_plan=PLAN),
                   last={"tool": "plan_itn", "params": PLAN})
    assert got and got[0][0] == "what_if_plan"
