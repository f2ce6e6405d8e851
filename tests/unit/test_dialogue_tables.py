"""Requests a ward table cannot support: net plans and urban reprioritisation without a
population (declined before anything runs), LGAs by name on tables that hold LGA codes only
(the code asked for, the codes offered, the code given next completing the request), PCA
results where PCA did not suit the data, and TPR requests in the words of field staff."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat import extract as ex
from chatmrpt.chat import tables
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext

KANO_VARIABLES = ("total", "nets_per_capita", "settlement_type_poor", "distance_to_water_bodies",
                  "test_positivity_rate", "enhanced_vegetation_index", "housing_quality",
                  "dumpsites", "rainfall")
KANO_WARDS = (("Zango", None), ("Dala", None), ("Fagge A", None), ("Fagge B", None),
              ("Tarauni", None), ("Gobirawa", None), ("Dorayi", None), ("Akanbi 5", None))
CODES = ("20001", "20012", "20024", "20030", "20037", "20043")
KANO = Facts(analysis_variables=("test_positivity_rate", "rainfall"), lgas=(), ward_count=66,
             population=False, urban_share=False, lga_codes=CODES)
KANO_NO_ANALYSIS = Facts(population=False, urban_share=False)


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": KANO_VARIABLES, "wards": KANO_WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def run(text, c=None, state=None, facts=KANO):
    return decide(text, c or ctx(), state or DialogueState(), facts)


def acts(d) -> bool:
    return any(s.tool in dm.GATE_FAMILY for s in d.steps)


# --- no population: declined before anything runs --------------------------------------------


@pytest.mark.parametrize("text", [
    "Quick one, plan 120k nets for Ilorin, hh 5.",
    "make plan 200k nets hh 6",
    "then plan for the top 10 only",
    "plan 80k nets for those ones",
    "Would 50,000 nets be enough for those wards?",
    "how many nets kano go need if we get 500k hh 5",
    "Please allocate 50,000 nets across all 66 wards anyway, 5 per household.",
    "distribute 90k nets to the high wards abeg",
    "do reprioritization for the urban wards",
    "can we de-prioritise the urban wards in 24008?",
    "ITN plan pls",
    "what if we used 6 per household?",
    "use a household size of 6",
    "bales of 50 for the plan",
])
@pytest.mark.parametrize("analysed", [True, False])
def test_a_plan_without_population_is_declined_before_anything_runs(text, analysed):
    c = ctx() if analysed else ctx(analysis_status=None)
    d = run(text, c, facts=KANO if analysed else KANO_NO_ANALYSIS)
    # declined in words, or answered by what the data lacks for planning (nothing changes)
    assert [s.tool for s in d.steps] in ([], ["planning_data"]) and not d.unmet, d.steps
    if not d.steps:
        assert "population" in d.text.lower() and "Population column" in d.text
    assert d.pending is None


@pytest.mark.parametrize("text", [
    "Show me the nets per capita map.",
    "map of nets_per_capita",
    "top 10 wards",
    "what does the ITN plan strategy mean?",
    "which wards need nets most?",
])
def test_requests_that_need_no_population_are_not_declined(text):
    d = run(text)
    assert not (d.reading or {}).get("refused"), d.text


def test_a_plan_with_population_is_not_declined():
    with_pop = Facts(analysis_variables=("u5_tpr_rdt",), population=True)
    d = run("plan 200,000 nets, household size 5", ctx(variables=("u5_tpr_rdt", "Population")),
            facts=with_pop)
    assert [s.tool for s in d.steps] == ["plan_itn"]


def test_without_a_record_the_columns_say_whether_there_is_a_population():
    assert tables.lacks_population(ctx(), Facts())
    assert not tables.lacks_population(ctx(variables=("u5_tpr_rdt", "Population")), Facts())


# --- LGA codes on a table without LGA names ----------------------------------------------------


@pytest.mark.parametrize("text,params", [
    ("top 5 wards in LGA 24008".replace("24008", "20043"), {"n": 5, "lga_code": "20043"}),
    ("ok then just rank. top 5 in 20012", {"n": 5, "lga_code": "20012"}),
    ("which is the top ward in 20037?", {"n": 1, "lga_code": "20037"}),
    ("Which ward is ranked last within 20030?", {"n": 1, "order": "bottom",
                                                  "lga_code": "20030"}),
    ("Nassarawa is 20037 in your table. give me the top 5", {"n": 5, "lga_code": "20037"}),
    ("bottom five wards for 20001", {"n": 5, "order": "bottom", "lga_code": "20001"}),
    ("I cover LGA code 20043. List all the wards there by rank", {"lga_code": "20043"}),
])
def test_a_ward_list_by_lga_code(text, params):
    d = run(text)
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards", params)], d.text


@pytest.mark.parametrize("text", [
    "wards in Fagge",
    "ilorin west wards abeg",
    "top 3 wards of Tarauni LGA",
    "List the wards of Nassarawa LGA for me.",
    "what about kano municipal",
])
def test_an_lga_name_asks_for_the_code_with_the_codes_as_choices(text):
    last = {"tool": "list_wards", "params": {"n": 5, "lga_code": "20012"}}
    d = run(text, state=DialogueState(last=last))
    assert not d.steps and "?" in d.text
    assert d.pending and d.pending["expects"] == "lga_code"
    assert [c["params"]["lga_code"] for c in d.choices] == list(CODES)
    for c in d.choices:  # each one-tap choice reads back as the same request
        again = run(c["label"])
        assert [(s.tool, s.params) for s in again.steps] == [("list_wards", c["params"])]


@pytest.mark.parametrize("answer", ["20030", "d code na 20030", "use 20030", "use code 20030",
                                    "Let us take code 20030 instead.",
                                    "Sorry, I should have said LGA code 20030.",
                                    "Fagge is code 20030 in our system."])
def test_the_code_given_next_completes_the_request(answer):
    asked = run("Then show me the top 3 wards of Fagge LGA.")
    d = run(answer, state=DialogueState(pending=asked.pending))
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards",
                                                      {"n": 3, "lga_code": "20030"})]


@pytest.mark.parametrize("text", ["plan 20030 nets", "export the map of 20030 as png"])
def test_a_code_with_another_request_is_no_answer_to_the_lga_question(text):
    asked = run("wards in Fagge")
    d = run(text, state=DialogueState(pending=asked.pending))
    assert not any(s.tool == "list_wards" for s in d.steps)


def test_before_any_analysis_the_code_answer_runs_the_analysis_first():
    c = ctx(analysis_status=None)
    asked = run("wards in Fagge", c, facts=KANO_NO_ANALYSIS)
    assert asked.pending and asked.pending["expects"] == "lga_code" and not asked.choices
    d = run("20030", c, state=DialogueState(pending=asked.pending), facts=KANO_NO_ANALYSIS)
    assert [(s.tool, s.params) for s in d.steps] == [("run_analysis", {}),
                                                     ("list_wards", {"lga_code": "20030"})]
    assert d.steps[0].echo == dm.ANALYSE_FIRST


def test_not_knowing_the_code_drops_the_question_and_does_the_rest():
    asked = run("top wards in Ilorin West")
    d = run("I don't know the code, forget it. show the category map",
            state=DialogueState(pending=asked.pending))
    assert [(s.tool, s.params) for s in d.steps] == [("show_map", {"what": "category"})]


def test_them_and_there_refer_to_the_last_lga_code():
    last = DialogueState(last={"tool": "list_wards", "params": {"lga_code": "20037"}})
    d = run("how many high risk in there", state=last)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "ward_counts", "lga_code": "20037", "category": "High"})]
    d = run("only top 3 of those ones", state=last)
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards",
                                                      {"n": 3, "lga_code": "20037"})]


@pytest.mark.parametrize("text", ["The table shows 6 LGA codes. How many wards fall under code 20043?",
                                  "how many wards in 20043", "number of wards for LGA 20043?"])
def test_the_wards_of_one_code_are_counted_and_then_referred_to(text):
    d = run(text)
    assert [(s.tool, s.params) for s in d.steps] == [
        ("ask_results", {"about": "ward_counts", "lga_code": "20043"})]
    after = DialogueState(last={"tool": "ask_results", "params": d.steps[0].params})
    d = run("Please list them in order of risk.", state=after)
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards", {"lga_code": "20043"})]


@pytest.mark.parametrize("text", ["How many LGA codes are in the table?",
                                  "how many nets for 20043?"])
def test_other_counts_are_no_code_count(text):
    d = run(text)
    assert not any(s.params.get("about") == "ward_counts" for s in d.steps)


def test_what_a_code_is():
    d = run("wetin be 20037 for the table")
    assert not d.steps and "LGA code" in d.text
    d = run("what is 99999 in this table?")
    assert not d.steps and "not one of the LGA codes" in d.text


@pytest.mark.parametrize("text", ["top 10 wards", "top 10 risk wards for all kano",
                                  "wards in Kano", "which wards are high priority?"])
def test_the_whole_area_is_no_lga_name(text):
    d = run(text)
    assert (d.pending or {}).get("expects") != "lga_code", d.text


def test_a_table_with_lga_names_is_left_to_the_lga_readings():
    named = Facts(analysis_variables=("u5_tpr_rdt",), lgas=("Fagge", "Dala"), population=True,
                  lga_codes=CODES)
    d = run("wards in Fagge", facts=named)
    assert [(s.tool, s.params) for s in d.steps] == [("list_wards", {"lga": "Fagge"})]


# --- PCA where it did not suit the data --------------------------------------------------------


NO_PCA = Facts(analysis_variables=("tpr_u5_new", "distance", "val_housing_15"), lgas=(),
               population=False, lga_codes=("24006", "24007", "24008"),
               pca_reason="KMO is 0.355; PCA needs at least 0.5")


@pytest.mark.parametrize("text", ["rank them by pca", "use the pca method instead",
                                  "pca top 5", "show the P C A ranking",
                                  "switch to principal components"])
def test_pca_results_where_pca_did_not_suit_are_explained_not_run(text):
    d = run(text, facts=NO_PCA)
    assert not d.steps and "KMO is 0.355" in d.text and "nothing was run" in d.text


@pytest.mark.parametrize("text", ["is pca ok now? kmo?", "why was PCA not used?"])
def test_questions_about_pca_validity_are_not_declined(text):
    d = run(text, facts=NO_PCA)
    assert not (d.reading or {}).get("refused")


def test_pca_asked_with_new_variables_is_no_pca_refusal():
    d = run("add meanEVI and rank by pca", facts=NO_PCA)
    assert not (d.reading or {}).get("refused")


def test_the_no_pca_text_names_the_reason():
    text = tables.no_pca_text({"summary": {"pca_reason": "KMO is 0.443; PCA needs 0.5"}})
    assert "KMO is 0.443" in text and "composite" in text
    assert "did not suit" in tables.no_pca_text({})


# --- TPR in field staff's words -----------------------------------------------------------------


@pytest.mark.parametrize("text,params", [
    ("tpr for under five", {"age": "u5"}),
    ("test positivity rdt only", {"test": "rdt"}),
    ("all ages at primary facilities", {"age": "all", "facility_level": "primary"}),
    ("now for everyone five and above, both tests, primary facilities only",
     {"age": "o5", "test": "both", "facility_level": "primary"}),
    ("tpr 5 years and older, mRDT", {"age": "o5", "test": "rdt"}),
    ("tpr for d pikin dem", {"age": "u5"}),
    ("pregnant women, microscopy, every facility level",
     {"age": "pw", "test": "microscopy", "facility_level": "all"}),
])
def test_tpr_choices_in_field_words(text, params):
    found = {k: ex.find_choice(k, text) for k in ("age", "test", "facility_level")}
    assert {k: v for k, v in found.items() if v} == params


def test_five_in_an_age_group_is_no_stray_number():
    c = ctx(has_facility_data=True, variables=("u5_tpr_rdt", "Population"))
    d = decide("now for everyone five and above, both tests, primary facilities only", c,
               DialogueState(last={"tool": "compute_tpr", "params": {"age": "u5"}}),
               Facts(population=True))
    assert [(s.tool, s.params) for s in d.steps] == [
        ("compute_tpr", {"age": "o5", "test": "both", "facility_level": "primary"})]


def test_tpr_without_a_facility_export_says_what_is_needed():
    d = decide("run tpr for under five rdt only", ctx(variables=("u5_tpr_rdt", "Population")),
               DialogueState(), Facts(population=True))
    assert not d.steps and d.unmet == ["facility_data"]
    assert d.reading["params"] == {"age": "u5", "test": "rdt"}
    text = tables.facility_export_needed(d.reading["params"], "run tpr for under five rdt only")
    assert "children under five, RDT only, all facility levels" in text
    assert "facility export" in text and "nothing was run" in text
    asked = tables.facility_export_needed({}, "wetin facility level mean for this tpr")
    assert "primary" in asked and "nothing was run" in asked


@pytest.mark.parametrize("text", ["wards in fagge", "list the wards in tarauni", "top 3 in fage",
                                  "show me wards for nassarawa"])
def test_a_list_naming_a_place_the_table_cannot_place_asks_instead_of_listing_everything(text):
    d = run(text)
    assert d.pending and d.pending["expects"] == "lga_code", d.text
    if d.steps:  # "tarauni" is also a ward of the table: its rank, the codes still asked
        assert [(s.tool, s.params) for s in d.steps] == [("explain_ward", {"ward": "Tarauni"})]
        assert any("LGA called Tarauni" in n for n in d.not_done)
        return
    assert "nothing was listed" in d.text


@pytest.mark.parametrize("text", ["top 10 wards in the state", "top 5 wards", "top ten wards",
                                  "top 10 wards for the meeting", "bottom 3 wards by pca"])
def test_a_list_of_the_whole_area_is_still_listed(text):
    assert [s.tool for s in run(text).steps] == ["top_wards"]


def test_a_question_about_the_last_ward_is_no_place():
    assert (run("wich ward is last").pending or {}).get("expects") != "lga_code"


# --- a ward named like an LGA: the LGA it most likely is, or the ward -----------------------


@pytest.mark.parametrize("text,params", [
    ("wards in Dala", {}),
    ("top 5 wards in Dala", {"n": 5}),
    ("high wards in dala", {"category": "High"}),
])
def test_a_ward_named_as_a_list_place_offers_its_own_lga_first_then_the_ward(text, params):
    """Dala is a ward (of LGA 20024) and the name of the LGA it lies in: a list of wards
    asks for an area, so the wards of LGA 20024 come first, the ward's rank second, and each
    tap does exactly what it says."""
    from dataclasses import replace

    from tests.unit.test_g_tools import assert_round_trip

    facts = replace(KANO, ward_lga_codes=(("Dala", "20024"), ("Zango", "20043")))
    d = run(text, facts=facts)
    assert d.steps == [] and "LGA 20024" in d.text and "?" in d.text
    assert [(c["tool"], c["params"]) for c in d.choices[:2]] == [
        ("list_wards", {**params, "lga_code": "20024"}), ("explain_ward", {"ward": "Dala"})]
    assert {c["params"].get("lga_code") for c in d.choices[2:]} == set(CODES) - {"20024"}
    assert_round_trip(d, ctx(), facts, DialogueState())


def test_each_wards_lga_code_is_read_from_the_results_table():
    from chatmrpt.chat.assistant import _lga_codes_from_csv

    data = b"WardName,LGACode,composite_rank\nDala,20024,1\nZango,20043.0,2\nNowhere,,3\n"
    assert _lga_codes_from_csv(data, by_ward=True) == (("Dala", "20024"), ("Zango", "20043"))
    assert _lga_codes_from_csv(data) == ("20024", "20043")
