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


def test_which_ward_with_a_superlative_in_one_lga_is_one_ward():
    from chatmrpt.chat.tool_slots import _list_params

    for text in ("which ward get highest rank for 20001", "which ward has the highest rank in "
                 "20001", "which ward is most vulnerable in zaria", "what ward get d highest "
                 "score 4 zaria", "which ward is the worst in fagge"):
        assert _list_params(text) == {"n": 1}, text
    for text in ("which ward is the safest in zaria", "which ward is least vulnerable in 20001",
                 "which ward is ranked last within 24008"):
        assert _list_params(text) == {"n": 1, "order": "bottom"}, text


def test_wards_plural_or_another_variable_is_not_one_ward():
    from chatmrpt.chat.tool_slots import _list_params

    for text in ("which wards are most vulnerable in zaria", "list the wards in 20001",
                 "which ward has the highest rainfall in 20001",
                 "which ward has the lowest population in zaria"):
        assert _list_params(text).get("n") != 1, text


def _decide(text, codes=("20001", "20013")):
    from chatmrpt.chat.dialogue import DialogueState, Facts, decide
    from chatmrpt.chat.router import RouterContext
    from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

    facts = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS,
                  ward_count=len(NORTH_WARDS), lga_codes=codes)
    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                      analysis_status="succeeded")
    d = decide(text, c, DialogueState(), facts)
    return [(s.tool, s.params) for s in d.steps]


def test_a_bare_code_of_the_table_lists_that_lga_on_a_table_with_names():
    assert _decide("which ward get highest rank for 20013") == [
        ("list_wards", {"n": 1, "lga_code": "20013"})]
    assert _decide("top ward in 20013") == [("list_wards", {"n": 1, "lga_code": "20013"})]
    assert _decide("top 5 wards in 20001") == [("list_wards", {"n": 5, "lga_code": "20001"})]


def test_a_number_that_is_not_a_code_of_the_table_is_not_read_as_one():
    for text in ("top 5 wards in 30000", "which ward get highest rank for 30000"):
        got = _decide(text)
        assert not any(p.get("lga_code") == "30000" for _, p in got), text


def test_a_list_by_lga_code_before_any_analysis_runs_the_analysis_first():
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, DialogueState, Facts, decide
    from chatmrpt.chat.router import RouterContext
    from tests.unit.chat_corpus import DEMO_VARIABLES, NORTH_WARDS

    c = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS)
    for text in ("list the wards in LGA 20013", "top 5 wards in lga code 20013"):
        d = decide(text, c, DialogueState(), Facts(lgas=LGAS))
        assert [s.tool for s in d.steps] == ["run_analysis", "list_wards"], text
        assert d.steps[0].echo == ANALYSE_FIRST
        assert d.steps[1].params["lga_code"] == "20013", text
    # an analysis still running: nothing is run twice
    busy = RouterContext(has_dataset=True, variables=DEMO_VARIABLES, wards=NORTH_WARDS,
                         analysis_status="running")
    d = decide("list the wards in LGA 20013", busy, DialogueState(), Facts(lgas=LGAS))
    assert "run_analysis" not in [s.tool for s in d.steps]


def test_at_least_is_a_hedge_not_the_bottom_of_the_ranking():
    from chatmrpt.chat.tool_slots import _list_params

    for text, order in (("ok can we at least see the ranking? top 10", "top"),
                        ("at the very least show me the top 3 wards", "top"),
                        ("can we at least see the bottom 5?", "bottom"),
                        ("show the least vulnerable 5 wards", "bottom")):
        assert [(t, p.get("order")) for t, p in _decide(text)] == [("top_wards", order)], text
    assert _list_params("at least list the wards in zaria").get("order") is None
    assert _list_params("the least vulnerable wards in zaria").get("order") == "bottom"


def test_the_same_list_by_the_other_method():
    last = {"tool": "top_wards", "params": {"n": 10, "order": "top"}}
    for text in ("do the same for the PCA one", "same thing with pca", "ok same but using the "
                 "PCA ranking", "same for pca please"):
        r = fc.resolve(text, lower_text(text), fc.Focus(), last, LGAS)
        assert r is not None and r.step == {"tool": "top_wards", "params": {
            "n": 10, "order": "top", "method": "pca"}}, text
    last = {"tool": "list_wards", "params": {"lga": "Zaria", "method": "pca"}}
    text = "same with the composite"
    r = fc.resolve(text, lower_text(text), fc.Focus(), last, LGAS)
    assert r.step == {"tool": "list_wards", "params": {"lga": "Zaria", "method": "composite"}}


def test_the_same_by_method_after_something_else_is_not_a_list():
    text = "do the same for the PCA one"
    for last in (None, {"tool": "plan_itn", "params": {"total_nets": 1000, "household_size": 5}},
                 {"tool": "show_map", "params": {"what": "composite"}}):
        r = fc.resolve(text, lower_text(text), fc.Focus(), last, LGAS)
        assert r is None or r.step is None or r.step["tool"] not in ("top_wards", "list_wards")
    # more than a method switch: read on its own
    last = {"tool": "top_wards", "params": {"n": 10, "order": "top"}}
    text = "do the same for the PCA one and map it"
    assert fc._same_by_method(lower_text(text), last) is None


def test_just_a_number_is_the_list_length():
    assert _decide("and the bottom ones? just 5, on the composite") == [
        ("top_wards", {"n": 5, "order": "bottom", "method": "composite"})]
    got = _decide("only 3 of the top wards please")
    assert got and got[0][1].get("n") == 3


def test_the_last_one_after_the_one_top_ward_is_the_last_ranked_ward():
    from chatmrpt.chat import ordinal

    top1 = {"tool": "top_wards", "params": {"n": 1, "order": "top"}}
    for text in ("and the last one", "the last ward?", "ok and the bottom one"):
        assert ordinal.last_after_rank(lower_text(text), top1) == "which ward comes last?", text
        r = fc.resolve(text, lower_text(text), fc.Focus(listed=["Dambo"]), top1, LGAS)
        assert r is not None and r.text == "which ward comes last?", text
    pca = {"tool": "top_wards", "params": {"n": 1, "order": "top", "method": "pca"}}
    assert ordinal.last_after_rank("and the last one", pca) == "which ward comes last? by pca"


def test_the_last_one_after_a_longer_list_or_one_lga_is_the_last_of_that_list():
    from chatmrpt.chat import ordinal

    for last in ({"tool": "top_wards", "params": {"n": 5, "order": "top"}},
                 {"tool": "list_wards", "params": {"n": 1, "lga": "Zaria"}},
                 {"tool": "top_wards", "params": {"n": 1, "order": "bottom"}}):
        assert ordinal.last_after_rank("and the last one", last) is None


def test_several_groups_narrowed_to_one_is_that_group():
    assert _decide("how many wards are high, medium and low? just the high count") == [
        ("list_wards", {"category": "High"})]
    assert _decide("list the high, medium and low wards, only the low ones") == [
        ("list_wards", {"category": "Low"})]
    # not narrowed: asked which group
    assert _decide("how many wards are high, medium and low?") == []


def test_which_lga_has_most_of_the_wards_just_listed():
    listed = ["Dambo", "Zango", "Hausari"]
    last = {"tool": "list_wards", "params": {"category": "High"}}
    for text, order in (("which LGA code has most of them", "most"),
                        ("which lga has the most of those", "most"),
                        ("what LGA has the fewest of them?", "fewest")):
        r = fc.resolve(text, lower_text(text), fc.Focus(listed=listed), last, LGAS)
        assert r is not None and r.step == {"tool": "ask_results", "params": {
            "about": "lgas", "wards": listed, "order": order}}, text
    # the most vulnerable of them is a ward, not an LGA
    text = "which of them is the most vulnerable"
    r = fc.resolve(text, lower_text(text), fc.Focus(listed=listed), last, LGAS)
    assert r is None or r.step is None or r.step["params"].get("about") != "lgas"


def test_the_lgas_of_named_wards_are_counted_most_first():
    import pandas as pd

    from chatmrpt.chat.executors_more import _lgas_of_wards

    wards = pd.DataFrame({"WardName": ["A", "B", "C", "D"], "LGA": ["X", "Y", "Y", "Z"],
                          "LGACode": ["1", "2", "2", "3"]})
    r = _lgas_of_wards(wards, ["LGA", "LGACode"], {"wards": ["A", "B", "C"]})
    assert r.text.startswith("Among the 3 wards of my last answer, LGA Y (code 2) has the most: 2")
    assert "Z" not in r.text
    r = _lgas_of_wards(wards[["WardName", "LGACode"]], ["LGACode"], {"wards": ["A", "B", "C"]})
    assert "LGA code 2 has the most" in r.text


def test_and_for_the_other_method_right_after_a_list():
    last = {"tool": "list_wards", "params": {"lga": "Zaria", "n": 10}}
    for text in ("and for PCA?", "what about by pca", "and with the pca ranking", "now for pca",
                 "ok and using PCA too"):
        r = fc.resolve(text, lower_text(text), fc.Focus(), last, LGAS)
        assert r is not None and r.step == {"tool": "list_wards", "params": {
            "lga": "Zaria", "n": 10, "method": "pca"}}, text
    # questions about the method, a map, or another tool before: not a list again
    for text in ("and what is PCA?", "and for PCA map?", "and for pca, why?"):
        assert fc._same_by_method(lower_text(text), last) is None, text
    text = "and for PCA?"
    for before in (None, {"tool": "show_map", "params": {"what": "composite"}}):
        assert fc._same_by_method(lower_text(text), before) is None
