"""The Nigerian states a demo dataset can be placed in.

Codes, names, zones and numbers come from :mod:`chatmrpt.analysis.states`; this adds where
on the map a demo state is drawn (approximate centres) and which naming traditions its
ward names follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatmrpt.analysis import states as nigeria

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

# code -> centre (lon, lat), naming traditions
_STATE_ROWS = (
    ("AB", 7.50, 5.45, _I),
    ("AD", 12.40, 9.30, _H),
    ("AK", 7.85, 4.95, _SS_MIXED),
    ("AN", 6.95, 6.20, _I),
    ("BA", 9.90, 10.70, _H),
    ("BY", 6.10, 4.75, _SS_MIXED),
    ("BE", 8.70, 7.35, _NC_MIXED),
    ("BO", 13.10, 11.80, _H),
    ("CR", 8.60, 5.90, _SS_MIXED),
    ("DE", 6.00, 5.50, _SS_MIXED),
    ("EB", 8.05, 6.25, _I),
    ("ED", 5.90, 6.60, _SS_MIXED),
    ("EK", 5.30, 7.70, _Y),
    ("EN", 7.40, 6.55, _I),
    ("FC", 7.20, 8.85, _NC_MIXED),
    ("GO", 11.20, 10.30, _H),
    ("IM", 7.05, 5.50, _I),
    ("JI", 9.50, 12.20, _H),
    ("KD", 7.70, 10.40, _H),
    ("KN", 8.50, 11.70, _H),
    ("KT", 7.60, 12.40, _H),
    ("KE", 4.20, 11.60, _H),
    ("KO", 6.70, 7.80, ((YORUBA, 0.6), (HAUSA, 0.4))),
    ("KW", 4.60, 8.90, ((YORUBA, 0.8), (HAUSA, 0.2))),
    ("LA", 3.60, 6.55, _Y),
    ("NA", 8.30, 8.50, _H),
    ("NI", 5.60, 9.90, _H),
    ("OG", 3.50, 7.00, _Y),
    ("ON", 5.00, 7.00, _Y),
    ("OS", 4.55, 7.55, _Y),
    ("OY", 3.60, 8.10, _Y),
    ("PL", 9.40, 9.20, _H),
    ("RI", 6.85, 4.85, _SS_MIXED),
    ("SO", 5.30, 13.00, _H),
    ("TA", 10.80, 8.00, _H),
    ("YO", 11.50, 12.30, _H),
    ("ZA", 6.20, 12.10, _H),
)

STATES: dict[str, StateInfo] = {
    code: StateInfo(
        code,
        nigeria.STATES[code].name,
        nigeria.STATES[code].number,
        nigeria.STATES[code].zone,
        lon,
        lat,
        styles,
    )
    for code, lon, lat, styles in _STATE_ROWS
}
