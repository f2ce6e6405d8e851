"""Long messages: a clear order buried among dates, phone numbers, list markers and counts
of other things runs with the settings it states; those numbers never become settings, and
money is never a number of nets; "don't change anything until ..." changes nothing."""

from __future__ import annotations

import pytest

from chatmrpt.chat import dialogue as dm
from chatmrpt.chat import guards
from chatmrpt.chat.dialogue import DialogueState, Step, decide

# the dialogue tests' session: three variables analysed, five LGAs
from tests.unit.test_chat_dialogue import FACTS, ctx

PLAN = {"total_nets": 450_000, "household_size": 5}


def run(text, c=None, state=None):
    return decide(text, c or ctx(), state or DialogueState(), FACTS)


# --- numbers that only label something ------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Oga said make we use 450k nets, household size 5, that's the number from the NMEP "
    "allocation letter dated 12/03/2026. Pls run the plan with that.",
    "plan 450k nets, household size 5 before the meeting on 15 June",
    "plan 450k nets household size 5, the microplan is due by 30th of April",
    "plan 450k nets, household size 5. Call me on 0802 114 4410 if anything is wrong",
    "plan 450k nets, household size 5 (my number is +234 803 123 4567)",
    "FW: ITN campaign 2026 - microplan. plan 450k nets, household size 5",
    "we found 2 out of 3 facilities with stockouts. plan 450k nets, household size 5",
    "two things: (1) plan 450k nets, household size 5",
])
def test_dates_phones_markers_and_counts_are_not_strays(text):
    step = Step("plan_itn", {"total_nets": 450_000, "household_size": 5})
    assert dm.stray_numbers(step, text) == []


@pytest.mark.parametrize("text,stray", [
    ("plan 450k nets, household size 5, keep 20k", "20k"),
    ("plan 450k nets, household size 5 for 12 LGAs", "12"),
    ("plan 450k nets, household size 5 and 6", "6"),
    ("plan 450k out of the 500k nets, household size 5", "500k"),
    ("plan 450k nets household size 5 number 7 per net", "7"),
])
def test_other_numbers_still_are_strays(text, stray):
    step = Step("plan_itn", {"total_nets": 450_000, "household_size": 5})
    assert stray in dm.stray_numbers(step, text)


def test_label_spans():
    low = "dated 12/03/2026, tel 0802 114 4410, (1) run (2) map, start with number 1"
    said = [low[a:b] for a, b in guards.label_spans(low)]
    assert said == ["12/03/2026", "0802 114 4410", "(1)", "(2)", "number 1"]
    assert guards.label_spans("plan 400k, household 5 may work") == []
    assert guards.label_spans("number 5 per household") == []


def test_the_other_six_variables_are_counted():
    step = Step("run_analysis", {"variables": ["a", "b", "c", "d", "e", "f", "elevation"]})
    assert dm.stray_numbers(step, "ok add elevation then, keep the other six") == []


def test_a_long_message_with_a_clear_order_runs():
    d = run("Ok afternoon session don start. Oga said make we use 450k nets, household size 5, "
            "that's the number from the NMEP allocation letter dated 12/03/2026. Pls run the "
            "plan with that.")
    assert [s.tool for s in d.steps] == ["plan_itn"], d.text
    assert d.steps[0].params["total_nets"] == 450_000


# --- money and waiting ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The partner confirmed ₦3.1 billion for procurement. Plan with that, household size 5.",
    "we have 3 million naira, plan with it, household size 5",
    "plan with $400k, household size 5",
])
def test_money_is_never_a_number_of_nets(text):
    d = run(text)
    assert not any(s.tool == "plan_itn" for s in d.steps) or d.text, d.steps
    assert not d.steps or d.text


def test_money_named():
    step = Step("plan_itn", {"total_nets": 3_100_000_000, "household_size": 5})
    assert guards.totals_of_another_unit(step, "the partner gave ₦3.1 billion") == ["₦3.1 billion"]
    step = Step("plan_itn", {"total_nets": 400_000, "household_size": 5})
    assert guards.totals_of_another_unit(step, "plan 400k nets, household 5") == []


@pytest.mark.parametrize("text", [
    "Musa asked if we fit do 500k instead. Don't change anything until he confirms o.",
    "maybe 500k. don't change anything till Friday",
    "don't touch the plan until the DPRS agrees",
])
def test_dont_change_until_is_only_asking(text):
    assert guards.only_asking(text)


def test_dont_change_then_an_order_is_not_only_asking():
    assert not guards.only_asking("don't change the threshold, but use 500k nets")


# --- pidgin fillers -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "gud morning oga. dem just give me dis work, abeg run d analysis, use d default tins",
    "dem send me kano metro file. abeg run d ranking wit default variables",
    "dem say make i run am", "dem don't know the tool",
])
def test_dem_as_they_is_no_variable(text):
    from chatmrpt.chat.extract import find_variables
    assert [m.column for m in find_variables(text, ("elevation", "rainfall"))] == []


@pytest.mark.parametrize("text", ["add dem to the analysis", "use dem and rainfall",
                                  "show the dem map"])
def test_dem_as_the_elevation_model_is_still_read(text):
    from chatmrpt.chat.extract import find_variables
    assert "elevation" in [m.column for m in find_variables(text, ("elevation", "rainfall"))]


# --- an order after what someone said --------------------------------------------------------


@pytest.mark.parametrize("text,why", [
    ("The email also says 'nets to be allocated by PCA ranking'. I had missed that line. "
     "Please follow it.", None),
    ("the director says use PCA. implement that", None),
    ("the director says use PCA", "reported"),
    ("the director says use PCA, I will follow up with him", "reported"),
])
def test_follow_it_orders_what_was_reported(text, why):
    from chatmrpt.chat import unordered
    assert unordered.reason(text) == why


# --- a question at the end of a story -------------------------------------------------------


def test_story_question():
    from chatmrpt.chat.numbered import story_question
    text = ("Sir, let me tell you what happened in Kwama ward last week. The ward head said "
            "nobody came for the net distribution in 2025, and we found 2 out of 3 health "
            "facilities with RDT stockout since January. Where is Kwama in your ranking?")
    assert story_question(text) == "Where is Kwama in your ranking?"
    # a request in the story, a single sentence, or no question at the end: no story
    assert story_question("Plan 500k nets for 2025. Where is Kwama in your ranking?") is None
    assert story_question("Please add rainfall. How many wards are High?") is None
    assert story_question("Where is Kwama in your ranking?") is None
    assert story_question("Kwama had a stockout. Tell me its rank.") is None


@pytest.mark.parametrize("text,held", [
    ("Sorry, I meant nets, not naira. NMEP says 600k nets. Household 5 as I said.", []),
    ("NMEP says 600k nets. Household 5.", ["600k as what someone said"]),
    ("I meant to tell you, NMEP says 600k nets, household 5", ["600k as what someone said"]),
])
def test_a_correction_by_the_user_orders_the_reported_number(text, held):
    step = Step("plan_itn", {"total_nets": 600_000, "household_size": 5})
    assert guards.totals_said_of_something_else(step, text) == held


@pytest.mark.parametrize("text,own", [
    ("Our LGA supervisors want the bottom 5 wards statewide. Please list them.", False),
    ("my LGA team asked for the top 10 wards", False),
    ("show me the high wards in my LGA", True),
    ("top 5 in our LGA please", True),
])
def test_people_of_the_lga_are_no_place(text, own):
    from chatmrpt.chat.focus import OWN_LGA
    assert bool(OWN_LGA.search(text.lower())) is own


# --- where nets are kept is not the plan's area ---------------------------------------------


@pytest.mark.parametrize("text,refused", [
    ("Store manager says we have 20,000 extra nets in the Gakirau store. Add them to the plan.",
     False),
    ("the nets are in the Gakirau warehouse, plan 500k nets household 5", False),
    ("make a separate plan for only Gakirau LGA with 50k nets", True),
    ("plan 50k nets for Gakirau, household 5", True),
])
def test_a_store_in_an_lga_is_no_plan_for_that_lga(text, refused):
    from chatmrpt.chat import plan_settings
    from chatmrpt.chat.state import Decision
    d = Decision(steps=[Step("plan_itn", {"total_nets": 420_000, "household_size": 5})])
    out = plan_settings.one_lga_plan(d, text, ("Gakirau", "Lida"))
    assert ("one_lga_plan" in out.reading) is refused


@pytest.mark.parametrize("text,note", [
    ("The one in Kuwe South. Actually, just list the top five in Kuwe South.", None),
    ("That one is wrong, actually list the top 5", None),
    ("top 10, actually make it 5", "Using your correction: 5 instead of 10."),
    ("plan 500k nets, no wait, 450k", "Using your correction: 450,000 instead of 500,000."),
])
def test_the_one_pointed_at_is_not_corrected(text, note):
    from chatmrpt.chat.reading import apply_correction
    assert apply_correction(text)[1] == note
