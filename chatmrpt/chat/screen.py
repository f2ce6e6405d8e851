"""What the page shows beside the chat: the map or chart on the screen.

The browser page draws maps and charts by itself (the vulnerability map when an analysis
finishes, the one the analyst picks), so only the page knows what is on the screen. It sends
that view with each message (``shown`` in ``POST .../messages``) and "save that map" or
"png of the one shown" then means that figure. A view is checked here: a figure kind the
service does not make is refused with a message saying which kinds exist.
"""

from __future__ import annotations

import math
from typing import Any

from chatmrpt.analysis.declarations import MAP_KINDS, PLOT_KINDS
from chatmrpt.errors import InputError

MAX_NAME = 200


def _fail(why: str) -> InputError:
    return InputError("invalid_request", f"'shown' (the figure on the page) {why}.")


def _map(view: dict[str, Any]) -> dict[str, Any]:
    what = view.get("what")
    if what not in MAP_KINDS:
        raise _fail(f"names a map kind that does not exist ({str(what)[:40]!r}); the map kinds "
                    f"are {', '.join(MAP_KINDS)}")
    out: dict[str, Any] = {"kind": "map", "what": what, "variable": None, "threshold": None}
    variable = view.get("variable")
    if what == "variable":
        if not isinstance(variable, str) or not variable.strip() or len(variable) > MAX_NAME:
            raise _fail("is a variable map without the variable's name")
        out["variable"] = variable
    threshold = view.get("threshold")
    if what == "urban" and threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or \
                not math.isfinite(threshold) or not 0 <= threshold <= 100:
            raise _fail("has an urban threshold outside 0-100")
        out["threshold"] = threshold
    return out


def view_on_page(view: Any) -> dict[str, Any] | None:
    """The figure the page shows, as the chat remembers figures it showed itself
    (``{"kind": "map", "what": ..., "variable": ..., "threshold": ...}`` or
    ``{"kind": "chart", "what": ..., "map": <the map beside it>}``); None when the page
    shows none."""
    if view is None:
        return None
    if not isinstance(view, dict):
        raise _fail("must be an object such as {\"kind\": \"map\", \"what\": \"composite\"}")
    kind = view.get("kind")
    if kind == "map":
        return _map(view)
    if kind == "chart":
        what = view.get("what")
        if what not in PLOT_KINDS:
            raise _fail(f"names a chart kind that does not exist ({str(what)[:40]!r}); the "
                        f"chart kinds are {', '.join(PLOT_KINDS)}")
        out: dict[str, Any] = {"kind": "chart", "what": what}
        beside = view.get("map")
        if beside is not None:
            if not isinstance(beside, dict) or beside.get("kind", "map") != "map":
                raise _fail("has a 'map' beside the chart that is not a map")
            out["map"] = _map(beside)
        return out
    raise _fail(f"has kind {str(kind)[:40]!r}; it must be \"map\" or \"chart\"")
