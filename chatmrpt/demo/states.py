"""The Nigerian states a demo dataset can be placed in.

Codes are the two-letter state codes of the INEC/GRID3 ward layer (``KN``, ``KW``...);
the number is the state's position in the alphabetical list (FCT between Enugu and
Gombe), which is the leading part of real LGA codes (Kano 20xxx, Kwara 24xxx).
Centres are approximate and only decide where on the map a demo state is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

NORTH_CENTRAL = "North Central"
NORTH_EAST = "North East"
NORTH_WEST = "North West"
SOUTH_EAST = "South East"
SOUTH_SOUTH = "South South"
SOUTH_WEST = "South West"

# naming traditions used for ward, LGA and facility names
HAUSA = "hausa"
YORUBA = "yoruba"
IGBO = "igbo"


@dataclass(frozen=True)
class StateInfo:
    code: str
    name: str
    number: int
    zone: str
    lon: float
    lat: float
    # weights of the naming traditions in the state
    name_styles: tuple[tuple[str, float], ...]

    @property
    def prefix(self) -> str:
        """The lower-case code DHIS2 puts in front of every org unit name (``kn Dala ...``)."""
        return self.code.lower()

    @property
    def capital_lga(self) -> str:
        return "Abuja Municipal" if self.code == "FC" else f"{self.name} Municipal"


_H = ((HAUSA, 1.0),)
_Y = ((YORUBA, 1.0),)
_I = ((IGBO, 1.0),)
_NC_MIXED = ((HAUSA, 0.6), (YORUBA, 0.4))
_SS_MIXED = ((IGBO, 0.6), (YORUBA, 0.4))

_STATE_ROWS = (
    ("AB", "Abia", SOUTH_EAST, 7.50, 5.45, _I),
    ("AD", "Adamawa", NORTH_EAST, 12.40, 9.30, _H),
    ("AK", "Akwa Ibom", SOUTH_SOUTH, 7.85, 4.95, _SS_MIXED),
    ("AN", "Anambra", SOUTH_EAST, 6.95, 6.20, _I),
    ("BA", "Bauchi", NORTH_EAST, 9.90, 10.70, _H),
    ("BY", "Bayelsa", SOUTH_SOUTH, 6.10, 4.75, _SS_MIXED),
    ("BE", "Benue", NORTH_CENTRAL, 8.70, 7.35, _NC_MIXED),
    ("BO", "Borno", NORTH_EAST, 13.10, 11.80, _H),
    ("CR", "Cross River", SOUTH_SOUTH, 8.60, 5.90, _SS_MIXED),
    ("DE", "Delta", SOUTH_SOUTH, 6.00, 5.50, _SS_MIXED),
    ("EB", "Ebonyi", SOUTH_EAST, 8.05, 6.25, _I),
    ("ED", "Edo", SOUTH_SOUTH, 5.90, 6.60, _SS_MIXED),
    ("EK", "Ekiti", SOUTH_WEST, 5.30, 7.70, _Y),
    ("EN", "Enugu", SOUTH_EAST, 7.40, 6.55, _I),
    ("FC", "Federal Capital Territory", NORTH_CENTRAL, 7.20, 8.85, _NC_MIXED),
    ("GO", "Gombe", NORTH_EAST, 11.20, 10.30, _H),
    ("IM", "Imo", SOUTH_EAST, 7.05, 5.50, _I),
    ("JI", "Jigawa", NORTH_WEST, 9.50, 12.20, _H),
    ("KD", "Kaduna", NORTH_WEST, 7.70, 10.40, _H),
    ("KN", "Kano", NORTH_WEST, 8.50, 11.70, _H),
    ("KT", "Katsina", NORTH_WEST, 7.60, 12.40, _H),
    ("KE", "Kebbi", NORTH_WEST, 4.20, 11.60, _H),
    ("KO", "Kogi", NORTH_CENTRAL, 6.70, 7.80, ((YORUBA, 0.6), (HAUSA, 0.4))),
    ("KW", "Kwara", NORTH_CENTRAL, 4.60, 8.90, ((YORUBA, 0.8), (HAUSA, 0.2))),
    ("LA", "Lagos", SOUTH_WEST, 3.60, 6.55, _Y),
    ("NA", "Nasarawa", NORTH_CENTRAL, 8.30, 8.50, _H),
    ("NI", "Niger", NORTH_CENTRAL, 5.60, 9.90, _H),
    ("OG", "Ogun", SOUTH_WEST, 3.50, 7.00, _Y),
    ("ON", "Ondo", SOUTH_WEST, 5.00, 7.00, _Y),
    ("OS", "Osun", SOUTH_WEST, 4.55, 7.55, _Y),
    ("OY", "Oyo", SOUTH_WEST, 3.60, 8.10, _Y),
    ("PL", "Plateau", NORTH_CENTRAL, 9.40, 9.20, _H),
    ("RI", "Rivers", SOUTH_SOUTH, 6.85, 4.85, _SS_MIXED),
    ("SO", "Sokoto", NORTH_WEST, 5.30, 13.00, _H),
    ("TA", "Taraba", NORTH_EAST, 10.80, 8.00, _H),
    ("YO", "Yobe", NORTH_EAST, 11.50, 12.30, _H),
    ("ZA", "Zamfara", NORTH_WEST, 6.20, 12.10, _H),
)

STATES: dict[str, StateInfo] = {
    code: StateInfo(code, name, i + 1, zone, lon, lat, styles)
    for i, (code, name, zone, lon, lat, styles) in enumerate(_STATE_ROWS)
}
