"""The population and built-up files uploaded with a ward table: one frozen value."""

from __future__ import annotations

import dataclasses

import pytest

from chatmrpt.jobs.files import (
    EXTENSIONS,
    PLANNING_ROLES,
    POPULATION,
    POPULATION_KINDS,
    POPULATION_U5,
    POPULATION_WOMEN,
    URBAN,
    PlanningUploads,
    Upload,
)


def test_the_planning_roles_are_the_upload_roles_in_reading_order():
    assert PLANNING_ROLES == (POPULATION, URBAN, POPULATION_U5, POPULATION_WOMEN)
    assert set(POPULATION_KINDS) < set(PLANNING_ROLES)
    for role in PLANNING_ROLES:
        assert EXTENSIONS[role], role


def test_present_lists_the_files_given_in_role_order():
    women = Upload(b"w", "women.tif")
    population = Upload(b"p", "pop.csv")
    planning = PlanningUploads(population_women=women, population=population)
    assert list(planning.present().items()) == [(POPULATION, population),
                                                (POPULATION_WOMEN, women)]
    assert PlanningUploads().present() == {}


def test_it_cannot_be_changed_once_built():
    planning = PlanningUploads(urban=Upload(b"u", "urban.tif"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        planning.urban = None  # type: ignore[misc]
