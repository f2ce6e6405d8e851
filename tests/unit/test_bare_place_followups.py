"""A bare slice or count ("bottom 3", "the top 2 wards", "how many low") said right after one
LGA's list or count is read in that LGA, with the heading saying so and the whole area one
tap away; said after anything else it stays a whole-area request. "list all of them" right
after one LGA's wards were counted lists those wards."""

from __future__ import annotations

import pytest

from chatmrpt.chat import focus as fc
from chatmrpt.chat import place_follow as pf
from chatmrpt.chat.dialogue import Facts, decide
from chatmrpt.chat.state import Step
from tests.unit.chat_corpus import NORTH_WARDS
from tests.unit.test_dialogue_focus import ctx, state

LGAS = ("Fagge", "Geidam", "Maiduguri", "Nguru", "Zaria", "Nassarawa", "Kano Municipal")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS, ward_count=14)
CODES = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=(), ward_count=14,
              lga_codes=("20001", "20012", "20030", "20037"))
LIST_CODE = {"tool": "list_wards", "params": {"lga_code": "20030"}}
TOP3_CODE = {"tool": "list_wards", "params": {"lga_code": "20030", "n": 3}}
COUNT_LOW = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20030",
                                               "category": "Low"}}
COUNTED = {"tool": "lga_summary", "params": {"lga": "Zaria"}}
COUNTED_CODE = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "20030"}}


def just(last):
    """The dialogue state right after ``last`` answered the message before."""
    focus = fc.update(fc.Focus(), "", [Step(last["tool"], dict(last["params"]))], LGAS)
    return state(last=last, **{k: v for k, v in focus.to_dict().items() if v is not None})


def later(last):
    """The dialogue state when a message without a step came between ``last`` and now."""
    focus = fc.update(fc.Focus(), "", [Step(last["tool"], dict(last["params"]))], LGAS)
    focus = fc.update(focus, "pop of that ward?", [], LGAS)
    return state(last=last, **{k: v for k, v in focus.to_dict().items() if v is not None})


def one_step(text, st, facts=CODES):
    d = decide(text, ctx(), st, facts)
    assert len(d.steps) == 1, (text, d.text)
    return d


# --- the focus knows what the message just before listed or counted -----------------------

def test_the_focus_keeps_the_one_lga_just_listed_or_counted():
    for last, place in ((LIST_CODE, {"lga_code": "20030"}), (COUNTED, {"lga": "Zaria"}),
                        (COUNT_LOW, {"lga_code": "20030"})):
        focus = fc.update(fc.Focus(), "", [Step(last["tool"], dict(last["params"]))], LGAS)
        assert focus.just_placed == place
        assert fc.Focus.of(focus.to_dict()).just_placed == place
        # a message after it that ran nothing, or something else, forgets it
        assert fc.update(focus, "thanks", [], LGAS).just_placed is None
        assert fc.update(focus, "", [Step("top_wards", {"n": 5})], LGAS).just_placed is None


# --- a bare slice right after one LGA's list or count -------------------------------------

@pytest.mark.parametrize("text,order,n", [
    ("bottom 3", "bottom", 3), ("bottom 2", "bottom", 2), ("top 3", "top", 3),
    ("the top 2", "top", 2), ("show me the bottom 5", "bottom", 5),
    ("last 4", "bottom", 4), ("top five", "top", 5), ("ok bottom 3 pls", "bottom", 3),
])
def test_a_bare_slice_right_after_one_lgas_list_keeps_it(text, order, n):
    for last in (LIST_CODE, TOP3_CODE, COUNT_LOW, COUNTED_CODE):
        d = one_step(text, just(last))
        step = d.steps[0]
        assert step.tool == "list_wards", (text, last)
        assert step.params.get("lga_code") == "20030", (text, last)
        assert step.params.get("n") == n and step.params.get("order", "top") == order
        # the LGA kept, not the category of a count before it
        assert "category" not in step.params
        assert "LGA 20030" in step.echo and "whole area" in step.echo
        # the whole area's slice is one tap away
        assert d.choices and d.choices[0]["tool"] == "list_wards"
        assert "lga_code" not in d.choices[0]["params"]
        assert d.choices[0]["params"]["n"] == n


@pytest.mark.parametrize("text", [
    "bottom 3", "top 5 wards",
])
def test_a_bare_slice_after_another_message_is_the_whole_area(text):
    d = decide(text, ctx(), later(LIST_CODE), CODES)
    assert d.steps and not (d.steps[0].params.get("lga_code") or d.steps[0].params.get("lga"))


@pytest.mark.parametrize("text", ["Top 5 wards?", "List the bottom 5 wards.", "the top 2 wards",
                                  "show me the bottom 5 wards", "bottom 3 wards pls"])
def test_a_slice_said_in_full_is_the_whole_area_even_right_after(text):
    # the request restated in full ("top 5 wards?") is the whole area's; "list" is the verb
    # there, not "that list"
    for last in (LIST_CODE, TOP3_CODE, COUNT_LOW, COUNTED_CODE):
        d = decide(text, ctx(), just(last), CODES)
        assert d.steps, (text, last, d.text)
        for s in d.steps:
            assert not (s.params.get("lga_code") or s.params.get("lga")), (text, last, s)
            assert not s.params.get("category"), (text, last, s)


@pytest.mark.parametrize("text", [
    "bottom 3 in the whole area", "top 5 overall", "bottom 5 for the whole state",
    "top 5 now", "top 3 in total",
])
def test_a_slice_naming_another_scope_is_not_kept_in_the_lga(text):
    d = decide(text, ctx(), just(LIST_CODE), CODES)
    for s in d.steps:
        assert not (s.params.get("lga_code") or s.params.get("lga")), (text, s)


def test_bare_is_only_order_number_category_and_plain_words():
    for text in ("bottom 3", "the top 2 wards", "how many low", "how many are high"):
        assert pf.bare(text), text
    for text in ("top 5 now", "bottom 3 overall", "how many low in total", "top 5 by pca",
                 "bottom 3 in Zaria", "how many high wards in the state"):
        assert not pf.bare(text), text


# --- a bare count right after one LGA's list ----------------------------------------------

@pytest.mark.parametrize("text,cat", [
    ("how many low", "Low"), ("how many high?", "High"), ("how many are medium", "Medium"),
    ("how many low wards", "Low"),
])
def test_a_bare_count_right_after_one_lgas_list_counts_in_it(text, cat):
    d = one_step(text, just(LIST_CODE))
    step = d.steps[0]
    assert step.tool == "ask_results"
    assert step.params == {"about": "ward_counts", "lga_code": "20030", "category": cat}
    assert "LGA 20030" in step.echo and "whole area" in step.echo
    assert d.choices and d.choices[0]["params"] == {"category": cat}


@pytest.mark.parametrize("text", [
    "how many high wards in total", "how many low overall", "how many high in the state",
])
def test_a_count_naming_the_whole_area_is_not_kept_in_the_lga(text):
    d = decide(text, ctx(), just(LIST_CODE), CODES)
    for s in d.steps:
        assert not (s.params.get("lga_code") or s.params.get("lga")), (text, s)


def test_a_bare_count_after_another_message_is_the_whole_area():
    d = decide("how many low", ctx(), later(LIST_CODE), CODES)
    assert d.steps and not d.steps[0].params.get("lga_code")


# --- "list all of them" right after one LGA's count ---------------------------------------

@pytest.mark.parametrize("text", [
    "list all of them", "show them all", "list them", "list dem", "show me all of them",
    "ok list all of them please",
])
def test_list_all_of_them_after_one_lgas_count_lists_its_wards(text):
    d = one_step(text, just(COUNTED), FACTS)
    assert d.steps[0].tool == "list_wards"
    assert d.steps[0].params == {"lga": "Zaria"}


def test_list_them_after_a_category_count_keeps_the_category():
    d = one_step("list all of them", just(COUNT_LOW))
    assert d.steps[0].params == {"lga_code": "20030", "category": "Low"}


@pytest.mark.parametrize("text", [
    "list all of them by pca", "list all of them in Fagge", "list all the LGAs",
    "list all wards in the state",
])
def test_other_lists_are_not_the_wards_counted(text):
    assert pf.counted_listed(text, COUNTED, {"just_placed": {"lga": "Zaria"}}) is None


def test_list_all_of_them_needs_the_count_just_before():
    assert pf.counted_listed("list all of them", COUNTED, {"just_placed": None}) is None
    assert pf.counted_listed("list all of them", COUNTED,
                             {"just_placed": {"lga": "Fagge"}}) is None


# --- a top list naming an LGA, with words the list readers do not know ---------------------

CLOSE_WARDS = NORTH_WARDS + (("Zarie", "Nguru"), ("Zarla", "Nguru"), ("Fagga", "Geidam"),
                             ("Fagie", "Geidam"))

@pytest.mark.parametrize("text,method", [
    ("top 5 in Zaria by pca", "pca"), ("top 5 in Zaria again", None),
    ("top 5 in zaria again please", None), ("top 3 in Fagge using pca", "pca"),
])
def test_a_top_list_naming_an_lga_is_never_the_whole_areas(text, method):
    # two wards with names close to the LGA's make the sentence patterns ask which ward
    d = decide(text, ctx(wards=CLOSE_WARDS), state(last={"tool": "run_analysis", "params": {}}),
               FACTS)
    for s in d.steps:  # that LGA's list, or a question: never the whole area's top list
        assert s.tool == "list_wards" and s.params.get("lga") in ("Zaria", "Fagge"), text
        assert s.params.get("method") == method


def test_a_top_list_read_by_the_classifier_keeps_the_lga_named():
    from chatmrpt.chat import dialogue

    for text in ("top 5 in Zaria by pca", "top 5 in Zaria again"):
        d = dialogue._as_label("top_wards", text, text.lower(), ctx(wards=CLOSE_WARDS),
                               state(), FACTS)
        assert d.steps and d.steps[-1].tool == "list_wards", text
        assert d.steps[-1].params.get("lga") == "Zaria"
    d = dialogue._as_label("top_wards", "top 5 again", "top 5 again", ctx(), state(), FACTS)
    assert d.steps[-1].tool == "top_wards" and not d.steps[-1].params.get("lga")


@pytest.mark.parametrize("text", ["top 5 again", "top 5 by pca", "top 5 overall again"])
def test_a_top_list_naming_no_lga_stays_the_whole_area(text):
    d = decide(text, ctx(wards=CLOSE_WARDS), state(last={"tool": "run_analysis", "params": {}}), FACTS)
    for s in d.steps:
        assert not s.params.get("lga"), (text, s)


# --- the user's own LGA given by its code alone ---------------------------------------------

@pytest.mark.parametrize("text", [
    "my LGA is 20030", "our lga na 20030", "my lga code is 20030", "I cover LGA 20030",
    "ok my LGA is 20030.", "I'm in 20030",
])
def test_my_lga_is_a_code_lists_its_wards_and_keeps_it(text):
    step = pf.own_code_alone(text, CODES.lga_codes)
    assert step is not None and step["params"] == {"lga_code": "20030"}, text
    assert "your LGA" in step["note"]
    assert fc.own_lga_said(text, ()) == (None, "20030"), text
    d = one_step(text, state(last={"tool": "run_analysis", "params": {}}))
    assert d.steps[0].tool == "list_wards" and d.steps[0].params == {"lga_code": "20030"}


@pytest.mark.parametrize("text", [
    "my LGA is 20099",  # not a code of the table
    "my LGA is 20030, plan 200000 nets", "my lga is Zaria", "my lga is 20030.5",
    "20030 nets for my lga", "my LGA has 20030 people",
])
def test_not_my_lga_said_by_its_code_alone(text):
    assert pf.own_code_alone(text, CODES.lga_codes) is None, text


def test_my_lga_said_by_name_is_unchanged():
    assert fc.own_lga_said("my lga is Zaria", LGAS) == (None, None)
    assert fc.own_lga_said("I cover Zaria", LGAS) == ("Zaria", None)


# --- a category named after a top list: every ward of it ------------------------------------

@pytest.mark.parametrize("text,lga", [
    ("and the high ones in Fagge?", "Fagge"), ("and the low ones in Fagge", "Fagge"),
    ("and the medium ones in zaria", "Zaria"),
])
def test_a_category_after_a_top_list_lists_all_of_it(text, lga):
    last = {"tool": "list_wards", "params": {"lga": "Zaria", "n": 5}}
    r = fc.resolve(text, text.lower(), fc.Focus(lga="Zaria", request=last), last, LGAS)
    assert r is not None and r.step is not None, text
    assert r.step["params"].get("lga") == lga and "n" not in r.step["params"], text
    assert r.step["params"]["category"] in ("High", "Low", "Medium")


def test_a_category_with_a_length_keeps_the_length():
    last = {"tool": "list_wards", "params": {"lga": "Zaria", "n": 5}}
    text = "and the top 2 high ones in Fagge"
    r = fc.resolve(text, text.lower(), fc.Focus(lga="Zaria", request=last), last, LGAS)
    assert r.step["params"]["n"] == 2 and r.step["params"]["category"] == "High"


# --- the same list again -------------------------------------------------------------------

HIGH_CODE = {"tool": "list_wards", "params": {"lga_code": "20030", "category": "High"}}


def after_rerun(list_step):
    focus = fc.update(fc.Focus(), "", [Step(list_step["tool"], dict(list_step["params"]))], LGAS)
    focus = fc.update(focus, "add rainfall", [Step("run_analysis", {"variables": ["a", "b"]})],
                      LGAS)
    return state(last={"tool": "run_analysis", "params": {}},
                 **{k: v for k, v in focus.to_dict().items() if v is not None})


@pytest.mark.parametrize("text", [
    "same list again", "the same list", "show me the same list again", "ok same list again pls",
    "the last list again", "show that list again", "previous list please",
])
def test_the_same_list_again_repeats_the_last_list_with_its_filters(text):
    d = one_step(text, after_rerun(HIGH_CODE))
    assert d.steps[0].tool == "list_wards"
    assert d.steps[0].params == {"lga_code": "20030", "category": "High"}
    assert "same list" in d.steps[0].echo.lower()


def test_the_same_list_again_after_a_whole_area_list():
    d = one_step("same list again", after_rerun({"tool": "top_wards",
                                                 "params": {"n": 10, "order": "bottom"}}))
    assert d.steps[0].tool == "top_wards" and d.steps[0].params == {"n": 10, "order": "bottom"}


@pytest.mark.parametrize("text", [
    "same list for Fagge", "same list by pca", "export the same list", "the same plan again",
    "same list but only high",
])
def test_other_same_requests_are_not_the_list_again(text):
    assert fc._same_list_again(text.lower(), fc.Focus(last_list=HIGH_CODE)) is None, text


def test_no_list_before_means_no_reading():
    assert fc._same_list_again("same list again", fc.Focus()) is None


# --- "nets remainin?": the word typed with a slip ------------------------------------------

@pytest.mark.parametrize("text,plain", [
    ("nets remainin?", "nets remaining?"), ("remaning nets", "remaining nets"),
    ("how many nets remianing", "how many nets remaining"),
])
def test_remaining_typed_with_a_slip_is_read_plain(text, plain):
    from chatmrpt.chat.normalize import plain_text

    assert plain_text(text) == plain


def test_remaining_nets_typed_with_a_slip_asks_the_plans_totals():
    d = decide("nets remainin?", ctx(last_plan={"total_nets": 350_000, "household_size": 6}),
               state(), FACTS)
    assert d.steps and d.steps[0].tool == "ask_results"
    assert d.steps[0].params == {"about": "plan_totals"}


@pytest.mark.parametrize("text,n", [
    ("top 5 in Zaria again", 5), ("top 5 in Zaria once more", 5), ("Zaria bottom 3 again", 3),
])
def test_a_place_with_a_slice_said_again_is_that_slice(text, n):
    step = pf.place_only(text, LGAS, ())
    assert step is not None and step["params"]["lga"] == "Zaria" and step["params"]["n"] == n


@pytest.mark.parametrize("text", ["top 5 in Zaria once more by pca", "more top 5 in Zaria"])
def test_a_place_with_other_words_is_left_to_the_other_readers(text):
    assert pf.place_only(text, LGAS, ()) is None


@pytest.mark.parametrize("text", ["list its top 5", "their top 5", "list the top 5 there"])
def test_a_slice_pointing_back_keeps_the_lga(text):
    d = one_step(text, just(LIST_CODE))
    assert d.steps[0].tool == "list_wards"
    assert d.steps[0].params.get("lga_code") == "20030" and d.steps[0].params.get("n") == 5


HIGH_IN_CODE = {"tool": "list_wards", "params": {"lga_code": "20030", "category": "High"}}


@pytest.mark.parametrize("text", ["how many dem be", "how many are they", "how many dem",
                                  "how many of them"])
def test_how_many_said_of_the_list_just_shown_counts_it(text):
    d = one_step(text, just(HIGH_IN_CODE))
    assert (d.steps[0].tool, d.steps[0].params) == (
        "ask_results", {"about": "ward_counts", "lga_code": "20030", "category": "High"})


@pytest.mark.parametrize("text", ["how many nets dem get", "how many wards in the state"])
def test_other_counts_after_the_list_are_not_its_count(text):
    d = decide(text, ctx(), just(HIGH_IN_CODE), CODES)
    assert not any(s.params.get("about") == "ward_counts" and s.params.get("lga_code")
                   for s in d.steps)


# --- "Kindly list them for me." right after one LGA's High wards were counted -------------

HIGH_ZARIA = {"tool": "list_wards", "params": {"lga": "Zaria", "category": "High"}}


@pytest.mark.parametrize("text", ["Kindly list them for me.", "can you list them please",
                                  "pls name them for us", "list them out"])
def test_list_them_politely_after_a_category_count_lists_the_wards_counted(text):
    d = one_step(text, just(HIGH_ZARIA), FACTS)
    assert d.steps[0].tool == "list_wards"
    assert d.steps[0].params == {"lga": "Zaria", "category": "High"}


@pytest.mark.parametrize("text", ["list them by population", "kindly list the LGAs for me"])
def test_other_lists_after_a_category_count_are_not_read_as_them(text):
    from chatmrpt.chat.reading import LIST_THEM

    assert LIST_THEM.match(text.lower()) is None


# --- "ok np. show the category map": a courtesy before the request ------------------------

@pytest.mark.parametrize("text", ["ok np. show the category map",
                                  "alright, no problem. show the category map",
                                  "no wahala. show the category map"])
def test_a_courtesy_before_the_request_leaves_the_request(text):
    d = decide(text, ctx(), state(), FACTS)
    assert [(s.tool, s.params) for s in d.steps] == [("show_map", {"what": "category"})]


@pytest.mark.parametrize("text", ["np", "ok np.", "no problem!"])
def test_a_courtesy_alone_does_nothing(text):
    assert not decide(text, ctx(), state(), FACTS).steps
