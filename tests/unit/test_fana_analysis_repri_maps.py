"""Analysis, reprioritisation and urban-map follow-ups:

- a variable corrected inside the request ("add rainfal... no, add nets per capita") uses the
  variable meant;
- "the one before" and "back to the defaults" after an analysis change (with a question
  about its result since) are the previous analysis and the default one;
- "back to the defaults" after a reprioritisation change is the reprioritisation at its
  default thresholds and target;
- "bring the target down by 10" moves the target from its current value ("by 10%" is asked);
- "move the threshold up to 80", "a bit lower, 70" after a reprioritisation; "move it up to
  75" after the urban map at 50;
- "drop the water one" when only one variable of the analysis has "water" in its name.
"""
from __future__ import annotations

import pytest

from chatmrpt.chat.assistant import last_with_change
from chatmrpt.chat.dialogue import DialogueState, Facts
from tests.unit.test_dialogue_guards import FACTS, USED, acts, ctx, run

KANO_VARS = ["WardName", "test_positivity_rate", "rainfall", "nets_per_capita",
             "distance_to_water_bodies", "settlement_type_poor", "housing_quality"]
KANO_USED = ("test_positivity_rate", "rainfall")


def kano(used=KANO_USED):
    return ctx(variables=KANO_VARS), Facts(analysis_variables=used, ward_count=66)


def analysis_vars(d):
    [step] = d.steps
    assert step.tool == "run_analysis", (d.text, d.steps)
    return step.params.get("variables")


# --- a variable corrected inside the request ---------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("add rainfal... no, add nets per capita", ["test_positivity_rate", "rainfall",
                                               "nets_per_capita"]),
    ("add housing quality, sorry, nets per capita", ["test_positivity_rate", "rainfall",
                                                     "nets_per_capita"]),
    ("add housing... wait no, add settlement type", ["test_positivity_rate", "rainfall",
                                                     "settlement_type_poor"]),
])
def test_a_variable_corrected_inside_the_request_uses_the_one_meant(text, expected):
    c, facts = kano()
    assert analysis_vars(run(text, c=c, facts=facts)) == expected


def test_a_drop_corrected_inside_the_request_drops_the_one_meant():
    c, facts = kano(("test_positivity_rate", "rainfall", "housing_quality", "nets_per_capita"))
    got = analysis_vars(run("drop housing quality, sorry, nets per capita", c=c, facts=facts))
    assert got == ["test_positivity_rate", "rainfall", "housing_quality"]


@pytest.mark.parametrize("text", [
    "add nets per capita",  # no correction: the plain request
    "add nets per capita and housing quality",
])
def test_requests_without_a_correction_are_read_as_before(text):
    c, facts = kano()
    got = analysis_vars(run(text, c=c, facts=facts))
    assert "nets_per_capita" in got


# --- "the one before", "back to the defaults" after an analysis change ------------------------

HISTORY = {"ids": ["a0", "a1", "a2"],
           "params": [{}, {"variables": ["u5_tpr_rdt", "rainfall", "housing_quality", "ndvi"]},
                      {"variables": ["u5_tpr_rdt", "housing_quality", "ndvi", "evi"]}],
           "used": [list(USED), ["u5_tpr_rdt", "rainfall", "housing_quality", "ndvi"],
                    ["u5_tpr_rdt", "housing_quality", "ndvi", "evi"]],
           "at": 2}
AFTER_QUESTION = DialogueState(last={"tool": "ask_results", "params": {},
                                     "changed": "run_analysis"}, analyses=HISTORY)
ANALYSED = Facts(analysis_variables=("u5_tpr_rdt", "housing_quality", "ndvi", "evi"),
                 lgas=FACTS.lgas, ward_count=FACTS.ward_count)


@pytest.mark.parametrize("text", ["the one before", "the previous one", "ok the one before that",
                                  "the earlier version please"])
def test_the_one_before_after_an_analysis_change_is_the_previous_analysis(text):
    d = run(text, state=AFTER_QUESTION, facts=ANALYSED)
    assert analysis_vars(d) == ["u5_tpr_rdt", "rainfall", "housing_quality", "ndvi"]
    assert acts(d)


@pytest.mark.parametrize("text", ["the one before?", "which was the one before",
                                  "the one before was better, why?"])
def test_a_question_about_the_one_before_runs_nothing(text):
    d = run(text, state=AFTER_QUESTION, facts=ANALYSED)
    assert not any(s.tool == "run_analysis" for s in d.steps) or not acts(d) or d.pending


def test_the_one_before_with_no_change_made_in_the_chat_is_not_guessed():
    d = run("the one before", state=DialogueState(last={"tool": "top_wards", "params": {}}),
            facts=ANALYSED)
    assert not d.steps


def test_back_to_the_defaults_after_an_analysis_change_runs_the_default_analysis():
    d = run("back to the defaults", state=AFTER_QUESTION, facts=ANALYSED)
    [step] = d.steps
    assert step.tool == "run_analysis" and step.params == {}
    assert acts(d) and not d.pending


def test_the_last_change_is_kept_beside_the_last_request():
    last = last_with_change(None, "run_analysis", {})
    last = last_with_change(last, "ask_results", {"about": "rank"})
    assert last == {"tool": "ask_results", "params": {"about": "rank"}, "changed": "run_analysis",
                    "asked": {"tool": "ask_results", "params": {"about": "rank"}}}
    last = last_with_change(last, "plan_itn", {"total_nets": 1})
    assert last["changed"] == "plan_itn"
    assert "changed" not in last_with_change(None, "top_wards", {})


# --- the reprioritisation: defaults, target moved by an amount, threshold moved -------------

REPRI = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
              last_repri={"thresholds": [60.0], "target": 40.0})
AFTER_REPRI = DialogueState(last={"tool": "reprioritize_urban",
                                  "params": {"thresholds": [60.0], "target_share": 40.0},
                                  "changed": "reprioritize_urban"})


def repri(d):
    [step] = d.steps
    assert step.tool == "reprioritize_urban", (d.text, d.steps)
    return step.params.get("target_share"), step.params.get("thresholds")


def test_back_to_the_defaults_after_a_reprioritisation_change():
    d = run("back to the defaults", state=AFTER_REPRI, facts=REPRI)
    assert repri(d) == (30.0, [20.0, 30.0, 50.0, 75.0])
    assert acts(d) and not d.pending


def test_back_to_the_default_variables_after_a_reprioritisation_is_the_analysis():
    d = run("back to the default variables", state=AFTER_REPRI, facts=REPRI)
    assert all(s.tool != "reprioritize_urban" for s in d.steps)


@pytest.mark.parametrize("text,target", [
    ("bring the target down by 10", 30),
    ("lower the target by 10", 30),
    ("raise the target by 5", 45),
    ("push the target up by 5 points", 45),
    ("target 5 points lower", 35),
])
def test_the_target_moved_by_an_amount(text, target):
    d = run(text, state=AFTER_REPRI, facts=REPRI)
    assert repri(d) == (target, [60.0])
    assert acts(d)


def test_the_target_moved_by_a_percent_is_asked():
    d = run("lower the target by 10%", state=AFTER_REPRI, facts=REPRI)
    assert not d.steps and d.pending and "30%" in d.text and "36%" in d.text


@pytest.mark.parametrize("text", [
    "what if we brought the target down by 10?",
    "would lowering the target by 10 change much?",
])
def test_a_question_about_moving_the_target_runs_nothing(text):
    d = run(text, state=AFTER_REPRI, facts=REPRI)
    assert not acts(d) or d.pending or not d.steps


REPRI_SET = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
                  last_repri={"thresholds": [20.0, 30.0, 50.0, 75.0], "target": 30.0})
AFTER_80 = DialogueState(last={"tool": "reprioritize_urban",
                               "params": {"thresholds": [80], "target_share": 30.0}})
REPRI_80 = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count,
                 last_repri={"thresholds": [80.0], "target": 30.0})


@pytest.mark.parametrize("text", ["move the threshold up to 80", "raise the threshold to 80",
                                  "set the urban threshold to 80%"])
def test_the_threshold_moved_after_a_reprioritisation(text):
    d = run(text, state=DialogueState(), facts=REPRI_SET)
    assert repri(d) == (30.0, [80])


@pytest.mark.parametrize("text,value", [("a bit lower, 70", 70), ("lower it to 70", None),
                                        ("slightly lower, 65%", 65)])
def test_a_bit_lower_after_a_single_threshold(text, value):
    d = run(text, state=AFTER_80, facts=REPRI_80)
    if value is None:  # "it" after a reprioritisation: the target or the threshold? not read here
        assert not any(s.tool == "reprioritize_urban" and s.params.get("thresholds") == [70]
                       for s in d.steps) or d.pending
    else:
        assert repri(d) == (30.0, [value])


@pytest.mark.parametrize("text", ["a bit lower, 90", "move the threshold up to 60",
                                  "a bit higher, 70"])
def test_a_move_against_its_direction_is_not_read(text):
    d = run(text, state=AFTER_80, facts=REPRI_80)
    assert not any(s.tool == "reprioritize_urban" for s in d.steps) or d.pending


URBAN_MAP = DialogueState(last={"tool": "show_map", "params": {"what": "urban", "threshold": 50}})


@pytest.mark.parametrize("text,value", [("move it up to 75", 75), ("raise it to 75", 75),
                                        ("lower it to 30", 30), ("a bit higher, 60", 60)])
def test_the_urban_map_at_the_threshold_moved_to(text, value):
    d = run(text, state=URBAN_MAP, facts=FACTS)
    [step] = d.steps
    assert step.tool == "show_map" and step.params == {"what": "urban", "threshold": value}


@pytest.mark.parametrize("text", ["move it up to 40", "raise it to 75?", "lower it to 60"])
def test_the_urban_map_look_alikes(text):
    d = run(text, state=URBAN_MAP, facts=FACTS)
    assert not any(s.tool == "show_map" and s.params.get("what") == "urban"
                   for s in d.steps)


def test_a_move_after_a_ward_list_is_not_a_threshold():
    d = run("move it up to 75", state=DialogueState(last={"tool": "top_wards", "params": {}}),
            facts=FACTS)
    assert not any(s.tool in ("show_map", "reprioritize_urban") for s in d.steps)


# --- a kind of variable said by a word only one of its variables holds ----------------------

def test_the_water_one_is_the_one_named_water():
    c, facts = kano(("test_positivity_rate", "rainfall", "settlement_type_poor",
                     "distance_to_water_bodies"))
    got = analysis_vars(run("drop the water one", c=c, facts=facts))
    assert got == ["test_positivity_rate", "rainfall", "settlement_type_poor"]


def test_the_water_one_among_two_named_water_is_asked():
    facts = Facts(analysis_variables=("u5_tpr_rdt", "ndwi", "distance_to_waterbodies",
                                      "rainfall"), ward_count=10)
    d = run("drop the water one", facts=facts)
    assert not d.steps and d.choices


def test_one_of_the_water_ones_is_asked():
    c, facts = kano(("test_positivity_rate", "rainfall", "settlement_type_poor",
                     "distance_to_water_bodies"))
    d = run("drop one of the water ones", c=c, facts=facts)
    assert not d.steps


# --- a setting asked to change with no value: asked ------------------------------------------

ANALYSED_ONLY = Facts(analysis_variables=USED, lgas=FACTS.lgas, ward_count=FACTS.ward_count)


@pytest.mark.parametrize("text", ["redo urban reprioritisation with a different target",
                                  "run the reprioritization with another target",
                                  "reprioritise again with a new target"])
def test_a_different_target_is_asked_even_before_any_reprioritisation(text):
    d = run(text, facts=ANALYSED_ONLY)
    assert not d.steps and (d.pending or {}).get("expects") == "repri_target"
    assert "30%" in d.text


@pytest.mark.parametrize("text,target", [("twenty percent", 20), ("you decide", 30),
                                         ("your call", 30), ("up to you", 30),
                                         ("the default one", 30), ("make it 25%", 25)])
def test_the_target_answered(text, target):
    asked = DialogueState(pending={"expects": "repri_target", "tool": "reprioritize_urban",
                                   "params": {}})
    d = run(text, state=asked, facts=ANALYSED_ONLY)
    [step] = d.steps
    assert step.tool == "reprioritize_urban" and step.params["target_share"] == target
    assert acts(d) and not d.pending


def test_you_decide_with_nothing_asked_runs_nothing():
    d = run("you decide", facts=ANALYSED_ONLY)
    assert not any(s.tool == "reprioritize_urban" for s in d.steps)


AFTER_DEFAULT_REPRI = DialogueState(last={"tool": "reprioritize_urban", "params": {}})


@pytest.mark.parametrize("text", ["now redo it at a different threshold",
                                  "try another threshold", "change the threshold"])
def test_a_different_threshold_is_asked(text):
    d = run(text, state=AFTER_DEFAULT_REPRI, facts=REPRI_SET)
    assert not d.steps and (d.pending or {}).get("expects") == "repri_threshold"
    assert "20%, 30%, 50% and 75%" in d.text


@pytest.mark.parametrize("text", ["what other thresholds are there?",
                                  "change the threshold to 40",
                                  "a different threshold for the plan"])
def test_threshold_look_alikes_are_not_asked(text):
    d = run(text, state=AFTER_DEFAULT_REPRI, facts=REPRI_SET)
    assert (d.pending or {}).get("expects") != "repri_threshold"


@pytest.mark.parametrize("text,value", [("40", 40), ("40%", 40), ("make it 60 percent", 60)])
def test_the_threshold_answered_keeps_the_target(text, value):
    asked = DialogueState(pending={"expects": "repri_threshold", "tool": "reprioritize_urban",
                                   "params": {"target_share": 30.0}})
    d = run(text, state=asked, facts=REPRI_SET)
    assert repri(d) == (30.0, [value]) and acts(d)


TPR_CTX = ctx(has_facility_data=True)
AFTER_TPR = DialogueState(last={"tool": "compute_tpr", "params": {"age": "u5"}})


@pytest.mark.parametrize("text,setting", [
    ("re-run the TPR for another age group", "age"),
    ("now a different age group", "age"),
    ("compute the tpr with another test", "test"),
    ("change the facility level", "facility_level"),
])
def test_another_tpr_setting_is_asked_with_choices(text, setting):
    d = run(text, c=TPR_CTX, state=AFTER_TPR, facts=ANALYSED_ONLY)
    assert not d.steps and d.choices
    picked = [c for c in d.choices if c.get("tool") == "compute_tpr"]
    assert picked and all(setting in c["params"] for c in picked)
    if setting == "age":  # the group of the last run is not offered again
        assert all(c["params"]["age"] != "u5" for c in picked)


@pytest.mark.parametrize("text", ["re-run the TPR for pregnant women",
                                  "which other age groups are there?",
                                  "another age group map"])
def test_tpr_look_alikes_are_not_asked(text):
    d = run(text, c=TPR_CTX, state=AFTER_TPR, facts=ANALYSED_ONLY)
    assert d.reading.get("tpr_setting") != "asked"


# --- a variable's map with no variable named -------------------------------------------------

@pytest.mark.parametrize("text", ["map one of the variables", "show me a variable map",
                                  "map any variable", "plot one of the variables please"])
def test_a_map_of_some_variable_is_asked(text):
    c, facts = kano()
    d = run(text, c=c, facts=facts)
    assert not d.steps and d.choices
    assert {ch["params"]["variable"] for ch in d.choices if not ch.get("cancel")} == \
        set(KANO_USED)


@pytest.mark.parametrize("text", ["map rainfall", "show the composite map",
                                  "export one of the variables as png"])
def test_a_named_map_is_not_asked(text):
    c, facts = kano()
    d = run(text, c=c, facts=facts)
    assert d.reading.get("map_variable") != "asked"


ASKED_MAP = DialogueState(pending={"expects": "choice", "map_variable": True, "choices": [
    {"label": "Map of rainfall", "tool": "show_map",
     "params": {"what": "variable", "variable": "rainfall"}}]})


@pytest.mark.parametrize("text,col", [("test positivity", "test_positivity_rate"),
                                      ("rainfall please", "rainfall"),
                                      ("the nets per capita one", "nets_per_capita")])
def test_the_variable_named_after_the_question_is_mapped(text, col):
    c, facts = kano()
    d = run(text, c=c, state=ASKED_MAP, facts=facts)
    [step] = d.steps
    assert step.tool == "show_map" and step.params == {"what": "variable", "variable": col}


@pytest.mark.parametrize("text", ["add rainfall to the analysis", "why is rainfall used?"])
def test_other_requests_after_the_map_question_are_not_maps(text):
    c, facts = kano()
    d = run(text, c=c, state=ASKED_MAP, facts=facts)
    assert not any(s.tool == "show_map" for s in d.steps)


# --- a change of the variables asked about: offered, not run ---------------------------------

@pytest.mark.parametrize("text,added", [
    ("should I add nets per capita to the analysis?", "nets_per_capita"),
    ("what would happen to the ranking if I added housing quality?", "housing_quality"),
    ("would it help to add settlement type?", "settlement_type_poor"),
    ("how would the ranking change if we included nets per capita?", "nets_per_capita"),
])
def test_a_variable_change_asked_about_is_offered(text, added):
    c, facts = kano()
    d = run(text, c=c, facts=facts)
    assert not d.steps and d.pending and d.choices
    first = d.choices[0]
    assert first["tool"] == "run_analysis" and added in first["params"]["variables"]


@pytest.mark.parametrize("text", ["should I plan more nets?", "what would happen if I added 20% more nets?",
                                  "should I add it?", "what would happen to the ranking?"])
def test_look_alikes_of_a_variable_question_offer_no_analysis(text):
    c, facts = kano()
    d = run(text, c=c, facts=facts)
    assert not any(ch.get("tool") == "run_analysis" for ch in d.choices or [])
    assert not any(s.tool == "run_analysis" for s in d.steps)


@pytest.mark.parametrize("text", ["add housing quality, sorry, show the rainfall map",
                                  "add housing quality, I mean it matters here"])
def test_a_mark_before_another_request_is_no_variable_correction(text):
    from chatmrpt.chat.relative import self_corrected_variables
    c, _ = kano()
    assert self_corrected_variables(text, c) is None


@pytest.mark.parametrize("text", ["add housing quality and no rainfall",
                                  "use tpr, rainfall and no settlement type",
                                  "drop rainfall no more questions about it"])
def test_a_bare_no_inside_a_variable_request_is_no_correction(text):
    from chatmrpt.chat.relative import self_corrected_variables
    c, _ = kano()
    assert self_corrected_variables(text, c) is None


@pytest.mark.parametrize("text,meant", [
    ("add rainfal... no, add nets per capita", "add nets per capita"),
    ("add rainfall no add nets per capita", "add nets per capita"),
])
def test_a_no_with_a_pause_or_a_new_verb_still_corrects(text, meant):
    from chatmrpt.chat.relative import self_corrected_variables
    c, _ = kano()
    assert self_corrected_variables(text, c) == meant


@pytest.mark.parametrize("text,value", [("lower it by 10", 40), ("raise it by 25", 75),
                                        ("push the threshold up by 5 points", 55)])
def test_the_urban_map_moved_by_an_amount(text, value):
    d = run(text, state=URBAN_MAP, facts=FACTS)
    [step] = d.steps
    assert step.tool == "show_map" and step.params == {"what": "urban", "threshold": value}


def test_the_reprioritisation_threshold_moved_by_an_amount():
    d = run("lower the threshold by 10", state=AFTER_80, facts=REPRI_80)
    assert repri(d) == (30.0, [70])


@pytest.mark.parametrize("text", ["lower it by 10%", "lower it by 10?", "lower it by 60"])
def test_the_urban_map_moved_by_look_alikes(text):
    d = run(text, state=URBAN_MAP, facts=FACTS)
    assert not any(s.tool == "show_map" and s.params.get("what") == "urban" for s in d.steps)


def test_a_move_by_after_several_thresholds_is_not_guessed():
    state = DialogueState(last={"tool": "reprioritize_urban", "params": {}})
    d = run("lower the threshold by 10", state=state, facts=REPRI_SET)
    assert not any(s.tool == "reprioritize_urban" and s.params.get("thresholds") and
                   len(s.params["thresholds"]) == 1 for s in d.steps) or d.pending
