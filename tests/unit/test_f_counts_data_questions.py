"""Questions the data answers by itself (chatmrpt.chat.counts): how many wards in all, in one
LGA, in a priority category; a ward's rank or score; an LGA's code; the variables used; the
table's missing values and identical columns. They are answered, never met with a plan, an
LGA question or an analysis, and their look-alikes (plans, thresholds, the wards just
listed, changes) are left to the other readers."""

from __future__ import annotations

import pytest

from chatmrpt.chat import counts
from chatmrpt.chat import dialogue as dm
from chatmrpt.chat.dialogue import DialogueState, Facts, decide
from chatmrpt.chat.router import RouterContext

VARIABLES = ("Population", "urban_percentage", "u5_tpr_rdt", "rainfall", "ndvi", "evi",
             "housing_quality", "elevation")
WARDS = (("Riraufa II", "Lida"), ("Bado", "Lida"), ("Biwalma", "Lida"), ("Malano", "Doragar"),
         ("Kwaje I", "Doragar"), ("Kawo", "Kuran"), ("Kawo", "Gantsa"), ("Titiba", "Raku"),
         ("Kotsasha", "Raku"), ("Okaka 2", "Rimai"), ("Maliwal", "Zaga West"))
LGAS = ("Doragar", "Gantsa", "Kuran", "Lida", "Raku", "Rimai", "Zaga West")
FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall"), lgas=LGAS, ward_count=len(WARDS),
              ranked=tuple(WARDS), population=True, urban_share=True)


def ctx(**kw) -> RouterContext:
    base = {"has_dataset": True, "variables": VARIABLES, "wards": WARDS,
            "analysis_status": "succeeded"}
    base.update(kw)
    return RouterContext(**base)


def run(text, c=None, state=None, facts=FACTS):
    return decide(text, c or ctx(), state or DialogueState(), facts)


def acts(d) -> bool:
    return any(s.tool in dm.GATE_FAMILY for s in d.steps)


# --- how many wards, in all or in one LGA ---------------------------------------------------


@pytest.mark.parametrize("text", [
    "Morning. I just uploaded the ward file, what does it hold? How many wards are there in total?",
    "how many wards do we have?",
    "hw many wards dey inside this data",
    "How many wards does the table have altogether",
    "number of wards in the file?",
    "The old census listed 40 wards. How many wards do you have?",
    "how many wards are in this dataset",
])
def test_total_ward_count_is_answered_from_the_table(text):
    for status in (None, "succeeded"):
        d = run(text, ctx(analysis_status=status))
        assert not d.steps and f"{len(WARDS)} wards" in d.text, (text, d.text)


@pytest.mark.parametrize("text,lga,n", [
    ("Hello, I am the focal person for Lida LGA. How many wards does Lida have in this data?",
     "Lida", 3),
    ("how many wards in doragar", "Doragar", 2),
    ("Raku has how many wards?", "Raku", 2),
    ("number of wards for Kuran lga", "Kuran", 1),
    ("how many wards dey for zaga west", "Zaga West", 1),
    ("How many wards are in Gantsa in the table?", "Gantsa", 1),
])
def test_wards_of_one_lga_are_counted(text, lga, n):
    d = run(text, ctx(analysis_status=None))
    assert not d.steps and f"{lga} LGA has {n} wards" in d.text, (text, d.text)
    after = run(text)  # after an analysis: the LGA's summary, its wards by category
    assert [(s.tool, s.params) for s in after.steps] == [("lga_summary", {"lga": lga})], text


def test_our_lga_is_the_one_the_user_gave():
    state = DialogueState(focus={"own_lga": "Raku"})
    d = run("our LGA has how many wards in this table?", ctx(analysis_status=None), state=state)
    assert "Raku LGA has 2 wards" in d.text


@pytest.mark.parametrize("text", [
    "how many wards get full coverage with the plan?",
    "how many wards are above 50% urban?",
    "how many wards are missing rainfall?",
    "how many of them are in Lida?",
    "how many of the first three are in Lida?",
    "how many wards would the 30% urban reprioritisation pick?",
    "how many nets do the wards need?",
    "how many wards in Nassarawa?",
    "how many wards have rainfall above 100",
    "how many wards does my LGA have",  # whose LGA is not known yet
    "HOW MANY WARDS AT 30",
    "I am the focal person for LGA code 20043. How many wards does it have here?",
    "how many wards get nothing?",
    "how many wards no get anything",
    "how many wards receive zero",
    "how many wards at 50 percent",
])
def test_other_counts_are_not_the_ward_total(text):
    d = counts.data_count(text, ctx(), DialogueState(), FACTS)
    assert d is None, (text, d and d.text)


def test_lgas_are_counted_from_the_table_before_an_analysis():
    for text in ("how many LGAs are there?", "Good day. How many LGAs are in the file I sent?",
                 "number of LGAs in this data"):
        d = run(text, ctx(analysis_status=None))
        assert not d.steps and "7 LGAs" in d.text, text
        # after an analysis the table readers answer, with codes and wards per LGA
        assert counts.data_count(text, ctx(), DialogueState(), FACTS) is None
    assert counts.data_count("how many wards are there per LGA?", ctx(analysis_status=None),
                             DialogueState(), FACTS) is None


# --- how many in a priority category --------------------------------------------------------


@pytest.mark.parametrize("text,category,lga", [
    ("how many high risk wards", "High", None),
    ("how many high", "High", None),
    ("hw many wards dey high", "High", None),
    ("how many high for doragar", "High", "Doragar"),
    ("How many low priority wards in Lida?", "Low", "Lida"),
    ("number of medium wards please", "Medium", None),
    ("how many wards are high priority in kuran", "High", "Kuran"),
])
def test_category_counts_list_the_category(text, category, lga):
    d = run(text)
    assert [s.tool for s in d.steps] == ["list_wards"], (text, d.text)
    assert d.steps[0].params.get("category") == category
    assert d.steps[0].params.get("lga") == lga


@pytest.mark.parametrize("text", [
    "Which LGA has the highest number of high risk wards?",
    "how many nets for the high wards?",
    "how many of those are high?",
    "how many of the last two are high priority",
    "how many high risk wards are above 30% urban",
    "how many high wards in 20043",
    "how many high at 75",
    "how many high risk wards does each LGA have",
])
def test_category_look_alikes_are_left_alone(text):
    assert counts.category_count(text, ctx(), DialogueState(), FACTS) is None, text


def test_category_count_needs_an_analysis():
    assert counts.category_count("how many high", ctx(analysis_status=None), DialogueState(),
                                 FACTS) is None


# --- one ward's rank or score ---------------------------------------------------------------


@pytest.mark.parametrize("text,ward", [
    ("What rank did Riraufa II get?", "Riraufa II"),
    ("wat rank maliwal get", "Maliwal"),
    ("RANK OF OKAKA II", "Okaka 2"),
    ("what's the composite score of Malano?", "Malano"),
    ("wat be d score of mallano", "Malano"),
    ("Bado position?", "Bado"),
    ("tell me the rank for Titiba", "Titiba"),
])
def test_rank_questions_look_the_ward_up(text, ward):
    d = run(text)
    assert [s.tool for s in d.steps] == ["explain_ward"], (text, d.text)
    assert d.steps[0].params["ward"] == ward
    assert not acts(d)


@pytest.mark.parametrize("text", [
    "What rank did Riraufa II get?",
    "wat rank maliwal get",
    "what score did Bado get",
])
def test_a_rank_question_is_never_a_plan_change(text):
    d = run(text, ctx(last_plan={"total_nets": 500000, "household_size": 5}))
    assert not acts(d) and [s.tool for s in d.steps] == ["explain_ward"], (text, d.text)


@pytest.mark.parametrize("text", [
    "why is Malano ranked high?",
    "rank Malano by PCA",
    "which ward is ranked 3?",
    "show the composite score map",
    "what rank would Bado get if we drop rainfall",
    "compare the rank of Bado and Malano",
    "what is the rank of the top ward",
])
def test_rank_look_alikes_are_left_alone(text):
    assert counts.ward_lookup(text, ctx(), DialogueState(), FACTS) is None, text


def test_a_shared_ward_name_is_asked_about_then_answered_by_lga():
    d = run("sannu. wat rank kawo get")
    assert not d.steps and d.choices and "Kuran" in d.text and "Gantsa" in d.text
    state = DialogueState(pending=d.pending)
    for answer in ("d one for kuran", "the one in Kuran", "Kuran"):
        picked = run(answer, state=state)
        assert [s.tool for s in picked.steps] == ["explain_ward"], (answer, picked.text)
        assert picked.steps[0].params == {"ward": "Kawo", "lga": "Kuran"}


# --- an LGA's code, the variables used, the table's checks ----------------------------------


@pytest.mark.parametrize("text", [
    "kuran lga code na wat",
    "what is the code of Kuran LGA?",
    "wetin be kuran code",
    "Kuran code?",
    "tell me the LGA code for Kuran",
    "which code does kuran have",
])
def test_lga_code_question(text):
    d = run(text, ctx(analysis_status=None))
    assert [(s.tool, s.params) for s in d.steps] == [("ask_results", {"about": "lgas",
                                                                      "lga": "Kuran"})], text


@pytest.mark.parametrize("text", [
    "list the wards of Kuran by code",
    "what does code 20009 mean",
    "plan nets for kuran, what code",
    "which LGA codes are there",
    "show the map of Kuran",
    "kuran wards",
])
def test_lga_code_look_alikes(text):
    assert counts.lga_code_question(text, ctx(), FACTS) is None, text


@pytest.mark.parametrize("text", [
    "ina kwana. wat variables d analysis use",
    "what variables did the analysis use?",
    "which indicators go into the analysis",
    "what columns are used?",
    "tell me the variables used",
])
def test_variables_used(text):
    before = run(text, ctx(analysis_status=None), facts=Facts(lgas=LGAS, ward_count=11))
    assert [s.tool for s in before.steps] == ["describe_data"], (text, before.text)
    after = run(text)
    assert [(s.tool, s.params) for s in after.steps] == [("ask_results",
                                                          {"about": "variables"})], text


@pytest.mark.parametrize("text", [
    "use rainfall and evi as the variables",
    "add housing quality to the variables used",
    "why was rainfall used?",
    "which variables should I use?",
    "drop ndvi from the variables",
    "what does a variable mean",
])
def test_variable_look_alikes(text):
    assert counts.variables_question(text, ctx(), FACTS) is None, text


@pytest.mark.parametrize("text", [
    "how many missing values does the table have",
    "hw many missing value d table get",
    "how many empty cells are in the data?",
    "are rainfall and housing quality the same numbers for this file",
    "is evi identical to ndvi?",
    "do any two columns hold the same values?",
])
def test_table_checks(text):
    d = run(text)
    assert [s.tool for s in d.steps] == ["data_quality"], (text, d.text)


@pytest.mark.parametrize("text", [
    "fill the missing values with zero",
    "are the rankings the same as before?",
    "how many people are missing nets",
    "is the PCA ranking the same as the composite?",
    "drop the duplicate columns",
    "use the same variables for Lida",
])
def test_table_check_look_alikes(text):
    assert counts.table_check(text, ctx()) is None, text


# --- a ward named after "which ward do you mean?" -------------------------------------------


def test_a_ward_named_after_the_ask_answers_the_question():
    d = run("What is the population of that ward?", ctx(analysis_status=None))
    assert not d.steps and d.pending and d.pending["expects"] == "ward_for"
    state = DialogueState(pending=d.pending)
    for answer in ("Kotsasha.", "kotsasha ward", "Kotsasha in Raku"):
        a = run(answer, ctx(analysis_status=None), state=state)
        assert [(s.tool, s.params.get("ward"), s.params.get("variable")) for s in a.steps] == [
            ("ward_value", "Kotsasha", "Population")], (answer, a.text)
    other = run("top 5 wards", state=state)
    assert [s.tool for s in other.steps] == ["top_wards"]
    assert counts.ward_for_question("Kotsasha has how many people", ctx(), state) is None


# --- a comparison with figures the session does not hold ------------------------------------


@pytest.mark.parametrize("text", [
    "Compare that with the figure from last year.",
    "how does this compare against the previous round?",
    "compare with DHS",
    "is it different from last year's survey",
    "compare am with last season",
    "Compare it to the old census figures",
])
def test_comparisons_with_other_data_run_nothing(text):
    for status in (None, "succeeded"):
        d = run(text, ctx(analysis_status=status))
        assert not d.steps and "earlier year" in d.text, text


@pytest.mark.parametrize("text", [
    "compare the two rankings",
    "compare pca and composite",
    "last year we gave out 380,000 nets. This year we have 420,000, household size 5, plan",
    "compare this plan with the last one",
    "how many wards were high last year?",
    "compare Malano and Bado",
])
def test_comparison_look_alikes(text):
    assert counts.outside_comparison(text, ctx()) is None, text
