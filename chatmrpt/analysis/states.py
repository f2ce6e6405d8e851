"""Nigeria's states: two-letter codes, names and geopolitical zones (METHODOLOGY §3).

Codes are those of the INEC/GRID3 ward layer (``KN``, ``KW``...). ``number`` is a state's
place in the alphabetical list with the FCT after Enugu, which is the leading part of
real LGA codes (Kano 20xxx, Kwara 24xxx).
"""

from __future__ import annotations

from dataclasses import dataclass

NORTH_CENTRAL = "North Central"
NORTH_EAST = "North East"
NORTH_WEST = "North West"
SOUTH_EAST = "South East"
SOUTH_SOUTH = "South South"
SOUTH_WEST = "South West"


@dataclass(frozen=True)
class State:
    code: str
    name: str
    zone: str
    number: int


_ROWS = (
    ("AB", "Abia", SOUTH_EAST), ("AD", "Adamawa", NORTH_EAST),
    ("AK", "Akwa Ibom", SOUTH_SOUTH), ("AN", "Anambra", SOUTH_EAST),
    ("BA", "Bauchi", NORTH_EAST), ("BY", "Bayelsa", SOUTH_SOUTH),
    ("BE", "Benue", NORTH_CENTRAL), ("BO", "Borno", NORTH_EAST),
    ("CR", "Cross River", SOUTH_SOUTH), ("DE", "Delta", SOUTH_SOUTH),
    ("EB", "Ebonyi", SOUTH_EAST), ("ED", "Edo", SOUTH_SOUTH),
    ("EK", "Ekiti", SOUTH_WEST), ("EN", "Enugu", SOUTH_EAST),
    ("FC", "Federal Capital Territory", NORTH_CENTRAL), ("GO", "Gombe", NORTH_EAST),
    ("IM", "Imo", SOUTH_EAST), ("JI", "Jigawa", NORTH_WEST),
    ("KD", "Kaduna", NORTH_WEST), ("KN", "Kano", NORTH_WEST),
    ("KT", "Katsina", NORTH_WEST), ("KE", "Kebbi", NORTH_WEST),
    ("KO", "Kogi", NORTH_CENTRAL), ("KW", "Kwara", NORTH_CENTRAL),
    ("LA", "Lagos", SOUTH_WEST), ("NA", "Nasarawa", NORTH_CENTRAL),
    ("NI", "Niger", NORTH_CENTRAL), ("OG", "Ogun", SOUTH_WEST),
    ("ON", "Ondo", SOUTH_WEST), ("OS", "Osun", SOUTH_WEST),
    ("OY", "Oyo", SOUTH_WEST), ("PL", "Plateau", NORTH_CENTRAL),
    ("RI", "Rivers", SOUTH_SOUTH), ("SO", "Sokoto", NORTH_WEST),
    ("TA", "Taraba", NORTH_EAST), ("YO", "Yobe", NORTH_EAST),
    ("ZA", "Zamfara", NORTH_WEST),
)  # fmt: skip

STATES: dict[str, State] = {
    code: State(code, name, zone, i + 1) for i, (code, name, zone) in enumerate(_ROWS)
}
STATE_CODES = frozenset(STATES)
