"""The assistant acts only on a reading it is sure of: a message that says it only asks, that
forbids the change it mentions or puts it off to a later date changes nothing; the plain-words
pass runs once, at the top of the dialogue, for every caller; a state or city name is the whole
table only on a table of that place; "ok ..." is a bare yes only when no request is left in
its words."""

from __future__ import annotations

import pytest

from chatmrpt.chat import normalize
from chatmrpt.chat.dialogue import DialogueState, Facts, check_model_call, decide
from chatmrpt.chat.router import RouterContext
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

PLAN = {"total_nets": 300_000, "household_size": 5, "urban_threshold": 40,
        "method": "composite", "strategy": "stop", "people_per_net": 1.8, "buffer": 1.0,
        "bale_size": 40}
HISTORY = {"ids": ["a"], "params": [PLAN], "at": 0}
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=("Fagge", "Zaria"),
              ward_count=len(NORTH_WARDS))


def ctx(plan=PLAN):
    return RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="succeeded", last_plan=plan)


def run(text, last_tool="what_if_plan"):
    state = DialogueState(last={"tool": last_tool, "params": {}}, plans=HISTORY)
    d = decide(text, ctx(), state, FACTS)
    return [(s.tool, s.params) for s in d.steps], d


# --- a message that says it only asks, forbids the change, or puts it off ------------------


@pytest.mark.parametrize("text", [
    "if the bales held 80 nets, would more wards lose out? just asking, don't change it",
    "if bales were 25 instead would we cover more wards? only curious",
    "just wondering, with 2 million nets would all wards be covered? dont make the plan",
    "im only asking: 5 per household, how many wards would be full? don't touch the plan",
    "a lorry takes 150 bales, how many loads is that? do not change the plan",
    "hypothetically, 600k nets with the threshold at 60, how many wards are left out?",
    "with 450k nets how many wards are fully covered, don't redo anything",
    "in 2028 we expect about 700k nets, I'll get back to you then",
    "what if we got 650k instead? dont touch anything, the team should discuss it first",
    "if bales were 30 would it matter? only wondering",
    "the ministry may send 950,000 nets in 2027, we will let you know",
])
def test_a_message_that_only_asks_changes_nothing(text):
    steps, d = run(text)
    assert not any(t in ("plan_itn", "what_if_plan") for t, _ in steps), (steps, d.text)


@pytest.mark.parametrize("text,params", [
    ("plan with 900k nets instead", {"total_nets": 900_000}),
    ("set the household size to 6", {"household_size": 6}),
    ("don't change the household size, just use 900k nets", {"total_nets": 900_000}),
    ("use 900k nets, we'll see how it goes", {"total_nets": 900_000}),
    ("don't change anything else, just use 900k nets", {"total_nets": 900_000}),
])
def test_an_order_still_acts(text, params):
    steps, d = run(text)
    assert steps and steps[-1][0] in ("plan_itn", "what_if_plan"), (steps, d.text)
    for key, value in params.items():
        assert steps[-1][1][key] == value


def test_a_guarded_change_is_offered_as_one_tap():
    steps, d = run("if the bale size was 80 would we lose wards? just asking, dont change it")
    assert steps == []
    offered = [c for c in d.choices if c.get("steps")]
    assert offered and offered[0]["steps"][-1]["params"].get("bale_size") == 80


# --- the plain-words pass: once, at the top of the dialogue --------------------------------


@pytest.mark.parametrize("text,plain", [
    ("go back 2 d default threshold", "go back to the default threshold"),
    ("return 2 the default urban threshold", "return to the default urban threshold"),
    ("revert 2 its original value", "revert to its original value"),
    ("reset 2 75", "reset to 75"),
    ("send it 2 me", "send it to me"),
    ("plan 2 million nets", "plan 2 million nets"),
    ("top 2 wards", "top 2 wards"),
    ("set 2 wards aside", "set 2 wards aside"),
])
def test_a_two_is_read_as_to_only_between_a_move_and_its_target(text, plain):
    assert normalize.plain_text(text) == plain


@pytest.mark.parametrize("text", [
    "wat be KMO for d P C A", "hw many wards dey high", "go back 2 d default",
    "I T N PLAN TWO FIFTY K", "plan 40o,000 nets 4 me", "ina kwana, sho me d top 10 wards",
])
def test_reading_plain_words_twice_reads_them_once(text):
    once = normalize.plain_text(text)
    assert normalize.plain_text(once) == once


@pytest.mark.parametrize("text,setting", [
    ("go back 2 d default urban threshold", {"urban_threshold": 75}),
    ("return 2 d default threshold", {"urban_threshold": 75}),
    ("threshold back 2 60 pls", {"urban_threshold": 60}),
])
def test_the_dialogue_reads_shorthand_itself(text, setting):
    steps, d = run(text)
    assert steps == [("what_if_plan", setting)], d.text


def test_raw_and_plain_messages_decide_alike():
    for raw in ("go back 2 d default urban threshold", "hw many wards dey high",
                "sho me d top 10 wards"):
        a, _ = run(raw)
        b, _ = run(normalize.plain_text(raw, normalize.text_names(ctx(), FACTS)))
        assert a == b


def test_a_model_call_is_checked_against_the_plain_message():
    state = DialogueState(last={"tool": "what_if_plan", "params": {}}, plans=HISTORY)
    # "two fifty k" is 250,000 in plain words: the model's 250,000 was said
    assert check_model_call("what_if_plan", {"total_nets": 250_000}, "make am two fifty k nets",
                            ctx(), state, FACTS) is None
    assert check_model_call("what_if_plan", {"total_nets": 260_000}, "make am two fifty k nets",
                            ctx(), state, FACTS) is not None


# --- a whole-area name is the whole table only on a table of that area --------------------

NAMELESS = (("Apado", None), ("Adewole", None), ("Agbabiaka", None))
ILORIN_AREA = ("ilorin_variables.csv", "ilorin_wards.zip")
KANO_AREA = ("wards.csv", "wards_boundaries.zip", "Kano")


def listing(text, area, wards=NAMELESS, lgas=()):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=wards,
                      analysis_status="succeeded")
    d = decide(text, c, DialogueState(), Facts(area=area, lgas=lgas, ward_count=len(wards)))
    return [(s.tool, s.params) for s in d.steps], d


@pytest.mark.parametrize("text", ["top 5 wards in Kano", "list the top 10 wards in Lagos",
                                  "which wards in Oyo are highest risk"])
def test_another_place_on_a_table_without_lga_names_is_asked(text):
    steps, d = listing(text, ILORIN_AREA)
    assert steps == []
    assert [c["tool"] for c in d.choices] == ["top_wards"]  # the whole table, one tap


@pytest.mark.parametrize("text", ["top 5 wards in Ilorin", "top 10 wards in Kwara state"])
def test_the_tables_own_area_is_the_whole_table(text):
    steps, _ = listing(text, ILORIN_AREA)
    assert steps and steps[0][0] in ("top_wards", "list_wards")
    assert not steps[0][1].get("lga")


@pytest.mark.parametrize("text", ["top 5 wards in Ilorin", "top 10 wards in Kwara state",
                                  "list the wards in Oyo"])
def test_another_place_on_a_table_with_lga_names_is_asked(text):
    steps, d = listing(text, KANO_AREA, NORTH_WARDS, ("Fagge", "Zaria"))
    assert steps == [] and [c["tool"] for c in d.choices] == ["top_wards"]


@pytest.mark.parametrize("text,lga", [("top 5 wards in Kano", None), ("top 5 wards in Fagge", "Fagge"),
                                      ("top 10 wards for the state", None)])
def test_own_area_and_own_lgas_still_list(text, lga):
    steps, _ = listing(text, KANO_AREA, NORTH_WARDS, ("Fagge", "Zaria"))
    assert steps and steps[0][0] in ("top_wards", "list_wards")
    assert steps[0][1].get("lga") == lga


def test_with_the_area_unknown_a_state_name_is_the_whole_table():
    steps, _ = listing("top 5 wards in Kano", ())
    assert steps and steps[0][0] in ("top_wards", "list_wards")


def test_the_state_of_a_table_is_read_from_its_state_columns():
    from chatmrpt.chat.assistant import _states_of_table

    assert _states_of_table(b"StateCode,WardName\nKN,A\nKN,B\n", "w.csv") == ("Kano",)
    assert _states_of_table(b"State,WardName\nKwara,A\n", "w.csv") == ("Kwara",)
    assert _states_of_table(b"WardName,LGA\nA,B\n", "w.csv") == ()


# --- a bare yes / no: nothing that carries a request is left -------------------------------


@pytest.mark.parametrize("text", ["ok", "yes please", "ok go ahead", "alright, fine",
                                  "yes sir, do it now", "ok great thanks", "okay sounds good"])
def test_yes_words_courtesy_and_filler_are_a_bare_answer(text):
    from chatmrpt.chat.guards import bare_yes_no

    assert bare_yes_no(text, ctx())


@pytest.mark.parametrize("text", ["ok show it on the projector", "ok put it in excel",
                                  "ok the map", "ok png", "ok rainfall too", "yes 6 per house",
                                  "ok compare the two methods", "ok give me the list"])
def test_words_that_carry_a_request_are_not_a_bare_answer(text):
    from chatmrpt.chat.guards import bare_yes_no

    assert not bare_yes_no(text, ctx())


def test_ok_with_a_request_is_read_as_the_request():
    state = DialogueState()
    d = decide("ok show the map of risk", ctx(), state, FACTS)
    assert [s.tool for s in d.steps] == ["show_map"]


# --- a number of something else read as the number of nets --------------------------------


@pytest.mark.parametrize("text", ["we have 120 bales in the store", "we got 120 bales of 50",
                                  "the state has 700,000 households"])
def test_a_count_of_something_else_is_never_the_net_stock(text):
    steps, d = run(text)
    assert not any(t in ("plan_itn", "what_if_plan") for t, _ in steps), (steps, d.text)


def test_the_unit_said_after_the_number_decides():
    from chatmrpt.chat.guards import totals_of_another_unit
    from chatmrpt.chat.state import Step

    def flagged(text, total):
        return totals_of_another_unit(Step("what_if_plan", {"total_nets": total}), text)

    assert flagged("we have 120 bales in the store", 120) == ["120 bales"]
    assert flagged("plan for 2 million people", 2_000_000)
    assert flagged("use 120,000 nets, that is 3000 bales", 120_000) == []
    assert flagged("120 bales and 120 nets loose", 120) == []  # also said as nets
    # the word starts the next value
    assert flagged("plan 300k hh 5", 300_000) == []
    assert flagged("plan 600k households of 5", 600_000) == []
    assert flagged("plan 600k people per net 2", 600_000) == []


def test_the_guards_on_a_plan_total_find_its_number_in_the_same_way():
    from chatmrpt.chat import guards
    from chatmrpt.chat.state import Step

    def numbers(step, text):
        return [n.text.strip() for n in guards._numbers_read_as_total(step, text)[1]]

    plan = Step("plan_itn", {"total_nets": 250_000})
    assert numbers(plan, "redo it with 250k nets, 10% in reserve") == ["250k"]
    assert numbers(plan, "we have 250,000 of them and 300k people") == ["250,000"]
    assert numbers(plan, "plan with 300k") == []
    assert numbers(Step("plan_itn", {"household_size": 5}), "household 5") == []
    assert numbers(Step("top_wards", {"n": 5}), "top 5 wards") == []
    # each guard reads the same numbers: a change, another unit, something else
    assert guards.amounts_read_as_totals(plan, "add another 250k") == ["250k"]
    assert guards.totals_of_another_unit(plan, "we have 250k households") == ["250k households"]
    assert guards.totals_said_of_something_else(plan, "the population is 250k") == [
        "250k as the population"]


# --- a count read as a share by the conversation's context ---------------------------------

REPRI_FACTS = Facts(lgas=("Fagge", "Zaria"), ward_count=len(NORTH_WARDS),
                    last_repri={"target": 30, "thresholds": [30.0], "method": "composite"})
AFTER_REPRI = DialogueState(last={"tool": "ask_results",
                                  "params": {"about": "reprioritization", "threshold": 30}})


@pytest.mark.parametrize("text,tool,params", [
    ("top 5 wards in Zaria", "list_wards", {"lga": "Zaria", "n": 5}),
    ("top 10 wards", "top_wards", {"n": 10}),
])
def test_a_count_of_wards_is_never_a_threshold(text, tool, params):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded")
    d = decide(text, c, AFTER_REPRI, REPRI_FACTS)
    assert [s.tool for s in d.steps] == [tool]
    assert all(d.steps[0].params.get(k) == v for k, v in params.items())
    assert "threshold" not in d.steps[0].params


@pytest.mark.parametrize("text,threshold", [("and at 50?", 50), ("how many at 40%", 40)])
def test_a_share_after_a_reprioritisation_is_still_its_threshold(text, threshold):
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded")
    d = decide(text, c, AFTER_REPRI, REPRI_FACTS)
    assert d.steps and d.steps[0].params.get("threshold") == threshold
