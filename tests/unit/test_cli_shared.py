"""The pieces the command-line commands share (chatmrpt.cli._options, chatmrpt.cli._plans)."""

import argparse

import pytest

from chatmrpt.cli import build_parser, covariates, reprioritize, tpr, worker
from chatmrpt.cli._options import output_file, run_alone
from chatmrpt.cli._plans import print_sources_and_warnings
from chatmrpt.errors import InputError


def test_one_csv_output_refuses_a_folder_and_names_an_example(tmp_path):
    with pytest.raises(InputError) as err:
        output_file(tmp_path, "ward_tpr.csv")
    assert err.value.code == "invalid_parameter"
    assert str(tmp_path / "ward_tpr.csv") in err.value.message
    assert output_file(tmp_path / "x.csv", "ward_tpr.csv") == tmp_path / "x.csv"


def test_plan_summaries_close_with_sources_then_warnings(capsys):
    print_sources_and_warnings({"population_source": "the Population column",
                                "urban_share_source": ""}, ["few wards"])
    assert capsys.readouterr().out.splitlines() == [
        "Population: the Population column.", "warning: few wards"]


def test_a_command_alone_parses_its_own_options(monkeypatch):
    seen = {}

    def run(args):
        seen["args"] = args
        return 7

    monkeypatch.setattr(worker, "run", run)
    assert run_alone(worker, ["--consumers", "3"]) == 7
    assert seen["args"].consumers == 3


@pytest.mark.parametrize("command", [covariates, tpr])
def test_epilogs_are_printed_as_written(command):
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser = sub.choices[command.NAME]
    assert parser.epilog == command.EPILOG
    assert parser.formatter_class is argparse.RawDescriptionHelpFormatter
    assert command.EPILOG.splitlines()[1] in parser.format_help()


def test_commands_without_an_epilog_keep_the_wrapping_formatter():
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert sub.choices[reprioritize.NAME].formatter_class is argparse.HelpFormatter
