"""Downloads a programme analyst opens: the Excel rankings say how they were made and show
scores rounded, one format per column; the HTML report says when it was generated."""

from __future__ import annotations

import io
import re

from tests.integration.test_web_views import download, ilorin  # noqa: F401  (fixture)


def test_excel_rankings_have_an_about_sheet_and_rounded_scores(ilorin):  # noqa: F811
    from openpyxl import load_workbook

    session, analysis_id = ilorin
    summary = session.get(f"/analyses/{analysis_id}").json["summary"]
    _, data = download(session, {"what": "rankings", "format": "xlsx", "analysis_id": analysis_id})
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Wards", "About"]
    wards = book["Wards"]
    header = [c.value for c in wards[1]]
    rows = list(wards.iter_rows(min_row=2))
    assert len(rows) == summary["wards"]
    for name in ("composite_score", "composite_rank"):
        cells = [r[header.index(name)] for r in rows]
        # the cell keeps the value; one display format for the whole column
        assert {c.number_format for c in cells} == {
            "0.000" if name.endswith("score") else "0"
        }, name
    about = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2)}
    assert re.fullmatch(r"\d{2} \w{3} \d{4}, \d{2}:\d{2} UTC", about["Generated"])
    for v in summary["variables"]:
        assert about[f"Variable: {v['name']}"].startswith(v["direction"])
    assert about["Wards ranked"] == summary["wards"]


def test_the_report_says_when_it_was_generated(ilorin):  # noqa: F811
    session, analysis_id = ilorin
    _, data = download(session, {"what": "report", "analysis_id": analysis_id})
    text = data.decode()
    assert re.search(r"generated \d{2} \w{3} \d{4}, \d{2}:\d{2} UTC", text), text[:2000]
