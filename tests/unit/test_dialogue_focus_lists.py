"""References to LGAs and to the wards just listed: an LGA name given its code ("Ilorin West is
24008 in your table"), the user's own LGA said with a request ("I cover LGA code 20043. List
all the wards there"), questions over the last list ("which of those four has the biggest
population", "how many of them are urban", "show them on a map"), and short follow-ups that
change the last list ("and the low ones in Gakirau", "and bottom 3?")."""

from __future__ import annotations

import pytest

from chatmrpt.chat import focus as fc
from chatmrpt.chat.dialogue import DialogueState, Facts, Step, decide, describe_choice
from chatmrpt.chat.extract import lower_text
from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS
from tests.unit.test_dialogue_focus import ctx, state

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS,
              ward_count=len(NORTH_WARDS))
NO_NAMES = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=(),
                 ward_count=len(NORTH_WARDS))
LISTED = ["Zango (Kano Municipal)", "Dambo (Zaria)", "Hausari (Nguru)", "Bolori I (Maiduguri)"]




def steps(d):
    return [(s.tool, s.params) for s in d.steps]


def echoed(d) -> str:
    return " ".join(list(d.notes) + [s.echo for s in d.steps])


# --- an LGA name given its code -----------------------------------------------------------

@pytest.mark.parametrize("text,name,code", [
    ("Ilorin West is 24008 in your table", "ilorin west", "24008"),
    ("ok, 24008 is Ilorin West. top 3 there", "ilorin west", "24008"),
    ("the code for Ilorin East is 24007", "ilorin east", "24007"),
    ("Kumbotso LGA is code 20043", "kumbotso", "20043"),
    ("fyi 20037 na Nassarawa West", "nassarawa west", "20037"),
    ("Ilorin South's code is 24009. bottom 3", "ilorin south", "24009"),
])
def test_an_lga_name_given_its_code_is_read(text, name, code):
    said = fc.lga_code_said(text, LGAS)
    assert said is not None and said[:2] == (name, code), text


@pytest.mark.parametrize("text", [
    "it is 20037", "the total is 20000", "my budget is 25000", "top 5 in 20043",
    "the population is 12000", "Fagge is 20010",  # a name the data already has
    "plan 20000 nets, household size 5", "what is 24008?",
])
def test_other_numbers_are_not_read_as_an_lga_code(text):
    assert fc.lga_code_said(text, LGAS) is None, text


@pytest.mark.parametrize("text,n", [
    ("Ilorin West is 24008 in your table. give me the top 5", 5),
    ("ok, 24008 is Ilorin West. top 3 there", 3),
    ("24008 = Ilorin West, list all the wards there", None),
])
def test_a_name_given_its_code_with_a_request_runs_it_for_that_code(text, n):
    d = decide(text, ctx(), state(), NO_NAMES)
    assert len(d.steps) == 1 and d.steps[0].tool == "list_wards", text
    params = d.steps[0].params
    assert params.get("lga_code") == "24008" and params.get("n") == n, text
    assert "Ilorin West is LGA 24008" in echoed(d)


def test_a_name_given_its_code_alone_is_noted_and_offers_the_list():
    d = decide("Ilorin West is 24008", ctx(), state(), NO_NAMES)
    assert not d.steps and "Ilorin West is LGA 24008" in d.text
    assert d.suggestions == ["Top 10 wards in LGA 24008"]
    assert describe_choice("list_wards", {"lga_code": "24008", "n": 10}) == d.suggestions[0]


def test_the_code_given_is_kept_and_the_name_read_as_it_later():
    f = fc.update(fc.Focus(), "Ilorin West is 24008 in your table. give me the top 5",
                  [Step("list_wards", {"lga_code": "24008", "n": 5})], ())
    assert f.aliases == {"ilorin west": "24008"}
    assert fc.Focus.of(f.to_dict()) == f
    d = decide("bottom 3 in Ilorin West", ctx(), state(**f.to_dict()), NO_NAMES)
    assert steps(d) == [("list_wards", {"order": "bottom", "n": 3, "lga_code": "24008"})]
    assert "Ilorin West is LGA 24008" in echoed(d)
    d = decide("top 5 wards in ilorin west lga", ctx(), state(**f.to_dict()), NO_NAMES)
    assert steps(d) == [("list_wards", {"n": 5, "lga_code": "24008"})]


def test_the_users_lga_named_before_takes_the_code_given_later():
    f = fc.update(fc.Focus(), "I'm the focal person for Ilorin West. top wards for my LGA?",
                  [], ())
    assert f.own_name == "ilorin west" and not f.own_code
    d = decide("show our top 5 wards", ctx(), state(**f.to_dict()), NO_NAMES)
    assert not d.steps and "code" in d.text  # the code is asked for, nothing listed
    f = fc.update(f, "Ilorin West is 24008", [], ())
    assert f.own_code == "24008"
    d = decide("show our top 5 wards", ctx(), state(**f.to_dict()), NO_NAMES)
    assert steps(d) == [("list_wards", {"n": 5, "lga_code": "24008"})]


# --- the user's own LGA said with a request -----------------------------------------------

@pytest.mark.parametrize("text,params", [
    ("I cover LGA code 20043. List all the wards there by rank", {"lga_code": "20043"}),
    ("I cover LGA 20043, top 5 wards?", {"lga_code": "20043", "n": 5}),
    ("I'm the focal person for Fagge. top 5 wards?", {"lga": "Fagge", "n": 5}),
    ("I am the officer for Zaria. Which wards are high priority?",
     {"lga": "Zaria", "category": "High"}),
    ("i work in nguru. bottom 3 wards pls", {"lga": "Nguru", "n": 3, "order": "bottom"}),
])
def test_a_request_said_with_the_users_lga_is_about_that_lga(text, params):
    d = decide(text, ctx(), state(), FACTS)
    assert len(d.steps) == 1 and d.steps[0].tool == "list_wards", text
    assert {k: v for k, v in d.steps[0].params.items() if k != "order" or v != "top"} == \
        params, text
    assert any("your LGA" in n for n in d.notes), text


def test_a_whole_state_question_said_with_the_users_lga_is_not_narrowed():
    d = decide("I'm the focal person for Fagge. how many wards are in the whole state?",
               ctx(), state(), FACTS)
    assert all(s.params.get("lga") != "Fagge" for s in d.steps)


def test_the_users_lga_said_alone_runs_nothing_new():
    r = fc.resolve("I'm the focal person for Fagge.", lower_text("I'm the focal person for "
                                                                   "Fagge."), fc.Focus(), None,
                   LGAS)
    assert r is None or r.step is None


# --- the wards just listed ----------------------------------------------------------------

def listed_state(**kw):
    return state(listed=LISTED, **kw)


@pytest.mark.parametrize("text,order", [
    ("which of those four has the biggest population", "most"),
    ("which one of them has the highest Population?", "most"),
    ("among these, which has the lowest population", "fewest"),
    ("which of those 4 has the smallest population", "fewest"),
])
def test_which_of_those_compares_the_listed_wards(text, order):
    d = decide(text, ctx(), listed_state(), FACTS)
    assert steps(d) == [("ask_results", {"about": "ward_compare", "wards": LISTED,
                                         "variable": "Population", "order": order})], text
    assert "Among the 4 wards" in echoed(d)


def test_which_of_those_is_the_most_vulnerable_compares_ranks():
    d = decide("which of them is the most vulnerable?", ctx(), listed_state(), FACTS)
    assert steps(d) == [("ask_results", {"about": "ward_compare", "wards": LISTED,
                                         "order": "most"})]


def test_the_last_two_are_the_last_two_of_the_list():
    d = decide("which of the last two has more rainfall", ctx(), listed_state(), FACTS)
    assert steps(d)[0][1]["wards"] == LISTED[-2:]
    d = decide("how many of the first three are high priority", ctx(), listed_state(), FACTS)
    assert steps(d) == [("ask_results", {"about": "ward_counts", "wards": LISTED[:3],
                                         "category": "High"})]


def test_a_count_that_does_not_fit_the_list_asks():
    d = decide("which of those five has the biggest population", ctx(), listed_state(), FACTS)
    assert not d.steps and "4 wards" in d.text


@pytest.mark.parametrize("text", ["how many of those are urban", "how many of them are urban?",
                                  "and how many of these wards are urban"])
def test_how_many_of_those_are_urban_counts_among_them(text):
    d = decide(text, ctx(), listed_state(), FACTS)
    assert steps(d) == [("ask_results", {"about": "ward_counts", "wards": LISTED,
                                         "urban": True})], text


def test_how_many_of_those_are_more_than_a_share_urban():
    d = decide("how many of those are more than 60% urban", ctx(), listed_state(), FACTS)
    assert steps(d) == [("ask_results", {"about": "ward_counts", "wards": LISTED,
                                         "threshold": 60.0})]


def test_show_them_on_a_map_shows_the_map_of_that_set_or_says_what_it_shows():
    d = decide("show them on a map", ctx(), listed_state(
        listed_map={"what": "urban", "threshold": 50}), FACTS)
    assert steps(d) == [("show_map", {"what": "urban", "threshold": 50})]
    d = decide("map them", ctx(), listed_state(), FACTS)
    assert steps(d) == [("show_map", {"what": "composite"})]
    assert "does not single out" in echoed(d)


@pytest.mark.parametrize("text", [
    "which of those four has the biggest population",  # nothing listed yet
    "how many of them are urban",
])
def test_without_a_list_those_is_not_read_as_one(text):
    d = decide(text, ctx(), state(), FACTS)
    assert all(s.params.get("about") != "ward_compare" and "wards" not in s.params
               for s in d.steps)


@pytest.mark.parametrize("text", [
    "export those as excel",  # an export is read on its own
    "why are they ranked so high?",
    "top 5 wards in 20043",
    "what do they mean by composite score",
])
def test_other_messages_with_a_pronoun_are_not_questions_over_the_list(text):
    r = fc.listed_question(text, lower_text(text), fc.Focus(listed=LISTED), DEMO_VARIABLES)
    assert r is None, text


def test_the_wards_of_a_list_or_a_count_are_kept():
    table = [{"WardName": "Zango", "LGA": "Kano Municipal", "composite_rank": 1},
             {"WardName": "Dambo", "LGA": "Zaria", "composite_rank": 2}]
    f = fc.after_answer(fc.Focus(), "top 2", {"table": table})
    assert f.listed == ["Zango (Kano Municipal)", "Dambo (Zaria)"] and f.listed_map is None
    f = fc.after_answer(f, "how many wards are more than 50% urban?", {
        "wards": 1, "listed": ["Zango (Kano Municipal)"],
        "listed_map": {"what": "urban", "threshold": 50}})
    assert f.listed == ["Zango (Kano Municipal)"] and f.listed_map["what"] == "urban"
    f = fc.after_answer(f, "what is the tpr of Zango", {"ward": {"WardName": "Zango"}})
    assert f.listed == ["Zango (Kano Municipal)"]  # an answer about one ward keeps the list


# --- short follow-ups that change the last list -------------------------------------------

LIST_HIGH_ZARIA = {"tool": "list_wards", "params": {"lga": "Zaria", "category": "High"}}


@pytest.mark.parametrize("text,params", [
    ("and the low ones in Fagge", {"lga": "Fagge", "category": "Low"}),
    ("what about the medium ones in Nguru?", {"lga": "Nguru", "category": "Medium"}),
    ("and the low ones?", {"lga": "Zaria", "category": "Low"}),
    ("and bottom 3?", {"lga": "Zaria", "category": "High", "order": "bottom", "n": 3}),
    ("and Fagge", {"lga": "Fagge", "category": "High"}),
])
def test_a_short_follow_up_changes_the_last_list(text, params):
    d = decide(text, ctx(), state(last=LIST_HIGH_ZARIA, lga="Zaria"), FACTS)
    assert steps(d) == [("list_wards", params)], text
    assert echoed(d), text


def test_a_follow_up_with_more_than_list_changes_is_read_on_its_own():
    d = decide("and Fagge with 2 million nets", ctx(), state(last=LIST_HIGH_ZARIA), FACTS)
    assert all(s.tool != "list_wards" for s in d.steps)


@pytest.mark.parametrize("text,listed", [
    ("what is their population", True),
    ("and what are their rainfall values?", True),
    ("which wards had their housing value filled in?", False),  # "their": the wards asked
    ("how many wards have they got in Fagge", False),
])
def test_their_refers_to_the_list_only_when_it_starts_the_question(text, listed):
    r = fc.listed_question(text, lower_text(text), fc.Focus(listed=LISTED), DEMO_VARIABLES)
    assert (r is not None and r.step["params"].get("wards") == LISTED) == listed, text


@pytest.mark.parametrize("text", ["d code na 20037", "di code na 20043", "e na 20010"])
def test_pidgin_code_answers_are_not_names(text):
    assert fc.lga_code_said(text, LGAS) is None, text


@pytest.mark.parametrize("before,text,params", [
    ("Fine. List the wards of Nassarawa LGA for me.", "Nassarawa is code 20037 in our system.",
     {"lga_code": "20037"}),
    ("top 5 wards in nassarawa", "Nassarawa is code 20037", {"lga_code": "20037", "n": 5}),
    ("bottom 3 in Kumbotso LGA", "ok 20043 is Kumbotso", {"lga_code": "20043", "n": 3,
                                                           "order": "bottom"}),
])
def test_a_code_given_after_a_request_it_could_not_answer_answers_it(before, text, params):
    d = decide(text, ctx(), state(unresolved=before), NO_NAMES)
    assert steps(d) == [("list_wards", params)], text
    assert "earlier request" in echoed(d)


def test_a_code_given_after_a_plan_request_does_not_run_the_plan():
    d = decide("Nassarawa is code 20037", ctx(), state(
        unresolved="plan 100k nets for Nassarawa LGA, household size 5"), NO_NAMES)
    assert not d.steps and "Noted" in d.text


# --- parts and sizes of the last list; "in there"; "map am" after a plan -------------------

AFTER_LIST = {"tool": "list_wards", "params": {"lga_code": "20030"}}


@pytest.mark.parametrize("text,part", [
    ("only top 3 of those ones", LISTED[:3]),
    ("the first 2 of them", LISTED[:2]),
    ("just the last two of these", LISTED[-2:]),
    ("bottom 1 of the list", LISTED[-1:]),
])
def test_part_of_the_last_list_is_named_from_it(text, part):
    d = decide(text, ctx(), listed_state(last=AFTER_LIST), FACTS)
    assert not d.steps
    assert all(n in d.text for n in part) and not any(n in d.text for n in LISTED
                                                      if n not in part), text


@pytest.mark.parametrize("text,counted", [
    ("how many is that", True), ("so how many are they?", True),
    ("how many wards are those", True),
    ("how many wards are there", False),  # the data's wards, not the list's
    ("how many wards are in Zaria", False),
])
def test_how_many_is_that_counts_the_last_list(text, counted):
    d = decide(text, ctx(), listed_state(last=AFTER_LIST), FACTS)
    assert (not d.steps and (d.text or "").startswith("4 wards")) == counted, text


def test_how_many_is_that_long_after_a_list_is_not_read_as_the_list():
    d = decide("how many is that", ctx(), listed_state(
        last={"tool": "plan_itn", "params": {"total_nets": 1, "household_size": 5}}), FACTS)
    assert not (d.text or "").startswith("4 wards")


@pytest.mark.parametrize("text,params", [
    ("how many high risk in there", {"about": "ward_counts", "category": "High",
                                     "lga_code": "20037"}),
    ("top 5 wards there", {"n": 5, "lga_code": "20037"}),
    ("list the low ones in that lga", {"category": "Low", "lga_code": "20037"}),
])
def test_in_there_is_the_lga_talked_about(text, params):
    d = decide(text, ctx(), state(lga_code="20037"), NO_NAMES)
    assert len(d.steps) == 1 and {k: v for k, v in d.steps[0].params.items()
                                  if k != "order"} == params, text
    assert "LGA 20037" in echoed(d)


@pytest.mark.parametrize("text", ["how many wards are there", "is there a map of rainfall",
                                  "top 5 wards in there"])
def test_there_without_an_lga_talked_about_is_read_on_its_own(text):
    d = decide(text, ctx(), state(), NO_NAMES)
    assert all(not s.params.get("lga_code") for s in d.steps), text


def test_map_it_after_a_plan_is_the_plan_map():
    plan = {"tool": "plan_itn", "params": {"total_nets": 300_000, "household_size": 5}}
    for text in ("map am", "show it on the map", "ok map it pls"):
        d = decide(text, ctx(last_plan=plan["params"]), state(last=plan), FACTS)
        assert steps(d) == [("show_map", {"what": "itn"})], text
    d = decide("map it", ctx(), state(last={"tool": "top_wards", "params": {"n": 5}}), FACTS)
    assert steps(d) != [("show_map", {"what": "itn"})]


@pytest.mark.parametrize("text", ["can I see it on a map", "let me see that on the map",
                                  "could you show it on a map?"])
def test_seeing_it_on_a_map_after_a_question_about_the_plan_is_the_plan_map(text):
    plan = {"total_nets": 300_000, "household_size": 5}
    asked = {"tool": "ask_results", "params": {"about": "plan_totals"}}
    d = decide(text, ctx(last_plan=plan), state(last=asked), FACTS)
    assert steps(d) == [("show_map", {"what": "itn"})], text
    d = decide(text, ctx(), state(last={"tool": "top_wards", "params": {"n": 5}}), FACTS)
    assert steps(d) != [("show_map", {"what": "itn"})], text
    assert not fc.MAP_IT.match("can i see the rainfall on a map")


@pytest.mark.parametrize("unresolved,last,text,params", [
    ("wards in nassarawa lga", None, "use 20037", {"lga_code": "20037"}),
    ("what about kano municipal", {"tool": "list_wards", "params": {"lga_code": "20012", "n": 5}},
     "use code 20043", {"lga_code": "20043", "n": 5}),
])
def test_a_code_to_use_answers_the_request_that_named_an_unknown_lga(unresolved, last, text,
                                                                    params):
    d = decide(text, ctx(), state(last=last, unresolved=unresolved), NO_NAMES)
    assert steps(d) == [("list_wards", params)], text


def test_an_ellipsis_naming_an_unknown_lga_on_a_table_without_names_is_kept():
    f = fc.update(fc.Focus(), "what about kano municipal", [], ())
    assert f.unresolved == "what about kano municipal"
    f = fc.update(fc.Focus(), "what about 20043", [], ())
    assert f.unresolved is None


# --- pictures with nothing on screen ----------------------------------------------------

@pytest.mark.parametrize("text", ["save as png", "download as picture", "send me the png"])
def test_a_picture_with_no_map_or_chart_shown_asks_which(text):
    d = decide(text, ctx(), state(), FACTS)
    assert not d.steps and d.choices and all(c["params"]["format"] == "png"
                                             for c in d.choices), text


def test_a_picture_of_the_map_shown_or_of_the_map_before_a_chart():
    d = decide("save as png", ctx(), DialogueState(shown={"kind": "map", "what": "itn"}), FACTS)
    assert steps(d) == [("export_view", {"what": "itn", "format": "png"})]
    shown = {"kind": "chart", "what": "rank_comparison",
             "map": {"kind": "map", "what": "consensus"}}
    d = decide("save that map html", ctx(), DialogueState(shown=shown), FACTS)
    assert steps(d) == [("export_view", {"what": "consensus", "format": "html"})]
    d = decide("save as png", ctx(), DialogueState(shown=shown), FACTS)
    assert steps(d) == [("export_view", {"what": "rank_comparison", "format": "png"})]


# --- "list them" after a count; one ward by its place; another code "instead" -------------

def test_list_them_after_a_count_lists_what_was_counted():
    counted = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20043"}}
    for text in ("Please list them in order of risk.", "which ones?", "show me those wards"):
        d = decide(text, ctx(), state(last=counted, listed=["A", "B"]), NO_NAMES)
        assert steps(d) == [("list_wards", {"lga_code": "20043"})], text
    urban = {"tool": "ask_results", "params": {"about": "ward_counts", "threshold": 50}}
    d = decide("list them", ctx(), state(last=urban, listed=["Zango (Kano Municipal)"]), FACTS)
    assert not d.steps and "Zango" in d.text  # no list tool filters by urban share: named


@pytest.mark.parametrize("text,params", [
    ("Which ward is ranked last within 24008?", {"n": 1, "order": "bottom", "lga_code": "24008"}),
    ("which is the top ward in 24007?", {"n": 1, "lga_code": "24007"}),
    ("what is the lowest ranked ward in lga 24006", {"n": 1, "order": "bottom",
                                                     "lga_code": "24006"}),
    ("which wards are top in 24007?", {"lga_code": "24007"}),  # several wards: no one ward
])
def test_one_ward_by_its_place_in_an_lga(text, params):
    d = decide(text, ctx(), state(), NO_NAMES)
    assert len(d.steps) == 1 and d.steps[0].tool == "list_wards", text
    got = {k: v for k, v in d.steps[0].params.items() if not (k == "order" and v == "top")}
    assert got == params, text


@pytest.mark.parametrize("text", ["Let us take code 20030 instead.", "let's try 20030",
                                  "take code 20030 instead"])
def test_another_code_instead_repeats_the_last_list_for_it(text):
    last = {"tool": "list_wards", "params": {"lga_code": "20012", "n": 3}}
    d = decide(text, ctx(), state(last=last), NO_NAMES)
    assert steps(d) == [("list_wards", {"n": 3, "lga_code": "20030"})], text


PLAN = {"total_nets": 300_000, "household_size": 5}


@pytest.mark.parametrize("text,lga", [
    ("nets for Fagge?", "Fagge"), ("coverage % for Zaria LGA", "Zaria"),
    ("how many ppl covered in nguru", "Nguru"), ("nets in Kano Municipal", "Kano Municipal"),
    ("wetin be the nets for geidam", "Geidam"),
])
def test_one_lgas_plan_figures_asked_in_a_few_words(text, lga):
    d = decide(text, ctx(last_plan=PLAN), state(), FACTS)
    assert steps(d) == [("ask_results", {"about": "plan_lga", "lga": lga})], text


@pytest.mark.parametrize("text", [
    "and Dambo in Zaria, how many nets?",  # a ward's figures
    "give Zaria 20000 more nets",  # a change
    "plan nets for Zaria",
    "map nets for Zaria",
])
def test_other_plan_messages_naming_an_lga_are_not_its_figures(text):
    d = decide(text, ctx(last_plan=PLAN), state(), FACTS)
    assert not any(s.params.get("about") == "plan_lga" and s.params.get("lga") == "Zaria"
                   and len(s.params) == 2 for s in d.steps), text


def test_without_a_plan_nets_for_an_lga_is_not_a_plan_question():
    d = decide("nets for Fagge?", ctx(), state(), FACTS)
    assert not any(s.params.get("about") == "plan_lga" for s in d.steps)


@pytest.mark.parametrize("text,lga", [
    ("top 5 waards in zaga wst", "Zaga West"), ("bottom 3 in kuwe sauth", "Kuwe South"),
])
def test_an_lga_typed_with_a_slip_at_the_end_of_a_list_request(text, lga):
    lgas = LGAS + ("Zaga West", "Kuwe South", "Zaga East")
    d = decide(text, ctx(), state(), Facts(lgas=lgas, ward_count=300))
    assert len(d.steps) == 1 and d.steps[0].params.get("lga") == lga, text


@pytest.mark.parametrize("text", ["top 5 wards in total", "list wards in the state",
                                  "top 5 in zaga"])  # too short or two LGAs fit: none taken
def test_no_lga_is_guessed_from_other_endings(text):
    lgas = LGAS + ("Zaga West", "Zaga East")
    d = decide(text, ctx(), state(), Facts(lgas=lgas, ward_count=300))
    assert all(not s.params.get("lga") for s in d.steps), text


def test_map_am_after_a_plan_question_or_export_is_the_plan_map():
    for last in ({"tool": "export_results", "params": {"what": "itn_plan", "format": "csv"}},
                 {"tool": "ask_results", "params": {"about": "plan_lga", "order": "most"}}):
        d = decide("map am", ctx(last_plan=PLAN), state(last=last), FACTS)
        assert steps(d) == [("show_map", {"what": "itn"})]


def test_which_of_them_names_only_the_ward_asked_for():
    d = decide("Which of them is ranked lowest?", ctx(), listed_state(), FACTS)
    assert steps(d) == [("ask_results", {"about": "ward_compare", "wards": LISTED,
                                         "order": "fewest"})]
    assert not any(n.split(" (")[0] in echoed(d) for n in LISTED)


def test_show_them_on_a_map_after_a_count_is_the_map_not_the_list():
    urban = {"tool": "ask_results", "params": {"about": "ward_counts", "threshold": 50}}
    d = decide("show them on a map", ctx(), state(last=urban, listed=["Zango (Kano Municipal)"],
                                                  listed_map={"what": "urban", "threshold": 50}),
               FACTS)
    assert steps(d) == [("show_map", {"what": "urban", "threshold": 50})]


def test_a_count_of_none_keeps_the_wards_shown_before():
    f = fc.after_answer(fc.Focus(listed=LISTED), "how many of them are urban",
                        {"wards": 0, "listed": [], "listed_map": None})
    assert f.listed == LISTED
