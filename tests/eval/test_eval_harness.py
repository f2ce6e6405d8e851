"""The evaluation harness judges by session state: checked with senders whose actions are
known (made through the API), never with the assistant, so these tests do not depend on
how good the assistant is."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.eval.harness import (
    MISS,
    RIGHT,
    SILENT_WRONG,
    App,
    Conversation,
    available_splits,
    load_conversations,
    number_in_text,
    numbers_in_text,
    run_conversation,
    wards_in_text,
)
from tests.eval.oracle import Oracle
from tests.eval.run_eval import summarise


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = App(home=tmp_path_factory.mktemp("eval"))
    yield app
    app.close()


def conv(turns, setup=None, dataset="demo", cid="synthetic"):
    return Conversation(id=cid, persona="test", dataset=dataset, turns=turns,
                        setup=setup or [], split="dev")


def sender_doing(*steps):
    """A sender that performs one scripted API call per message and replies with text."""
    queue = list(steps)

    def send(s, text):
        step = queue.pop(0)
        return step(s) or {"text": "done"}

    return send


def plan(nets, hh, **extra):
    return lambda s: s.post("/itn-plans", json={"total_nets": nets, "household_size": hh,
                                                **extra}) and None


def reply(text, **more):
    return lambda s: {"text": text, **more}


ANALYSED = [{"analysis": {}}]


def test_a_plan_with_wrong_numbers_is_a_silent_wrong_action(app):
    c = conv([{"user": "what if we had 20% more nets?",
               "expect": {"kind": "plan", "total_nets": 240000, "household_size": 5}}],
             setup=ANALYSED + [{"plan": {"total_nets": 200000, "household_size": 5}}])
    [r] = run_conversation(app, c, sender_doing(plan(20, 5)))
    assert r.outcome == SILENT_WRONG
    assert "total_nets=20" in r.reason


def test_the_right_plan_is_right_and_no_plan_is_a_miss(app):
    turns = [
        {"user": "240k nets, households of 5",
         "expect": {"kind": "plan", "total_nets": 240000, "household_size": 5}},
        {"user": "same but household size 6",
         "expect": {"kind": "plan", "total_nets": 240000, "household_size": 6}},
    ]
    rows = run_conversation(app, conv(turns, setup=ANALYSED),
                            sender_doing(plan(240000, 5), reply("Which household size?")))
    assert [r.outcome for r in rows] == [RIGHT, MISS]


def test_a_non_default_option_not_asked_for_is_wrong(app):
    c = conv([{"user": "plan 300000 nets hh 5",
               "expect": {"kind": "plan", "total_nets": 300000, "household_size": 5}}],
             setup=ANALYSED)
    [r] = run_conversation(app, c, sender_doing(plan(300000, 5, urban_threshold=50)))
    assert r.outcome == SILENT_WRONG and "urban_threshold" in r.reason


def test_an_action_where_a_question_was_expected_is_silent_wrong(app):
    turns = [
        {"user": "plan 300k nets", "expect": {"kind": "ask"}},
        {"user": "who won the 2023 governorship election?", "expect": {"kind": "no_action"}},
        {"user": "hmm", "expect": {"kind": "ask"}},
    ]
    rows = run_conversation(app, conv(turns, setup=ANALYSED), sender_doing(
        reply("How many people per household?"), plan(2023, 5), reply("Noted.")))
    assert [r.outcome for r in rows] == [RIGHT, SILENT_WRONG, MISS]


def test_exports_are_judged_by_format_and_subject(app):
    turns = [
        {"user": "save that map as a picture",
         "expect": {"kind": "export", "format": "png", "subject": "map:urban"}},
        {"user": "give me Excel", "expect": {"kind": "export", "format": "xlsx",
                                             "subject": "rankings"}},
        {"user": "the report", "expect": {"kind": "export", "format": "html",
                                          "subject": "report"}},
    ]
    rows = run_conversation(app, conv(turns, setup=ANALYSED), sender_doing(
        lambda s: s.post("/exports", json={"what": "map", "kind": "composite",
                                           "format": "png"}) and None,
        lambda s: s.post("/exports", json={"what": "rankings", "format": "csv"}) and None,
        lambda s: s.post("/exports", json={"what": "report", "format": "html"}) and None,
    ))
    assert [r.outcome for r in rows] == [SILENT_WRONG, SILENT_WRONG, RIGHT]
    assert "map:composite" in rows[0].reason and "csv" in rows[1].reason


def test_ward_lists_must_name_exactly_the_expected_wards(app):
    exp = {"kind": "wards", "method": "composite", "order": "top", "n": 3, "lga": "Rimai"}
    turns = [{"user": "top 3 in Rimai", "expect": exp}] * 3
    state: dict = {}

    def right(s):
        aid = s.get()["state"]["current_analysis"]
        rows = s.get(f"/analyses/{aid}/wards?limit=5000")["wards"]
        rimai = sorted((r for r in rows if r["LGA"] == "Rimai"), key=lambda r: r["composite_rank"])
        state["rimai"] = [r["WardName"] for r in rimai]
        state["top"] = [r["WardName"] for r in rows[:3]]
        return {"text": "\n".join(state["rimai"][:3])}

    rows = run_conversation(app, conv(turns, setup=ANALYSED), sender_doing(
        right,
        lambda s: {"text": ", ".join(state["rimai"][:3] + [state["top"][0]])},  # one extra
        lambda s: {"text": ", ".join(state["top"])},  # the state-wide list
    ))
    assert [r.outcome for r in rows] == [RIGHT, MISS, MISS]


def test_answers_are_checked_against_stored_results(app):
    turns = [{"user": "how many wards get full coverage?",
              "expect": {"kind": "answer", "number": {"plan": "wards_fully_covered"}}}] * 2
    setup = ANALYSED + [{"plan": {"total_nets": 400000, "household_size": 5}}]

    def covered(s):
        pid = s.get()["state"]["last_plan"]
        return s.get(f"/itn-plans/{pid}?limit=1")["summary"]["wards_fully_covered"]

    rows = run_conversation(app, conv(turns, setup=setup), sender_doing(
        lambda s: {"text": f"{covered(s)} wards are fully covered."},
        lambda s: {"text": f"{covered(s) + 1} wards are fully covered."},
    ))
    assert [r.outcome for r in rows] == [RIGHT, MISS]


def test_a_dataset_without_population_cannot_be_planned(app):
    c = conv([{"user": "plan 50,000 nets household size 5",
               "expect": {"kind": "no_action", "mentions": [["population"]]}}],
             setup=ANALYSED, dataset="kano")
    [r] = run_conversation(app, c, sender_doing(
        reply("This table has no population column, so nets cannot be planned.")))
    assert r.outcome == RIGHT


def test_the_oracle_meets_expectations_of_every_kind(app):
    turns = [
        {"user": "a", "expect": {"kind": "analysis", "variables": ["u5_tpr_rdt", "rainfall",
                                                                  "elevation"]}},
        {"user": "b", "expect": {"kind": "wards", "order": "bottom", "n": 4, "lga": "Lida"}},
        {"user": "c", "expect": {"kind": "map", "map": "variable", "variable": "rainfall"}},
        {"user": "d", "expect": {"kind": "export", "format": "png", "subject": "map:variable"}},
        {"user": "e", "expect": {"kind": "plan", "total_nets": 500000, "household_size": 5,
                                 "method": "pca"}},
        {"user": "f", "expect": {"kind": "answer", "text": {"plan_lga_max": "nets_allocated"}}},
        {"user": "g", "expect": {"kind": "reprioritization", "target": 20}},
        {"user": "h", "expect": {"kind": "answer", "number": {"reprioritization": 50}}},
        {"user": "i", "expect": {"kind": "analysis", "variables": "default"}},
    ]
    c = conv(turns)
    rows = run_conversation(app, c, Oracle(app, c))
    assert [r.outcome for r in rows] == [RIGHT] * len(turns), [r.reason for r in rows]
    summary = summarise(rows)["dev"]
    assert summary["right"] == len(turns) and summary["silent_wrong"] == 0


def test_ward_names_are_found_as_whole_names():
    names = ["Ransha I", "Ransha II", "Kawo", "Dan Malano", "Malano"]
    assert wards_in_text("1. Ransha II (Rimai)\n2. Dan Malano", names) == {"Ransha II",
                                                                            "Dan Malano"}
    assert wards_in_text("Ransha I and malano, not Kawoji", names) == {"Ransha I", "Malano"}


def test_numbers_are_read_as_written():
    assert numbers_in_text("400,000 nets, 9.8% covered, 1.2 million people, 150k") == [
        400000, 9.8, 1200000, 150000]
    assert number_in_text(9.79735, "9.8% of the population")
    assert not number_in_text(9.79735, "10% of the population")
    assert number_in_text(0.685, "KMO 0.69 (mediocre)")
    assert not number_in_text(40, "400 wards")


def test_the_evaluation_set_is_complete_and_stratified():
    dev, test = load_conversations("dev"), load_conversations("test")
    everything = dev + test
    messages = sum(len(c.turns) for c in everything)
    assert len(everything) >= 40 and messages >= 300
    assert 0.3 <= sum(len(c.turns) for c in dev) / messages <= 0.5
    personas = Counter(c.persona for c in everything)
    assert len(personas) >= 10
    for split in (dev, test):
        assert {c.dataset for c in split} == {"demo", "kano", "ilorin"}
        assert len({c.persona for c in split}) >= 9
    kinds = Counter(t["expect"]["kind"] for c in everything for t in c.turns)
    assert all(kinds[k] > 0 for k in ("plan", "analysis", "wards", "map", "export",
                                      "reprioritization", "answer", "ask", "no_action"))


def test_a_reprioritisation_with_another_target_is_silent_wrong(app):
    turns = [{"user": "which urban wards can go? target 25 percent",
              "expect": {"kind": "reprioritization", "target": 25}},
             {"user": "only at 75 percent urban",
              "expect": {"kind": "reprioritization", "thresholds": [75], "target": 25}}]
    rows = run_conversation(app, conv(turns, setup=ANALYSED), sender_doing(
        lambda s: s.post("/reprioritizations", json={"target": 30}) and None,
        lambda s: s.post("/reprioritizations", json={"target": 25,
                                                     "thresholds": [75]}) and None,
    ))
    assert [r.outcome for r in rows] == [SILENT_WRONG, RIGHT]


def test_recomputing_the_same_reprioritisation_to_answer_is_not_wrong(app):
    turns = [{"user": "how many are removed at 30% urban?",
              "expect": {"kind": "answer", "number": {"reprioritization": 30}}}] * 2
    setup = ANALYSED + [{"reprioritization": {"target": 25}}]

    def recompute(target):
        def step(s):
            body = s.post("/reprioritizations", json={"target": target, "thresholds": [30]})
            row = body["summary"][0]
            return {"text": f"{row['selected_wards']} wards."}
        return step

    rows = run_conversation(app, conv(turns, setup=setup),
                            sender_doing(recompute(25), recompute(30)))
    assert [r.outcome for r in rows] == [RIGHT, SILENT_WRONG]


# written later, blind to the assistant
NEW_SPLITS = ("dev2", "holdout", "dev3", "holdout2", "dev4", "dev5", "holdout3", "dev6", "dev7", "holdout4",
              "dev8", "dev9", "dev10", "dev11", "holdout5", "holdout6", "dev12",
              "dev13", "holdout7", "dev14", "dev15", "dev16", "dev17", "dev18", "dev19",
              "dev20", "dev21", "dev22", "dev23", "dev24",
              "dev25", "dev26", "dev27", "dev28", "dev29", "dev30", "dev31",
              "dev32", "dev33", "dev34", "dev35", "dev36", "dev37",
              "dev38", "dev39", "dev40", "dev41", "dev42", "dev43", "dev44", "dev45", "dev46",
              "dev47", "dev48", "dev49", "dev50")


def test_every_folder_of_conversations_is_a_split():
    assert set(available_splits()) >= {"dev", "test", *NEW_SPLITS}
    everything = load_conversations("all")
    assert {c.split for c in everything} == set(available_splits())
    assert len({c.id for c in everything}) == len(everything)
    with pytest.raises(ValueError, match="unknown split"):
        load_conversations("nonexistent")


@pytest.mark.parametrize("split", NEW_SPLITS)
def test_the_new_splits_are_complete_and_stratified(split):
    convs = load_conversations(split)
    assert len(convs) >= 22 and sum(len(c.turns) for c in convs) >= 150
    assert all(len(c.turns) >= 4 for c in convs)
    assert {c.dataset for c in convs} == {"demo", "kano", "ilorin"}
    assert len({c.persona for c in convs}) >= 10
    kinds = Counter(t["expect"]["kind"] for c in convs for t in c.turns)
    assert all(kinds[k] > 0 for k in ("plan", "analysis", "wards", "map", "export",
                                      "reprioritization", "answer", "ask", "no_action"))
    # the tables without population: planning there must be refused, never planned
    for c in convs:
        if c.dataset != "demo":
            assert not any(t["expect"]["kind"] in ("plan", "reprioritization")
                           for t in c.turns), c.id


@pytest.mark.slow
@pytest.mark.parametrize("split", NEW_SPLITS)
def test_the_new_splits_are_met_by_the_oracle(app, split):
    """Every expectation of the split can be met through the API and computed from the
    session: the stand-in that does what each expectation asks scores 100%."""
    wrong = []
    for c in load_conversations(split):
        for r in run_conversation(app, c, Oracle(app, c)):
            if r.outcome != RIGHT:
                wrong.append(f"{c.id}#{r.index}: {r.outcome}: {r.reason}")
    assert not wrong, wrong
