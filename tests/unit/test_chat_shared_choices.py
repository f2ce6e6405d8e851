"""The one-tap choices built by the shared helpers (state.leave_it, state.steps_choice), the
one ward-name key (ward_place.name_key) and the reply for a place the ward table does not
cover (results._offered_for_this_table)."""

from chatmrpt.chat import correction, place_fix, results, ward_member, ward_place
from chatmrpt.chat.state import Decision, Facts, Step, leave_it, steps_choice


def test_leave_it_is_the_cancel_choice():
    assert leave_it() == {"label": "No, leave it", "tool": "", "params": {}, "cancel": True}
    assert list(leave_it()) == ["label", "tool", "params", "cancel"]
    a, b = leave_it(), leave_it()
    a["params"]["x"] = 1
    assert b["params"] == {}  # each call its own dict


def test_steps_choice_one_step():
    step = Step("what_if_plan", {"total_nets": 360000}, echo="Re-planning.", source="x")
    choice = steps_choice("Re-plan with 360,000 nets", [step])
    assert choice == {"label": "Re-plan with 360,000 nets", "tool": "what_if_plan",
                      "params": {"total_nets": 360000},
                      "steps": [{"tool": "what_if_plan", "params": {"total_nets": 360000},
                                 "echo": "Re-planning."}]}
    assert list(choice) == ["label", "tool", "params", "steps"]
    assert list(choice["steps"][0]) == ["tool", "params", "echo"]


def test_steps_choice_several_steps_named_by_the_last():
    steps = [Step("run_analysis", {"variables": ["tpr", "rainfall"]}, echo="Running."),
             Step("plan_itn", {"total_nets": 500000})]
    choice = steps_choice("Run; plan", steps)
    assert choice["tool"] == "plan_itn"
    assert choice["params"] == {"total_nets": 500000}
    assert [s["tool"] for s in choice["steps"]] == ["run_analysis", "plan_itn"]
    assert [s["echo"] for s in choice["steps"]] == ["Running.", ""]


def test_steps_choice_copies_the_parameters():
    params = {"people_per_net": 1.8}
    choice = steps_choice("1.8 people per net", [Step("what_if_plan", params)])
    choice["params"]["people_per_net"] = 2
    choice["steps"][0]["params"]["people_per_net"] = 3
    assert params == {"people_per_net": 1.8}
    assert choice["params"] is not choice["steps"][0]["params"]


def test_one_ward_name_key():
    assert ward_place.name_key("Ikeja G.R.A.") == "ikejagra"
    assert ward_place.name_key("  Dambo-Kasa 2 ") == "dambokasa2"
    assert ward_place.name_key(24008) == "24008"  # codes read from the table as numbers
    assert ward_place.name_key("Ikeja") != ward_place.name_key("Ikeja GRA")
    for module in (ward_member, place_fix, correction):
        assert module._key is ward_place.name_key


def test_other_place_replies():
    facts = Facts(area=("Kwara",))
    ranked = results.not_ranked_here("lagos ", facts)
    assert ranked.text == ("Your ward table does not cover Lagos (it is of Kwara), so I have "
                           "not ranked anything. To rank another state's wards, upload that "
                           "state's ward table. Should I rank the wards of the table you "
                           "uploaded instead?")
    assert [c["tool"] for c in ranked.choices] == ["run_analysis"]
    assert ranked.pending == {"expects": "choice", "choices": ranked.choices}
    assert ranked.reading == {"other_area": "lagos"}
    planned = results.not_planned_here(
        "Kano", Decision([Step("plan_itn", {"total_nets": 200000})]), Facts())
    assert planned.text == ("Your ward table does not cover Kano, so I have not made a plan. "
                            "To plan nets for another state, upload that state's ward table. "
                            "Should I make this plan for the wards of the table you uploaded "
                            "instead?")
    assert [(c["tool"], c["params"]) for c in planned.choices] == [
        ("plan_itn", {"total_nets": 200000})]
    # a request with no plan step: nothing offered
    assert results.not_planned_here("Kano", Decision([Step("top_wards", {})]), facts).choices == []


def test_one_check_for_a_correctable_last_request():
    from chatmrpt.chat.code_fix import _correctable
    from chatmrpt.chat.state import DialogueState

    last = {"tool": "list_wards", "params": {"category": "High", "lga_code": "24007"}}
    got = _correctable(DialogueState(None, last), "sorry 24006", "lga_code")
    assert got == ("list_wards", {"category": "High", "lga_code": "24007"}, "24007")
    got[1]["lga_code"] = "x"
    assert last["params"]["lga_code"] == "24007"  # a copy of the parameters
    assert _correctable(DialogueState(None, last), "sorry, medium", "category")[2] == "High"
    counts = {"tool": "ask_results", "params": {"about": "ward_counts", "lga_code": "24007"}}
    assert _correctable(DialogueState(None, counts), "sorry 24006", "lga_code") is not None
    for state, low, key in [
        (DialogueState({"expects": "choice"}, last), "sorry 24006", "lga_code"),  # a question
        (DialogueState(None, None), "sorry 24006", "lga_code"),  # nothing asked before
        (DialogueState(None, {"tool": "plan_itn", "params": {"lga_code": "24007"}}),
         "sorry 24006", "lga_code"),  # not a request a code is a setting of
        (DialogueState(None, {"tool": "ask_results", "params": {"about": "tpr",
                                                                "lga_code": "24007"}}),
         "sorry 24006", "lga_code"),
        (DialogueState(None, {"tool": "list_wards", "params": {"lga": "Doragar"}}),
         "sorry 24006", "lga_code"),  # the last request had no code
        (DialogueState(None, last), "and 24006", "lga_code"),  # no correction said
    ]:
        assert _correctable(state, low, key) is None, (state, low)
