"""Another component asked in few words right after the PCA checks ("and the second
component?", "what about the third one"): the checks again, which give every component's
share of the variance; the same words after anything else are not read as them."""

from __future__ import annotations

import pytest

from tests.unit.test_fs2_stored_answers import run, steps

AFTER_CHECKS = {"last": {"tool": "pca_validity", "params": {}}}


@pytest.mark.parametrize("text", ["And the second component?", "and the third one?",
                                  "what about the 2nd component", "the next component?",
                                  "and the first pc"])
def test_another_component_right_after_the_checks_gives_them_again(text):
    assert steps(run(text, **AFTER_CHECKS)) == [("pca_validity", {})]


@pytest.mark.parametrize("text", ["And the second component?", "and the third one?"])
def test_the_same_words_after_something_else_are_not_the_checks(text):
    after_list = {"last": {"tool": "top_wards", "params": {"n": 5}}}
    assert ("pca_validity", {}) not in steps(run(text, **after_list))


@pytest.mark.parametrize("text", ["and the second ward?", "drop the second component",
                                  "and the second component for Fagge please, as a map"])
def test_more_than_a_component_is_not_the_checks(text):
    assert ("pca_validity", {}) not in steps(run(text, **AFTER_CHECKS))
