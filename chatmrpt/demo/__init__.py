"""Synthetic Nigerian ward data: ward table, ward boundaries and a DHIS2-style export.

``generate_state`` builds a state in memory; ``write_demo_data`` writes its files. The
names below load on first use, so importing a light sub-module (``chatmrpt.demo.params``,
``chatmrpt.demo.facility``) does not pull in geopandas.
"""

from __future__ import annotations

import importlib

from chatmrpt.demo.params import DEFAULT_SEED, DEFAULT_STATE, MAX_WARDS, MIN_WARDS

_LAZY = {
    "BOUNDARIES_FILE": "chatmrpt.demo.generator",
    "FACILITY_FILE": "chatmrpt.demo.generator",
    "VARIABLES": "chatmrpt.demo.generator",
    "WARD_COLUMNS": "chatmrpt.demo.generator",
    "WARDS_FILE": "chatmrpt.demo.generator",
    "DemoState": "chatmrpt.demo.generator",
    "generate_state": "chatmrpt.demo.generator",
    "write_demo_data": "chatmrpt.demo.generator",
    "write_state": "chatmrpt.demo.generator",
    "STATES": "chatmrpt.demo.states",
}

__all__ = ["DEFAULT_SEED", "DEFAULT_STATE", "MAX_WARDS", "MIN_WARDS", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
