"""An offer waiting for a yes is taken only by a yes: "ok triple it" after an offered plan is
another change (the stock multiplied), never the offer as it was."""

from __future__ import annotations

import pytest

from tests.unit.test_fp2_net_plans import acts, run


def offered():
    d = run("What would happen if we had 20% fewer nets? Only tell me.")
    assert d.steps == [] and d.pending and d.pending["expects"] == "choice"
    return d.pending


@pytest.mark.parametrize("text,total", [("ok triple it", 1_200_000), ("ok double it", 800_000),
                                        ("yes but halve it", 200_000)])
def test_a_change_after_a_yes_word_is_that_change(text, total):
    steps = acts(run(text, pending=offered()))
    assert [p.get("total_nets") for _, p in steps] == [total], (text, steps)


@pytest.mark.parametrize("text", ["ok", "yes please", "ok go ahead", "yes do it", "oya"])
def test_a_bare_yes_still_takes_the_offer(text):
    assert [p.get("total_nets") for _, p in acts(run(text, pending=offered()))] == [320_000]
