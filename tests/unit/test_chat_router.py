"""The offline intent router and the tool registry it routes to."""

from __future__ import annotations

import re

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatmrpt.chat.dialogue import ROUTER_TOOLS
from chatmrpt.chat.router import Route, RouterContext, route
from chatmrpt.chat.tools import TOOL_NAMES, TOOLS, ToolRegistry, tool_spec
from chatmrpt.errors import InputError
from tests.unit.chat_corpus import CORPUS, LAST_PLAN, context


def _run(case) -> Route:
    ctx = context(case.context)
    for earlier in case.history:
        ctx = ctx.after(route(earlier, ctx))
    return route(case.text, ctx)


def _matches(case, got: Route) -> bool:
    if got.tool != case.tool:
        return False
    if case.tool is None:
        return got.clarification is not None or got.reply is not None
    return (
        got.params == case.params
        and tuple(got.missing) == case.missing
        and (got.clarification is not None) == case.ask
    )


# --- the corpus -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_corpus_case(case):
    got = _run(case)
    assert got.tool == case.tool, got.to_dict()
    if case.tool is None:
        assert got.clarification or got.reply
        return
    assert got.params == case.params, got.to_dict()
    assert tuple(got.missing) == case.missing, got.to_dict()
    assert (got.clarification is not None) == case.ask, got.to_dict()


def test_corpus_accuracy():
    """The whole corpus at once: size, spread over tools, and accuracy (must be 100%)."""
    assert len(CORPUS) >= 150
    assert len({c.text.lower() for c in CORPUS}) >= 150
    assert sum(1 for c in CORPUS if c.history) >= 25
    assert sum(1 for c in CORPUS if c.ask) >= 20
    covered = {c.tool for c in CORPUS}
    assert set(ROUTER_TOOLS) <= covered
    wrong = [c.id for c in CORPUS if not _matches(c, _run(c))]
    accuracy = 1 - len(wrong) / len(CORPUS)
    print(f"router corpus: {len(CORPUS)} messages, accuracy {accuracy:.1%}")
    assert not wrong, f"accuracy {accuracy:.1%}; wrong: {wrong}"


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_routes_are_valid_against_the_tool_schema(case):
    got = _run(case)
    if got.tool is None:
        return
    spec = tool_spec(got.tool)
    assert spec.problems(got.params, partial=True) == []
    schema = spec.parameters_schema()
    schema.pop("required", None)  # a route may still be missing what it asks for
    jsonschema.validate(got.params, schema)
    if got.ready:
        spec.validate(got.params)
        jsonschema.validate(got.params, spec.parameters_schema())


def test_routing_is_deterministic():
    for case in CORPUS[::7]:
        assert _run(case).to_dict() == _run(case).to_dict()


# --- never guessing the number of nets or the household size ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "plan nets",
        "plan the ITN distribution by PCA",
        "distribute bednets to the most vulnerable wards",
        "allocate LLINs using the continue strategy",
        "mosquito nets for Kano please",
        "net plan with urban threshold 50%",
        "plan nets, 10% buffer, bales of 50",
        "plan nets for the 20 top wards",
        "plan 1.8 people per net",
    ],
)
def test_plan_requests_without_numbers_ask_for_both(text):
    got = route(text, context("kano_done"))
    assert got.tool == "plan_itn"
    assert set(got.missing) == {"total_nets", "household_size"}
    assert "total_nets" not in got.params and "household_size" not in got.params
    assert got.clarification and "household size" in got.clarification
    assert not got.ready


_PLAN_WORDS = (
    "plan nets itn llin bednets mosquito distribute allocate household size average people "
    "per ward wards urban threshold pca composite strategy continue capped stop please the "
    "for with by a of and campaign bale buffer Kano Ilorin Zango Adewole"
)
_WORDS = st.sampled_from(_PLAN_WORDS.split(" "))


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12))
def test_no_number_no_nets_and_no_household_size(words):
    got = route(" ".join(words), context("kano_done"))
    assert "total_nets" not in got.params
    assert "household_size" not in got.params


_ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(sorted({w for c in CORPUS for w in c.text.split()})), max_size=12).map(
        " ".join
    ),
)


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT, st.sampled_from(["empty", "kano_done", "ilorin_done", "demo_plan", "facility"]))
def test_any_text_gives_a_valid_route(text, name):
    got = route(text, context(name))
    if got.tool is None:
        assert got.clarification or got.reply
    else:
        assert tool_spec(got.tool).problems(got.params, partial=True) == []
        assert set(got.missing) <= set(tool_spec(got.tool).param_names)


def test_household_size_is_asked_until_given():
    ctx = context("kano_done")
    first = route("plan 1 million nets", ctx)
    assert first.missing == ("household_size",) and first.params == {"total_nets": 1_000_000}
    ctx = ctx.after(first)
    vague = route("what do you mean?", ctx)
    assert vague.tool != "plan_itn" or vague.missing
    ctx = ctx.after(vague)
    done = route("household size 5.5", ctx)
    assert done.ready and done.params == {"total_nets": 1_000_000, "household_size": 5.5}


def test_a_bare_number_when_both_are_missing_is_asked_about():
    ctx = context("kano_done")
    ctx = ctx.after(route("plan nets", ctx))
    got = route("5", ctx)
    assert got.tool == "plan_itn" and set(got.missing) == {"total_nets", "household_size"}
    assert "5" in got.clarification and not got.params


def test_implausible_household_size_is_questioned_not_used():
    got = route("plan 1 million nets with household size 500", context("kano_done"))
    assert "household_size" not in got.params
    assert got.missing == ("household_size",)


# --- context --------------------------------------------------------------------------------


def test_unmet_requirements_are_reported():
    assert route("analyse my data", RouterContext()).unmet == ("dataset",)
    no_analysis = route("plan 2 million nets, household size 5", context("kano_data"))
    assert no_analysis.tool == "plan_itn" and no_analysis.unmet == ("analysis",)
    assert route("plan 2 million nets, household size 5", context("kano_done")).unmet == ()
    assert route("compute tpr", context("kano_done")).unmet == ("facility_data",)
    assert route("compute tpr", context("facility")).unmet == ()


def test_after_records_a_plan_that_ran():
    ctx = context("kano_done")
    planned = ctx.after(route("plan 2 million nets, household size 5", ctx))
    assert planned.last_plan == {"total_nets": 2_000_000, "household_size": 5}
    changed = planned.after(route("now with 3 million nets", planned))
    assert changed.last_plan == {"total_nets": 3_000_000, "household_size": 5}
    not_run = ctx.after(route("plan 2 million nets, household size 5", ctx), executed=False)
    assert not_run.last_plan is None


def test_small_talk_keeps_the_conversation():
    ctx = context("kano_done").after(route("top 10 wards", context("kano_done")))
    assert ctx.after(route("thanks!", ctx)) == ctx
    assert route("and the bottom 3?", ctx.after(route("thanks!", ctx))).params == {
        "n": 3,
        "order": "bottom",
    }


def test_context_accepts_plain_ward_lists():
    ctx = RouterContext(wards=["Adewole", ("Zango", "Dala"), ("Sabon Gari", None)])
    assert [w.lga for w in ctx.wards] == [None, "Dala", None]
    assert route("explain Adewole", ctx).params == {"ward": "Adewole"}


def test_a_new_plan_after_a_plan_is_a_new_plan():
    got = route("plan 3 million nets with household size 6", context("demo_plan"))
    assert got.tool == "plan_itn" and got.ready


def test_what_if_without_a_change_asks_what_to_change():
    got = route("what if?", context("demo_plan"))
    assert got.tool == "what_if_plan" and got.clarification and not got.ready


def test_unknown_variable_is_named_with_the_columns_to_use():
    got = route("run the analysis with rainfall and ndvi", context("ilorin_data"))
    assert got.tool == "run_analysis"
    assert "rainfall" in got.clarification and "tpr_u5_new" in got.clarification
    assert not got.ready


def test_ambiguous_ward_offers_the_candidates():
    got = route("Why is Sabon Gari ranked high?", context("demo_done"))
    assert {(c.name, c.lga) for c in got.candidates} == {
        ("Sabon Gari", "Zaria"),
        ("Sabon Gari", "Fagge"),
    }
    assert "Zaria" in got.clarification and "Fagge" in got.clarification


def test_export_format_that_does_not_fit_is_asked_about():
    got = route("export the itn plan as png", context("kano_done"))
    assert got.tool == "export_results" and got.params == {"what": "itn_plan"}
    assert "csv" in got.clarification


def test_empty_and_unknown_messages():
    for text in ("", "   ", "zzzz qqqq"):
        got = route(text, context("kano_done"))
        assert got.tool is None and got.clarification
    assert "Upload" in route("zzzz", RouterContext()).clarification


def test_confidence_is_a_fraction_and_higher_for_clear_requests():
    clear = route("run the analysis", context("kano_data"))
    vague = route("what about Sharada?", context("kano_done"))
    assert 0 < vague.confidence <= clear.confidence <= 1


def test_route_to_dict_is_json_ready():
    import json

    got = route("Why is Sabon Gari ranked high?", context("demo_done"))
    data = json.loads(json.dumps(got.to_dict()))
    assert data["tool"] == "explain_ward" and data["missing"] == ["lga"]


# --- the registry ---------------------------------------------------------------------------

EXPECTED_TOOLS = {
    "describe_data", "run_analysis", "show_map", "top_wards", "explain_ward",
    "compare_methods", "explain_methodology", "reprioritize_urban", "plan_itn",
    "what_if_plan", "compute_tpr", "export_results", "session_status", "help",
    "list_wards", "lga_summary", "ask_results", "pca_validity", "ward_value", "data_quality",
    "export_view", "export_conversation", "add_covariates", "planning_data", "wards_by_value",
    "lga_averages",
}  # fmt: skip


def test_registry_declares_every_capability_once():
    assert set(TOOL_NAMES) == EXPECTED_TOOLS
    assert len(TOOL_NAMES) == len(set(TOOL_NAMES))


@pytest.mark.parametrize("spec", TOOLS, ids=[t.name for t in TOOLS])
def test_openai_function_schema(spec):
    tool = spec.openai_tool()
    assert tool["type"] == "function"
    fn = tool["function"]
    assert re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", fn["name"])
    assert fn["description"] and "\n" not in fn["description"] and len(fn["description"]) < 200
    params = fn["parameters"]
    jsonschema.Draft202012Validator.check_schema(params)
    assert params["type"] == "object" and params["additionalProperties"] is False
    assert set(params.get("required", [])) <= set(params["properties"])
    for prop in params["properties"].values():
        # a word or a number ("fill population median" or 2500): one type per branch
        for branch in prop.get("anyOf", [prop]):
            assert branch["type"] in ("string", "integer", "number", "boolean", "array", "object")
        assert prop["description"]


def test_plan_requirements():
    assert tool_spec("plan_itn").required == ("total_nets", "household_size")
    assert tool_spec("what_if_plan").required == ()
    assert set(tool_spec("what_if_plan").param_names) == set(tool_spec("plan_itn").param_names)
    assert tool_spec("plan_itn").needs_analysis and tool_spec("plan_itn").needs_dataset
    assert (
        tool_spec("describe_data").needs_dataset and not tool_spec("describe_data").needs_analysis
    )
    assert not tool_spec("help").needs_dataset


def test_bind_and_executor():
    registry = ToolRegistry()
    assert set(registry.unbound()) == EXPECTED_TOOLS
    registry.bind("help", lambda **kw: "help text")
    assert registry.executor("help")() == "help text"
    with pytest.raises(ValueError):
        registry.bind("help", lambda **kw: None)
    registry.bind("help", lambda **kw: "new", overwrite=True)
    assert registry.executor("help")() == "new"
    with pytest.raises(KeyError):
        registry.bind("no_such_tool", lambda: None)
    with pytest.raises(TypeError):
        registry.bind("top_wards", "not callable")
    with pytest.raises(LookupError):
        registry.executor("top_wards")
    # bindings belong to one registry: another one starts empty
    assert "help" in ToolRegistry().unbound()


def test_validate_names_every_problem():
    registry = ToolRegistry()
    assert registry.validate("plan_itn", {"total_nets": 10, "household_size": 4.5}) == {
        "total_nets": 10,
        "household_size": 4.5,
    }
    with pytest.raises(InputError) as err:
        registry.validate("plan_itn", {"total_nets": 0.5, "strategy": "random", "colour": "red"})
    assert err.value.code == "invalid_parameter"
    problems = err.value.details["problems"]
    assert any("colour" in p for p in problems)
    assert any("household_size" in p and "required" in p for p in problems)
    assert any("total_nets" in p for p in problems)
    assert any("strategy" in p for p in problems)
    with pytest.raises(InputError):
        registry.validate("export_results", {"what": "map", "format": "csv"})
    with pytest.raises(InputError):
        registry.validate("run_analysis", {"directions": {"rainfall": "sideways"}})
    with pytest.raises(InputError):
        registry.validate("top_wards", {"n": True})
    with pytest.raises(InputError) as unknown:
        registry.spec("launch_rockets")
    assert unknown.value.code == "invalid_request"


@pytest.mark.parametrize(
    "name,params",
    [
        ("plan_itn", {"total_nets": 5, "household_size": 5, "buffer": 0.5}),
        ("plan_itn", {"total_nets": 5, "household_size": 0}),
        ("plan_itn", {"total_nets": "many", "household_size": 5}),
        ("reprioritize_urban", {"thresholds": [20, 120]}),
        ("reprioritize_urban", {"thresholds": []}),
        ("run_analysis", {"methods": ["composite", "kmeans"]}),
        ("show_map", {"what": "heat"}),
        ("top_wards", {"n": 0}),
        ("run_analysis", {"variables": "rainfall"}),
    ],
)
def test_own_validator_agrees_with_jsonschema_on_bad_input(name, params):
    spec = tool_spec(name)
    assert spec.problems(params)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(params, spec.parameters_schema())


def test_with_defaults_fills_declared_defaults_only():
    spec = tool_spec("plan_itn")
    full = spec.with_defaults({"total_nets": 100, "household_size": 5})
    assert full["people_per_net"] == 1.8 and full["strategy"] == "stop"
    assert "max_ward_share" not in full
    assert tool_spec("export_results").with_defaults({"what": "map"})["format"] == "html"
    assert tool_spec("what_if_plan").with_defaults({}) == {}
    # defaults are copies: editing one does not change the declaration
    tool_spec("reprioritize_urban").with_defaults({})["thresholds"].append(99)
    assert tool_spec("reprioritize_urban").with_defaults({})["thresholds"] == [20, 30, 50, 75]


def test_last_plan_fixture_is_a_valid_plan():
    tool_spec("plan_itn").validate(LAST_PLAN)
