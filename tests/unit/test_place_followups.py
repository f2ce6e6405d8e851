"""Follow-ups that keep the place of the last ward list or count ("d low ones", "only hig
ones", "how many of them are high", "and the bottom five there", "ok 20012 then" after the
LGA codes were listed), and two wards or two LGAs set side by side ("gambari 1 vs gambari 2
which one worse", "which LGA code has more high wards, 20001 or 20037?")."""

from __future__ import annotations

import pytest

from chatmrpt.chat import place_follow as pf
from chatmrpt.chat import ward_pairs as wp
from chatmrpt.chat.dialogue import Facts, decide
from chatmrpt.chat.extract import lower_text
from chatmrpt.chat.normalize import plain_text
from chatmrpt.chat.slots import CATEGORY
from tests.unit.test_dialogue_focus import ctx, state

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS, ward_count=14)
CODES = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=(), ward_count=14,
              lga_codes=("20001", "20012", "20030", "20037"))
LIST_DORAGAR = {"tool": "list_wards", "params": {"lga": "Zaria"}}
LIST_CODE = {"tool": "list_wards", "params": {"lga_code": "24006"}}
COUNTED = {"tool": "lga_summary", "params": {"lga": "Zaria"}}
TOP5 = {"tool": "list_wards", "params": {"lga": "Zaria", "n": 5}}
WHOLE = {"tool": "top_wards", "params": {"n": 5}}


def narrowed(text, last):
    r = pf.narrowed(lower_text(plain_text(text)), last)
    return None if r is None else r[0]


# --- a category of the LGA just listed ----------------------------------------------------

@pytest.mark.parametrize("text,cat", [
    ("d low ones", "Low"), ("the high ones", "High"), ("only hig ones", "High"),
    ("medim?", "Medium"), ("which ones are in the high class there", "High"),
    ("the low ones there", "Low"), ("sorry i meant only high ones", "High"),
    ("abeg show me the medium ones", "Medium"), ("and the lows?", "Low"),
    ("which of them dey high", "High"), ("ok just the low wards", "Low"),
])
def test_a_category_keeps_the_lga_just_listed(text, cat):
    assert narrowed(text, LIST_DORAGAR) == {"tool": "list_wards",
                                            "params": {"lga": "Zaria", "category": cat}}
    assert narrowed(text, LIST_CODE) == {"tool": "list_wards",
                                         "params": {"lga_code": "24006", "category": cat}}


def test_a_count_of_a_category_keeps_the_lga_just_counted():
    for text in ("how many of them are high", "how many dey high there", "number of low ones"):
        assert narrowed(text, COUNTED) == {"tool": "ask_results", "params": {
            "about": "ward_counts", "lga": "Zaria",
            "category": "High" if "high" in text else "Low"}}, text


@pytest.mark.parametrize("text", [
    "the high ones", "d low ones",  # after a list of the whole area: nothing to keep
])
def test_no_place_before_means_no_reading(text):
    assert narrowed(text, WHOLE) is None
    assert narrowed(text, None) is None


@pytest.mark.parametrize("text", [
    "high ones in Fagge",  # another place
    "not the high ones",  # a refusal
    "the high ones on a map",  # a map
    "plan nets for the high ones",
    "high and low ones",  # two categories
    "the high ones for the whole state",
    "what is the rainfall of the high ones",
])
def test_other_content_is_left_to_the_other_readers(text):
    assert narrowed(text, LIST_DORAGAR) is None


def test_a_slice_there_keeps_the_lga():
    for text in ("and the bottom five there", "bottom 3 of them", "and the top 2",
                 "the last five there"):
        step = narrowed(text, TOP5)
        assert step is not None and step["tool"] == "list_wards", text
        assert step["params"]["lga"] == "Zaria", text
    assert narrowed("and the bottom five there", TOP5)["params"] == {
        "lga": "Zaria", "n": 5, "order": "bottom"}
    # a slice that points at nothing stays a whole-area request
    assert narrowed("bottom five", TOP5) is None
    assert narrowed("top 5 for the whole state", TOP5) is None



def test_a_slice_that_keeps_a_category_says_so_in_its_heading():
    # after "how many high wards in 20012" (2 of them), "the top 5 of them" keeps both:
    # the heading must not promise five wards of the whole LGA
    counted_high = {"tool": "ask_results", "params": {"about": "ward_counts",
                                                      "lga_code": "20012", "category": "High"}}
    step, note = pf.narrowed(lower_text(plain_text("the top 5 of them")), counted_high)
    assert step["params"] == {"lga_code": "20012", "category": "High", "n": 5}
    assert "high priority wards only" in note and "up to 5" in note
    assert not note.startswith("The 5")
    # "list the top 5 wards" says the request in full ("list" is the verb): not kept
    assert pf.narrowed(lower_text(plain_text("list the top 5 wards")), counted_high) is None
    # without a kept category the heading is as before
    assert pf.narrowed("and the top 2", TOP5)[1] == "The 2 most vulnerable wards of Zaria:"

def test_category_words_said_in_the_plural_or_typed_short():
    assert CATEGORY.search("20030 lows").group(1) == "low"
    assert CATEGORY.search("the highs").group(1) == "high"
    assert CATEGORY.search("below 5") is None
    assert CATEGORY.search("highest rank") is None


# --- a code picked from the codes just listed ---------------------------------------------

LISTED_CODES = {"tool": "ask_results", "params": {"about": "lgas"}}


@pytest.mark.parametrize("text", ["ok 20012 then", "20012", "use 20012", "let's take 20012",
                                  "20012 please"])
def test_a_code_after_the_codes_were_listed_is_that_lga(text):
    assert pf.code_picked(lower_text(text), LISTED_CODES, CODES.lga_codes) == {
        "tool": "list_wards", "params": {"lga_code": "20012"}}


def test_a_code_is_not_picked_elsewhere():
    codes = CODES.lga_codes
    assert pf.code_picked("ok 20012 then", WHOLE, codes) is None  # no codes listed before
    assert pf.code_picked("ok 99999 then", LISTED_CODES, codes) is None  # not a code
    assert pf.code_picked("plan 20012 nets", LISTED_CODES, codes) is None
    assert pf.code_picked("20012 and 20030", LISTED_CODES, codes) is None


def test_a_code_picked_is_listed_not_read_as_nets():
    d = decide("ok 20012 then", ctx(wards=(("Fagge A", None),)), state(last=LISTED_CODES), CODES)
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards", {"lga_code": "20012"})]


# --- two wards or two LGAs side by side ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "Kwarbai A vs Kwarbai B which one worse, rank?",
    "Kwarbai A or Kwarbai B, which is more at risk?",
    "kwarbai a and kwarbai b which one dey higher, wetin be im rank",
    "between Bolori I and Bolori II which one is worse off",
    "compare Dambo and Zango, which ranks higher",
])
def test_two_wards_compared_answer_both(text):
    d = wp.compared(text, ctx(), FACTS)
    assert d is not None and len(d.steps) == 1, text
    step = d.steps[0]
    assert step.tool == "ask_results" and step.params["about"] == "ward_compare"
    assert len(step.params["wards"]) == 2 and step.params["order"] == "most"


def test_the_safer_of_two_wards():
    text = "Dambo or Zango, which one is less vulnerable?"
    d = wp.compared(text, ctx(), FACTS)
    assert d is not None and d.steps[0].params["order"] == "fewest"


@pytest.mark.parametrize("text", [
    "rank of Dambo",  # one ward
    "Dambo and Zango on a map",  # a map
    "plan nets for Dambo and Zango",
    "explain Dambo and Zango",
    "which ward is more vulnerable, Sabon Gari or Dambo",  # Sabon Gari: two wards of that name
])
def test_not_a_two_ward_comparison(text):
    assert wp.compared(text, ctx(), FACTS) is None, text


def test_two_lgas_compared_give_both_counts():
    text = "Zaria and Fagge, which one has more wards in the low class? give me the count"
    d = wp.compared(text, ctx(), FACTS)
    assert [s.params for s in d.steps] == [
        {"about": "ward_counts", "lga": "Zaria", "category": "Low"},
        {"about": "ward_counts", "lga": "Fagge", "category": "Low"}]
    text = "which LGA code has more high wards, 20001 or 20037? how many"
    d = wp.compared(text, ctx(), CODES)
    assert [s.params for s in d.steps] == [
        {"about": "ward_counts", "lga_code": "20001", "category": "High"},
        {"about": "ward_counts", "lga_code": "20037", "category": "High"}]


def test_two_lgas_without_a_count_are_not_counted():
    text = "Zaria and Fagge, which one has the highest nets"
    assert wp.compared(text, ctx(), FACTS) is None


# --- one LGA with all its wards or a slice, said short --------------------------------------

@pytest.mark.parametrize("text,want", [
    ("leave that. Jalsha, all of them", {"lga": "Zaria"}),
    ("Zaria, all of them", {"lga": "Zaria"}),
    ("and zaria all the wards", {"lga": "Zaria"}),
    ("what of Zaria, top 3", {"lga": "Zaria", "n": 3}),
    ("what about fagge, bottom five", {"lga": "Fagge", "n": 5, "order": "bottom"}),
])
def test_one_lga_said_short_is_its_list(text, want):
    text = text.replace("Jalsha", "Zaria")
    assert pf.place_only(lower_text(text), LGAS, ()) == {"tool": "list_wards", "params": want}


@pytest.mark.parametrize("text,want", [
    ("and 24007 all of them", {"lga_code": "24007"}),
    ("what of 24007, top 3", {"lga_code": "24007", "n": 3}),
    ("wards in 24006, top 4", {"lga_code": "24006", "n": 4}),
])
def test_one_code_said_short_is_its_list(text, want):
    codes = ("24006", "24007", "24008")
    assert pf.place_only(lower_text(text), (), codes) == {"tool": "list_wards", "params": want}


@pytest.mark.parametrize("text", [
    "Zaria",  # nothing asked
    "Zaria and Fagge, all of them",  # two places
    "plan all nets for Zaria",
    "map all of Zaria",
    "Zaria high ones",  # a category: read by the list readers
    "all of them",  # no place
    "rainfall in Zaria, top 3",
])
def test_not_one_lga_said_short(text):
    assert pf.place_only(lower_text(text), LGAS, ()) is None


def test_a_code_with_a_comma_after_it_is_still_the_code():
    from chatmrpt.chat.dialogue import DialogueState
    from chatmrpt.chat.slots import _code_follow_up

    m = _code_follow_up("wards in 24006, top 4", DialogueState(), CODES)
    assert m is not None and m.group(1) == "24006"
    assert _code_follow_up("plan 24,006 nets", DialogueState(), CODES) is None


# --- the other ward of the same name ----------------------------------------------------

KAWO = (("Kawo", "Kuran"), ("Kawo", "Gantsa"), ("Dambo", "Zaria"))


def test_the_other_one_is_the_ward_of_that_name_in_the_other_lga():
    from chatmrpt.chat.extract import WardRef

    wards = tuple(WardRef.of(w) for w in KAWO)
    last = {"tool": "explain_ward", "params": {"ward": "Kawo", "lga": "Kuran"}}
    for text in ("and the other one", "the other one?", "what about the other one",
                 "and d oda one"):
        assert pf.other_of_same_name(plain_text(text), last, wards) == {
            "tool": "explain_ward", "params": {"ward": "Kawo", "lga": "Gantsa"}}, text
    assert pf.other_of_same_name("the other one is fine", last, wards) is None
    assert pf.other_of_same_name("and the other one", {"tool": "explain_ward", "params": {
        "ward": "Dambo", "lga": "Zaria"}}, wards) is None  # one Dambo only


# --- own LGA and compass sides ------------------------------------------------------------

def test_mapping_or_covering_an_lga_is_the_users_lga():
    from chatmrpt.chat import focus as fc

    for text in ("I'm mapping Zaria. list its wards", "we are covering Zaria LGA. top 3 there",
                 "I am supervising Zaria, show me the wards"):
        assert fc.own_lga_said(text, LGAS)[0] == "Zaria", text


def test_a_compass_side_is_never_read_as_the_whole_area():
    from chatmrpt.chat.tables import REGION

    for name in ("north", "south", "northern part", "north-east", "central zone"):
        assert REGION.fullmatch(name), name
    for name in ("zaria", "northwind", "kano municipal"):
        assert not REGION.fullmatch(name), name


@pytest.mark.parametrize("text", ["which LGA has the most High wards?",
                                  "what lga get the most low ones", "which code has high ones",
                                  "the most high ones", "lgas with high ones"])
def test_a_question_about_the_lgas_is_not_a_filter_of_one(text):
    assert narrowed(text, LIST_DORAGAR) is None


# --- pidgin "dem" and "no wahala" -------------------------------------------------------------

def test_dem_in_pidgin_is_them_not_elevation():
    from chatmrpt.chat.extract import find_variables

    cols = ("elevation", "rainfall", "u5_tpr_rdt")
    for text in ("show me the vulnerability map make i see where dem dey",
                 "list all dem", "dem wey high", "which ones dem dey high"):
        assert [m.column for m in find_variables(text, cols)] == [], text
    for text in ("add dem to the analysis", "map of dem", "dem and rainfall"):
        assert "elevation" in [m.column for m in find_variables(text, cols)], text


def test_no_wahala_is_a_courtesy():
    assert plain_text("ok no wahala. top 5 for the whole ilorin then") == \
        "ok top 5 for the whole ilorin then"
    assert plain_text("no, plan 200k") == "no, plan 200k"


# --- a ward the user works in; its people -------------------------------------------------

def test_a_ward_the_user_works_in_is_not_their_lga():
    from chatmrpt.chat import focus as fc

    assert fc.own_lga_said("I work in Dambo ward in Zaria. is it high risk?", LGAS) == (None, None)
    assert fc.own_lga_said("I work in Zaria. list the wards", LGAS)[0] == "Zaria"


@pytest.mark.parametrize("text", ["how many people live there", "and how many people dey stay there?",
                                  "what's the population there", "wetin be the population for am"])
def test_people_there_after_a_ward_is_that_wards_population(text):
    from chatmrpt.chat import focus as fc

    last = {"tool": "explain_ward", "params": {"ward": "Dambo"}}
    r = fc.resolve(text, lower_text(plain_text(text)), fc.Focus(ward="Dambo", ward_lga="Zaria"),
                   last, LGAS)
    assert r is not None and r.text == "what is the population of Dambo in Zaria", text


def test_people_there_after_an_lga_list_is_not_a_ward():
    from chatmrpt.chat import focus as fc

    text = "how many people live there"
    r = fc.resolve(text, lower_text(text), fc.Focus(lga="Zaria"),
                   {"tool": "list_wards", "params": {"lga": "Zaria"}}, LGAS)
    assert r is None or r.text != "what is the population of Dambo in Zaria"
    text = "how many people live there and what is the rainfall"
    r = fc.resolve(text, lower_text(text), fc.Focus(ward="Dambo", ward_lga="Zaria"),
                   {"tool": "explain_ward", "params": {"ward": "Dambo"}}, LGAS)
    assert r is None or "population of Dambo" not in (r.text or "")


@pytest.mark.parametrize("text", ["top 3 wards in Zaria LGA", "list the wards in zaria"])
def test_before_any_analysis_a_place_runs_the_analysis_first(text):
    """A place said short is a follow-up of ranked results: with none yet, the request is
    read in full and the analysis runs first (the list never fails for want of one)."""
    d = decide(text, ctx(analysis_status=None), state(), FACTS)
    tools = [s.tool for s in d.steps]
    assert tools[0] == "run_analysis" and tools[-1] == "list_wards", (tools, d.text)
    assert d.steps[-1].params.get("lga") == "Zaria"


def test_two_lgas_named_are_read_in_the_order_said_and_never_twice():
    from chatmrpt.chat.slots import find_lga, lgas_named
    assert lgas_named("Kano Municipal or Fagge, which has more high wards", LGAS + ("Kano",)) == [
        "Kano Municipal", "Fagge"]
    assert lgas_named("fagge then zaria", LGAS) == ["Fagge", "Zaria"]
    assert lgas_named("wards in Zariatown", LGAS) == []
    assert find_lga("the wards in kano municipal", LGAS + ("Kano",)) == ("Kano Municipal", None)
    text = "Fagge vs Kano Municipal, which has more low wards? how many"
    d = wp.compared(text, ctx(), Facts(analysis_variables=("rainfall",), lgas=LGAS + ("Kano",),
                                       ward_count=14))
    assert [s.params["lga"] for s in d.steps] == ["Fagge", "Kano Municipal"]


@pytest.mark.parametrize("tok,want", [("12", 12), ("five", 5), ("twenty", 20), ("eleven", 11),
                                      ("fifty", 50), ("five-ish", None), ("a", None)])
def test_one_token_read_as_a_small_number(tok, want):
    from chatmrpt.chat.extract import small_number
    assert small_number(tok) == want


def test_any_reader_that_needs_results_gets_the_analysis_run_first():
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, _analyse_first
    from chatmrpt.chat.state import Decision, Step
    none_yet = ctx(analysis_status=None)
    d = _analyse_first(Decision([Step("lga_summary", {"lga": "Zaria"}, source="x")]), none_yet)
    assert [(s.tool, s.echo) for s in d.steps] == [("run_analysis", ANALYSE_FIRST),
                                                  ("lga_summary", "")]
    # already run before it, not needed, an analysis there already, or a file (own rule)
    for steps, c in (([Step("run_analysis", {}), Step("top_wards", {"n": 5})], none_yet),
                     ([Step("describe_data", {})], none_yet),
                     ([Step("top_wards", {"n": 5})], ctx()),
                     ([Step("top_wards", {"n": 5})], ctx(analysis_status="running")),
                     ([Step("export_results", {"what": "rankings"})], none_yet),
                     ([Step("ask_results", {"about": "lgas"})], none_yet)):
        assert _analyse_first(Decision(list(steps)), c).steps == steps


# --- the other end of a slice of one LGA, as many as just listed ---------------------------

@pytest.mark.parametrize("text", ["the bottom ones?", "and the bottom ones", "d last ones",
                                  "the lowest ones there"])
def test_the_other_end_of_a_slice_keeps_the_lga_and_the_number(text):
    assert narrowed(text, TOP5) == {"tool": "list_wards",
                                    "params": {"lga": "Zaria", "n": 5, "order": "bottom"}}
    code5 = {"tool": "list_wards", "params": {"lga_code": "20043", "n": 5}}
    assert narrowed(text, code5) == {"tool": "list_wards", "params": {
        "lga_code": "20043", "n": 5, "order": "bottom"}}


@pytest.mark.parametrize("text,last", [
    ("the bottom ones?", LIST_DORAGAR),  # no number was listed: nothing to keep
    ("the bottom ones?", WHOLE),  # the whole area: no LGA to keep
    ("the bottom ones on a map", TOP5),
    ("plan nets for the bottom ones", TOP5),
])
def test_the_other_end_without_a_number_or_place_is_left_alone(text, last):
    assert narrowed(text, last) is None
