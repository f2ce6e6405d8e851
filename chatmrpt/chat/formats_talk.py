"""Questions about the file formats themselves ("would the html version of that map open in
QGIS?", "what's the difference between geojson and geoparquet?", "can I open the csv in
Excel?"): answered in plain words, nothing exported.

Only a question is read here, and only one that asks for no file: "can you save it as
geojson?" and "export the map as html" are requests, left to the export readers.
"""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import Decision

_FORMAT = {
    "csv": "csv", "excel": "xlsx", "xlsx": "xlsx", "xls": "xlsx", "spreadsheet": "xlsx",
    "png": "png", "picture": "png", "image": "png", "html": "html", "web page": "html",
    "geojson": "geojson", "geo json": "geojson", "geoparquet": "geoparquet",
    "geo parquet": "geoparquet", "parquet": "geoparquet",
}  # fmt: skip
_FORMAT_SAID = re.compile(r"\b(?:" + "|".join(sorted((re.escape(k) for k in _FORMAT), key=len,
                                                      reverse=True)) + r")\b")
_PROGRAM = re.compile(r"\b(?:qgis|arc\s*gis|arcmap|google\s+earth|excel|word|powerpoint|phone"
                      r"|browser|chrome|r\s*studio|stata|spss|dhis\s*2?|kobo)\b")
# the message asks about a format, not for a file
_ASKS_ABOUT = re.compile(
    r"\b(?:(?:what|wetin)(?:'?s|\s+is|\s+be)?\s+(?:the\s+)?(?:difference|diff)\b"
    r"|(?:which|wetin)\s+(?:one\s+|format\s+)?(?:is\s+)?(?:better|best|smaller|lighter)"
    r"|(?:would|will|does|do|can|could)\s+(?:i\s+|we\s+|it\s+|they\s+|the\s+\w+(?:\s+\w+){0,4}\s+)?"
    r"(?:open|load|work|run|show|display|import)\w*\s+(?:in|on|with|into)\b"
    r"|(?:open|load|import)\s+(?:it|them|that|this|the\s+\w+)\s+(?:in|on|into|with)\b"
    r"|what\s+(?:is|are)\s+(?:a\s+|an\s+)?(?:geojson|geoparquet|parquet|html|csv|xlsx|png)\b)")
# a file asked for in the same message: not this reading
_FILE_ASKED = re.compile(r"\b(?:export|download|save|send|e-?mail|give\s+me|make\s+(?:me\s+)?"
                         r"(?:a|an|the)|generate|create|produce|share)\b")

_ABOUT = {
    "csv": "CSV is a plain table (one row per ward); it opens in Excel, Google Sheets, R, Stata "
           "and any text editor, and QGIS can join it to the ward boundaries by ward code.",
    "xlsx": "Excel (.xlsx) is a workbook for Excel, LibreOffice or Google Sheets; it keeps the "
            "table as it is, without the ward shapes.",
    "png": "PNG is a picture of the map or chart, for a report or a slide; it has no data in "
           "it and cannot be used as a map layer.",
    "html": "HTML is an interactive page (zoom, hover for each ward's values) that opens in any "
            "web browser, even offline; it is not a GIS layer, so QGIS or ArcGIS cannot open it "
            "as a map.",
    "geojson": "GeoJSON is a map layer (the ward shapes with their values) that QGIS, ArcGIS, "
               "Google Earth and web maps open directly; it is plain text and larger.",
    "geoparquet": "GeoParquet is the same map layer in a compact binary file: smaller and faster "
                  "for big tables; GeoPandas and recent QGIS versions (built with GDAL's "
                  "Parquet driver) read it, older programs may not.",
}


def format_question(text: str) -> Decision | None:
    """The answer to a question about one or two file formats; None for anything else."""
    low = ex.lower_text(text)
    if not _ASKS_ABOUT.search(low) or _FILE_ASKED.search(low):
        return None
    # "open it in excel": the program, not the format
    named = re.sub(r"\b(?:in|on|with|into|using)\s+(?:ms\s+|microsoft\s+)?excel\b", " ", low)
    said = list(dict.fromkeys(_FORMAT[m.group(0)] for m in _FORMAT_SAID.finditer(named)))
    if not said or len(said) > 2:
        return None
    if "?" not in low and not re.match(r"^\W*(?:what|which|would|will|does|do|can|could|wetin)\b",
                                       low):
        return None
    lines = [_ABOUT[f] for f in said]
    if "html" not in said and "geojson" not in said and re.search(r"\bq\s*gis|arc\s*gis\b", low):
        lines.append("For QGIS or ArcGIS, the map layer to ask for is GeoJSON (or GeoParquet), "
                     "e.g. \"export the unified dataset as geojson\".")
    elif "html" in said and _PROGRAM.search(low) and re.search(r"\bq\s*gis|arc\s*gis\b", low):
        lines.append("For QGIS, ask for the same data as a GeoJSON layer, e.g. \"export the "
                     "unified dataset as geojson\".")
    lines.append("Nothing was exported; say which file you want and in which format.")
    return Decision(text=" ".join(lines), reading={"about_formats": said})
