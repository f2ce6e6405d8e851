"""Recognising the columns of a DHIS2 facility export, offline.

Every column of a facility export plays at most one *role*. Organisation-unit and period
roles: ``state``, ``lga``, ``ward``, ``facility``, ``period``, ``facility_level``. Count
roles are ``{method}_{measure}_{age}``: method ``rdt`` or ``microscopy``, measure
``tested`` or ``positive``, age ``u5`` (under five), ``o5`` (five and over, excluding
pregnant women) or ``pw`` (pregnant women) — e.g. ``rdt_tested_u5``,
``microscopy_positive_pw``. The same names are accepted in a ``--columns`` mapping.

Data-element names vary between exports and states ("&" or "and", "<5yrs" or "u5",
"≥5yrs" or ">=5yrs" or its mojibake "â‰¥5yrs", "(excl PW)" or "excluding pregnant women",
codes in front of the name...), so recognition works on a normalised form of the header
and on keywords, never on exact strings.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chatmrpt.analysis.declarations import FACILITY_LEVELS
from chatmrpt.analysis.text import fix_mojibake

METHODS = ("rdt", "microscopy")
MEASURES = ("tested", "positive")
AGE_GROUPS = ("u5", "o5", "pw")
ORG_ROLES = ("state", "lga", "ward", "facility", "period", "facility_level")
COUNT_ROLES = tuple(f"{m}_{k}_{a}" for m in METHODS for k in MEASURES for a in AGE_GROUPS)
ROLES = ORG_ROLES + COUNT_ROLES

_METHOD_LABEL = {"rdt": "RDT", "microscopy": "microscopy"}
_AGE_LABEL = {"u5": "<5yrs", "o5": "≥5yrs (excl PW)", "pw": "pregnant women"}
_MEASURE_LABEL = {"tested": "persons tested by", "positive": "persons positive by"}
ROLE_LABELS = {
    "state": "state (orgunitlevel2)",
    "lga": "LGA (orgunitlevel3)",
    "ward": "ward (orgunitlevel4)",
    "facility": "facility (organisationunitname)",
    "period": "period (periodname)",
    "facility_level": "facility level (FacilityLevel)",
} | {
    f"{m}_{k}_{a}": f"{_MEASURE_LABEL[k]} {_METHOD_LABEL[m]} {_AGE_LABEL[a]}"
    for m in METHODS
    for k in MEASURES
    for a in AGE_GROUPS
}

# Organisation-unit headers, compared after lower-casing and dropping everything that is
# not a letter or digit. Earlier entries win when an export has several candidates
# (organisationunitname is the facility even when orgunitlevel5 is also there).
_ORG_HEADERS: dict[str, tuple[str, ...]] = {
    "state": ("orgunitlevel2", "state", "statename", "states"),
    "lga": ("orgunitlevel3", "lga", "lganame", "lgas", "localgovernmentarea"),
    "ward": ("orgunitlevel4", "ward", "wardname", "wards"),
    "facility": (
        "organisationunitname",
        "organisationunit",
        "organizationunitname",
        "orgunitname",
        "orgunit",
        "orgunitlevel5",
        "facility",
        "facilityname",
        "healthfacility",
        "healthfacilityname",
        "hfname",
    ),
    "period": ("periodname", "period", "periodid", "periodcode", "month", "reportingperiod"),
    "facility_level": (
        "facilitylevel",
        "level",
        "facilitytype",
        "leveloffacility",
        "levelofcare",
        "hflevel",
        "facilitycategory",
    ),
}
_ORG_LOOKUP = {
    alias: (role, rank) for role, al in _ORG_HEADERS.items() for rank, alias in enumerate(al)
}

# Headers that mention a method but hold a rate or a treatment count, not a test count.
_NOT_A_COUNT = re.compile(
    r"%|\brate\b|positivity|percent|proportion|\bratio\b|treated|\bact\b|clinical|\btpr\b"
)
_RDT = re.compile(r"\brdts?\b")
_MICROSCOPY = re.compile(r"\bmicroscop\w*|\bmicro\b|\bmic\b|\bslides?\b")
_POSITIVE = re.compile(r"\bpositive\b|\bpos\b|\bconfirmed\b")
_TESTED = re.compile(r"\btest(ed|s)?\b|\bexamined\b")
# "excluding pregnant women" marks the five-and-over group; remove it before looking for
# the pregnant-women group so the two do not collide.
_EXCL_PW = re.compile(
    r"\(?\b(excl(uding|uded|\.)?|exc|except|without|non)\s*[.\-]?\s*(pw|pregnant( women)?|preg)\b\)?"
)
_PW = re.compile(r"\bpw\b|\bpreg\w*")
_U5 = re.compile(
    r"<\s*5|\bu\s?5\b|\bunder\s*(5|five)\b|\bbelow\s*(5|five)\b|\bless than\s*(5|five)\b"
    r"|\b0\s*-\s*4\s*y|\b0\s*-\s*59\s*m"
)
_O5 = re.compile(
    r">\s*=?\s*5|\bo5\b|\bover\s*(5|five)\b|\babove\s*(5|five)\b"
    r"|\b5\s*(yrs?|years?)?\s*(\+|and above|and over|and older|plus)"
)


def normalise_header(header: object) -> str:
    """Lower-case keyword form of a data-element header, with symbols made uniform."""
    s = fix_mojibake(str(header))
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("â‰¥", "≥").replace("\u2265", ">=").replace("=>", ">=")
    s = s.replace("\u2264", "<=").replace("&", " and ")
    s = s.lower().replace("_", " ").replace("\u00a0", " ")
    s = re.sub(r"\s+", " ", s).strip()
    # "< 5 yrs" → "<5 yrs", ">= 5" → ">=5": the age patterns then see one form
    s = re.sub(r"([<>]=?)\s+(?=\d)", r"\1", s)
    return s


def _org_key(header: object) -> str:
    return re.sub(r"[^a-z0-9]", "", fix_mojibake(str(header)).lower())


def classify_org_column(header: object) -> tuple[str, int] | None:
    """(role, rank) of an organisation-unit/period/level header; lower rank = preferred."""
    return _ORG_LOOKUP.get(_org_key(header))


def classify_count_column(header: object) -> str | None:
    """The count role of a data-element header, or None when it is not a test count."""
    s = normalise_header(header)
    if not s or _NOT_A_COUNT.search(s):
        return None
    rdt, mic = bool(_RDT.search(s)), bool(_MICROSCOPY.search(s))
    if rdt == mic:
        return None
    method = "rdt" if rdt else "microscopy"
    if _POSITIVE.search(s):
        measure = "positive"
    elif _TESTED.search(s):
        measure = "tested"
    else:
        return None
    excluded_pw = bool(_EXCL_PW.search(s))
    rest = _EXCL_PW.sub(" ", s)
    found = {
        "u5": bool(_U5.search(rest)),
        "o5": bool(_O5.search(rest)) or excluded_pw,
        "pw": bool(_PW.search(rest)),
    }
    ages = [a for a in AGE_GROUPS if found[a]]
    if len(ages) != 1:
        return None
    return f"{method}_{measure}_{ages[0]}"


def classify_column(header: object) -> str | None:
    org = classify_org_column(header)
    if org is not None:
        return org[0]
    return classify_count_column(header)


def header_score(cells: Iterable[object], extra: Iterable[str] = ()) -> int:
    """How much a row looks like an export's header: the number of recognised cells."""
    extra_set = {str(x) for x in extra}
    score = 0
    for cell in cells:
        if cell is None or (isinstance(cell, float) and cell != cell):
            continue
        text = str(cell).strip()
        if not text:
            continue
        if text in extra_set or classify_column(text) is not None:
            score += 1
    return score


@dataclass
class ColumnMap:
    """Which column plays which role, and what recognition could not decide."""

    roles: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    # role -> every column that claimed it, when more than one did
    conflicts: dict[str, list[str]] = field(default_factory=dict)
    overridden: list[str] = field(default_factory=list)

    def get(self, role: str) -> str | None:
        return self.roles.get(role)


def recognise_columns(
    columns: Iterable[object], overrides: Mapping[str, str] | None = None
) -> ColumnMap:
    """Assign roles to columns; ``overrides`` (role → column) take precedence.

    Organisation-unit roles go to the most preferred candidate. Two columns claiming the
    same count role cannot be told apart, so the role is left out and recorded as a
    conflict (the caller names both columns and points to ``--columns``).
    """
    columns = [str(c) for c in columns]
    overrides = dict(overrides or {})
    taken = set(overrides.values())
    org_best: dict[str, tuple[int, str]] = {}
    counts: dict[str, list[str]] = {}
    for col in columns:
        if col in taken:
            continue
        org = classify_org_column(col)
        if org is not None:
            role, rank = org
            if role not in org_best or rank < org_best[role][0]:
                org_best[role] = (rank, col)
            continue
        role = classify_count_column(col)
        if role is not None:
            counts.setdefault(role, []).append(col)
    roles = {role: col for role, (_, col) in org_best.items()}
    conflicts = {}
    for role, cols in counts.items():
        if len(cols) == 1:
            roles[role] = cols[0]
        else:
            conflicts[role] = cols
    for role in overrides:
        conflicts.pop(role, None)
    roles.update(overrides)
    used = set(roles.values())
    return ColumnMap(
        roles={role: roles[role] for role in ROLES if role in roles},
        ignored=[c for c in columns if c not in used],
        conflicts=conflicts,
        overridden=[role for role in ROLES if role in overrides],
    )


# Facility levels. DHIS2 Nigeria exports carry Primary/Secondary/Tertiary; other sources
# carry the facility type. Checked in this order, first hit wins: teaching hospitals and
# federal medical centres are tertiary; any other hospital (general, cottage, specialist,
# private) is secondary; health centres, posts, clinics, dispensaries and maternities are
# primary. Anything else is unknown and only counted when no level filter is set.
_LEVEL_RULES = (
    (
        "tertiary",
        re.compile(
            r"tertiary|teaching|federal medical|\bfmc\b|university|national hospital|\bl(evel)? ?3\b"
        ),
    ),
    ("secondary", re.compile(r"secondary|hospital|\bl(evel)? ?2\b")),
    (
        "primary",
        re.compile(
            r"primary|\bphc\b|\bchc\b|health (centre|center|post|clinic)|clinic|dispensary"
            r"|maternity|\bl(evel)? ?1\b"
        ),
    ),
)


def facility_level_category(value: object) -> str | None:
    """'primary', 'secondary', 'tertiary' or None for a facility-level/type cell."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = re.sub(r"[^a-z0-9]+", " ", str(value).lower()).strip()
    if s in {"1", "2", "3"}:
        return FACILITY_LEVELS[int(s) - 1]
    for level, pattern in _LEVEL_RULES:
        if pattern.search(s):
            return level
    return None


_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_YEAR = r"((?:19|20)\d\d)"


def parse_period(value: object) -> tuple[str, int | None]:
    """(canonical period key, year) for a period cell.

    Months become ``YYYY-MM`` ("January 2024", "Jan 2024", "202401", "2024-01", "01/2024",
    a date), quarters ``YYYYQn``, years ``YYYY``. Anything else keeps its text as the key
    and, if a four-digit year can be found in it, that year.
    """
    if value is None or (isinstance(value, float) and value != value):
        return "", None
    if isinstance(value, _dt.date):
        return f"{value.year:04d}-{value.month:02d}", value.year
    s = str(value).strip()
    low = s.lower()
    if re.fullmatch(r"\d+(\.0+)?", low):
        digits = low.split(".")[0]
        if len(digits) == 4 and re.fullmatch(_YEAR, digits):
            return digits, int(digits)
        if len(digits) in (6, 8) and re.fullmatch(_YEAR, digits[:4]):
            month = int(digits[4:6])
            if 1 <= month <= 12:
                return f"{digits[:4]}-{month:02d}", int(digits[:4])
    m = re.fullmatch(_YEAR + r"\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*\d{1,2})?(?:[ t].*)?", low)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}", int(m.group(1))
    m = re.fullmatch(r"(\d{1,2})\s*[-/.]\s*" + _YEAR, low)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}", int(m.group(2))
    m = re.fullmatch(r"([a-z]+)\.?[\s,\-_/]*(\d{4}|\d{2})", low)
    if m and m.group(1) in _MONTHS:
        year = int(m.group(2)) if len(m.group(2)) == 4 else 2000 + int(m.group(2))
        return f"{year:04d}-{_MONTHS[m.group(1)]:02d}", year
    m = re.fullmatch(_YEAR + r"[\s,\-_/]*([a-z]+)\.?", low)
    if m and m.group(2) in _MONTHS:
        return f"{m.group(1)}-{_MONTHS[m.group(2)]:02d}", int(m.group(1))
    m = re.fullmatch(_YEAR + r"\s*-?\s*q([1-4])", low) or re.fullmatch(
        r"q([1-4])\s*[-/ ]?\s*" + _YEAR, low
    )
    if m:
        year, quarter = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else m.groups()[::-1]
        return f"{year}Q{quarter}", int(year)
    m = re.search(r"(?<!\d)" + _YEAR + r"(?!\d)", low)
    if m:
        return s, int(m.group(1))
    return s, None
