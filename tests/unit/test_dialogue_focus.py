"""The conversation focus: short follow-ups ("and Zaria?", "bottom 3 same lga", "its rank?",
"our wards", "it's 20037") are read against what the conversation was about, echo what they
resolved to, and ask when there is nothing to point at; other messages are read on their own."""

from __future__ import annotations

from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import DialogueState, Facts, Step, decide
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


def state(last=None, **focus) -> DialogueState:
    return DialogueState(last=last, focus=fc.Focus(**focus).to_dict() if focus else None)


def resolve(text, focus=None, last=None):
    return fc.resolve(text, lower_text(text), focus or fc.Focus(), last, LGAS)


LIST_ZARIA = {"tool": "list_wards", "params": {"lga": "Zaria", "n": 5}}


# --- the same request for another LGA -----------------------------------------------------

def test_and_another_lga_repeats_the_last_list_for_it():
    for text in ("and for Fagge?", "and Fagge", "what about Fagge?", "same for fagge"):
        r = resolve(text, last=LIST_ZARIA)
        assert r is not None and r.step == {"tool": "list_wards",
                                            "params": {"lga": "Fagge", "n": 5}}, text
        assert "Fagge" in r.note and "Zaria" in r.note


def test_same_for_another_lga_by_pca_changes_the_method_too():
    r = resolve("same for Nguru but using the PCA ranking", last=LIST_ZARIA)
    assert r.step["params"] == {"lga": "Nguru", "n": 5, "method": "pca"}
    assert "PCA" in r.note


def test_an_lga_code_replaces_the_last_lga():
    r = resolve("and in 20010?", last={"tool": "list_wards",
                                       "params": {"lga_code": "20014", "n": 4}})
    assert r.step["params"] == {"lga_code": "20010", "n": 4}


def test_a_follow_up_with_more_than_an_lga_is_read_on_its_own():
    assert resolve("and Fagge with 2 million nets", last=LIST_ZARIA) is None
    assert resolve("and which one is last?", last=LIST_ZARIA) is None


def test_no_lga_request_before_means_no_repetition():
    assert resolve("and Fagge?", last={"tool": "plan_itn", "params": PLAN}) is None
    assert resolve("and Fagge?") is None


def test_after_a_new_plan_the_last_plan_question_on_an_lga_is_repeated():
    question = {"tool": "ask_results", "params": {"about": "plan_lga", "lga": "Zaria"}}
    f = fc.Focus(request=LIST_ZARIA, plan_request=question)
    r = resolve("and Zaria now?", focus=f, last={"tool": "plan_itn", "params": PLAN})
    assert r.step == question
    assert "same question" in r.note


def test_a_plan_question_for_another_lga_runs_through_decide_with_an_echo():
    question = {"tool": "ask_results", "params": {"about": "plan_lga", "lga": "Zaria"}}
    d = decide("and Fagge", ctx(last_plan=PLAN), state(last=question), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "plan_lga", "lga": "Fagge"})]
    assert "as for Zaria" in d.steps[0].echo


# --- same LGA, our LGA, an LGA code given as an answer ------------------------------------

def test_same_lga_uses_the_last_lga():
    d = decide("bottom 3 same lga", ctx(), state(lga="Zaria"), FACTS)
    assert len(d.steps) == 1 and d.steps[0].tool in ("list_wards", "top_wards")
    assert d.steps[0].params.get("lga") == "Zaria" and d.steps[0].params.get("n") == 3
    assert d.steps[0].params.get("order") == "bottom"
    assert any("Zaria" in n for n in d.notes)


def test_same_lga_without_an_earlier_lga_asks():
    d = decide("bottom 3 same lga", ctx(), state(), FACTS)
    assert not d.steps and "Which LGA" in d.text


def test_the_users_own_lga_is_read_from_what_they_said():
    assert fc.own_lga_said("I'm the focal person for Zaria. how do our wards rank?",
                           LGAS) == ("Zaria", None)
    assert fc.own_lga_said("I cover LGA 20012. List our wards", LGAS) == (None, "20012")
    assert fc.own_lga_said("I'm in Kano Municipal. give me all our wards", LGAS) == (
        "Kano Municipal", None)
    assert fc.own_lga_said("top 5 wards in Zaria", LGAS) == (None, None)


def test_our_wards_are_the_wards_of_the_users_lga():
    d = decide("show me our bottom 5 wards", ctx(), state(own_lga="Zaria"), FACTS)
    step = d.steps[0]
    assert step.params.get("lga") == "Zaria" and step.params.get("n") == 5
    assert step.params.get("order") == "bottom"
    assert any("your LGA" in n for n in d.notes)


def test_our_lga_said_in_the_same_message_is_used():
    r = resolve("I'm the focal person for Zaria. How do our wards rank?")
    assert r.text is not None and r.text.endswith("in Zaria")
    assert "our" not in r.text.split()


def test_our_lga_given_as_a_code():
    r = resolve("which one is the least vulnerable of ours", focus=fc.Focus(own_code="20012"))
    assert r.text.endswith("in LGA 20012")


def test_our_wards_without_a_known_lga_asks():
    d = decide("show me our bottom 5 wards", ctx(), state(), FACTS)
    assert not d.steps and "Which LGA is yours" in d.text


def test_a_message_naming_an_lga_is_not_read_as_ours():
    assert resolve("how many of our wards are in Fagge?", focus=fc.Focus(own_lga="Zaria")) \
        is None


def test_a_code_answering_which_lga_reruns_the_request_that_named_it():
    f = fc.Focus(unresolved="top 5 wards in nassarawa lga")
    for text in ("it's 20037", "d code na 20037", "20037"):
        r = resolve(text, focus=f)
        assert r is not None and r.text == "top 5 wards in LGA 20037", text
    assert resolve("it's 20037") is None  # nothing was asked: read on its own


# --- the ward the talk is about -----------------------------------------------------------

def test_its_refers_to_the_last_ward():
    f = fc.Focus(ward="Zango")
    assert resolve("its rank?", focus=f).text == "the rank of Zango?"
    assert resolve("what is its population", focus=f).text == "what is the population of Zango"
    assert resolve("why is it first", focus=f).text == "why is Zango first"


def test_its_keeps_the_lga_of_a_shared_ward_name():
    f = fc.Focus(ward="Sabon Gari", ward_lga="Fagge")
    assert resolve("its rank?", focus=f).text == "the rank of Sabon Gari in Fagge?"


def test_its_without_a_ward_asks():
    r = resolve("its rank?")
    assert r.ask and "Which ward" in r.ask


def test_a_long_message_with_its_is_read_on_its_own():
    assert resolve("plan 500k nets and tell me its coverage for every LGA in the state",
                   focus=fc.Focus(ward="Zango")) is None


def test_its_population_looks_up_the_ward_value():
    d = decide("what is its population", ctx(variables=DEMO_VARIABLES + ("Population",)),
               state(ward="Zango"), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ward_value", {"ward": "Zango", "variable": "Population"})]


# --- keeping the focus --------------------------------------------------------------------

def test_the_focus_follows_the_steps_and_the_message():
    f = fc.update(fc.Focus(), "pop of Zango", [Step("ward_value", {"ward": "Zango",
                                                                   "variable": "Population"})],
                  LGAS, NORTH_WARDS)
    assert f.ward == "Zango"
    f = fc.update(f, "top 5 in Zaria", [Step("list_wards", {"lga": "Zaria", "n": 5})], LGAS)
    assert f.lga == "Zaria" and f.request == {"tool": "list_wards",
                                              "params": {"lga": "Zaria", "n": 5}}
    f = fc.update(f, "I cover LGA 20012", [], LGAS)
    assert f.own_code == "20012" and f.lga_code == "20012"
    f = fc.update(f, "and Fagge", [Step("list_wards", {"lga": "Fagge"})], LGAS)
    assert f.own_code == "20012" and f.lga == "Fagge"  # the user's LGA is kept
    f = fc.update(f, "top 5 wards in kumbotso lga", [], LGAS)
    assert f.unresolved == "top 5 wards in kumbotso lga"
    assert fc.Focus.of(f.to_dict()) == f


def test_the_one_ward_an_answer_names_becomes_the_focus():
    table = [{"WardName": "Zango", "LGA": "Kano Municipal"},
             {"WardName": "Dambo", "LGA": "Zaria"}]
    f = fc.after_answer(fc.Focus(), "which ward is number one?", {"table": table})
    assert (f.ward, f.ward_lga) == ("Zango", "Kano Municipal")
    f = fc.after_answer(fc.Focus(), "top 10 wards", {"table": table})
    assert f.ward is None  # a list of several names no one ward
    f = fc.after_answer(fc.Focus(), "x", {"ward": {"WardName": "Dambo", "LGA": "Zaria"}})
    assert f.ward == "Dambo"


def test_the_focus_is_kept_in_the_stored_dialogue_state():
    s = DialogueState(focus=fc.Focus(ward="Zango", own_lga="Zaria").to_dict())
    again = DialogueState.of(s.to_dict())
    assert fc.Focus.of(again.focus).own_lga == "Zaria"
    assert DialogueState.of({}).focus is None


def test_how_many_now_asks_the_last_count_again_on_the_new_result():
    f = fc.Focus(question={"tool": "ask_results",
                           "params": {"about": "repri_count", "threshold": 50}})
    redo = {"tool": "reprioritize_urban", "params": {"thresholds": [75], "target_share": 25}}
    r = resolve("how many now", focus=f, last=redo)
    assert r.step == {"tool": "ask_results", "params": {"about": "repri_count", "threshold": 75}}
    assert "same question" in r.note
    # several thresholds: no one count to give
    assert resolve("how many now", focus=f, last={"tool": "reprioritize_urban", "params": {
        "thresholds": [50, 75]}}) is None
    # a plan change: the plan question again
    q = fc.Focus(question={"tool": "ask_results", "params": {"about": "plan_totals"}})
    r = resolve("so how many now?", focus=q, last={"tool": "plan_itn", "params": PLAN})
    assert r.step == {"tool": "ask_results", "params": {"about": "plan_totals"}}
    # nothing asked before, or nothing changed since: read on its own
    assert resolve("how many now", last=redo) is None
    assert resolve("how many now", focus=f, last=f.question) is None
