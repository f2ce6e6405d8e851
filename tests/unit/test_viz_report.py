"""The HTML report: self-contained, escaped, complete, printable."""

from __future__ import annotations

import base64
import copy
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.itn import plan_itn
from chatmrpt.analysis.urban import reprioritize
from chatmrpt.viz.report import render_report
from chatmrpt.viz.synthetic import synthetic_analysis

HOSTILE_WARD = "<img src=x onerror=alert(1)>"
HOSTILE_LGA = "<script>alert('lga')</script>"
HOSTILE_VARIABLE = '"><svg onload=alert(3)>'


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def result():
    return synthetic_analysis(90, seed=21)


@pytest.fixture(scope="module")
def hostile(result):
    wards = result.wards.copy()
    wards.loc[0, "WardName"] = HOSTILE_WARD
    wards.loc[0, "LGA"] = HOSTILE_LGA
    wards = wards.rename(columns={"rainfall": HOSTILE_VARIABLE})
    meta = copy.deepcopy(result.metadata)
    for v in meta["variables"]:
        if v["name"] == "rainfall":
            v["name"] = HOSTILE_VARIABLE
    meta["warnings"] = [f"{HOSTILE_VARIABLE}: 3 values filled for {HOSTILE_WARD}."]
    meta["imputation"]["report"] = [
        {
            "ward": HOSTILE_WARD,
            "row": 0,
            "variable": HOSTILE_VARIABLE,
            "method": "neighbour_mean",
            "value": 812.5,
        }
    ]
    meta["imputation"]["cells"] = 1
    meta["join_report"] = {
        "rule_counts": {"ward_code": 0, "name_lga": 0, "name": 88, "fuzzy": 1},
        "matched": 89,
        "table_rows": 90,
        "boundary_features": 89,
        "lga_key": None,
        "unmatched_table": [{"row": 0, "WardName": HOSTILE_WARD, "LGA": HOSTILE_LGA}],
        "unmatched_boundaries": [],
        "unmatched_table_count": 1,
        "unmatched_boundaries_count": 0,
        "fuzzy_matches": [
            {"row": 16, "table_name": "Fagg c", "boundary_name": "Fagge C", "score": 92.3}
        ],
        "ambiguous": [],
        "warnings": [f"1 ward matched by approximate name: {HOSTILE_WARD}"],
        "identity_from_boundaries": ["WardCode", "LGACode"],
    }
    meta["dropped_variables"] = [
        {
            "variable": "<b>ndvi</b>",
            "reason": "constant",
            "message": "<b>ndvi</b>: every ward has the same value.",
        }
    ]
    return wards, meta


@pytest.fixture(scope="module")
def report(hostile, result):
    wards, meta = hostile
    plan = plan_itn(wards, total_nets=60_000, household_size=5)
    order = np.argsort(wards["composite_rank"].to_numpy())[:20]
    return render_report(
        wards,
        meta,
        plan=plan,
        reprioritization=reprioritize(wards),
        title="Kano <b>test</b>",
        model_scores=result.model_scores(order),
        generated="2026-01-31",
    )


def test_user_text_is_escaped_everywhere(report):
    page = _parse(report)
    assert [t for t, _ in page.tags if t in ("script", "svg", "iframe", "object", "embed")] == []
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], tag
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,")
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    assert "&lt;script&gt;alert(&#x27;lga&#x27;)&lt;/script&gt;" in report
    assert "&quot;&gt;&lt;svg onload=alert(3)&gt;" in report
    text = "".join(page.text)
    assert HOSTILE_WARD in text and HOSTILE_VARIABLE in text  # shown, as text
    assert "Kano <b>test</b>" in text


def test_the_report_fetches_nothing(report):
    page = _parse(report)
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("data:"), (tag, value)
    assert "http://" not in report and "https://" not in report
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert metas and "default-src 'none'" in metas[0]["content"]


def test_images_are_real_pngs(report):
    page = _parse(report)
    images = [a["src"] for t, a in page.tags if t == "img"]
    # composite, category, PCA, consensus, urban, ITN maps + boxes, ranks, ITN bars
    assert len(images) == 9
    for src in images:
        data = base64.b64decode(src.split(",", 1)[1])
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000


def test_methodology_parameters_and_variables_are_explained(report, hostile):
    wards, meta = hostile
    for phrase in (
        "median",
        "two or more",
        "Normalisation",
        "inverse",
        "neighbours",
        "Kaiser-Meyer-Olkin",
        "Bartlett",
        "thirds",
        "26 ways",
    ):
        assert phrase in report, phrase
    text = "".join(_parse(report).text)
    for v in meta["variables"]:
        assert v["name"] in text
    assert "housing_quality" in text and "inverse" in text
    assert "Normalisation" in text and "linear" in text


def test_tables_hold_the_top_20_and_every_ward(report, hostile):
    wards, _ = hostile
    html = report
    top = html.split("most vulnerable wards</h2>", 1)[1].split("</table>", 1)[0]
    assert top.count("<tr>") == 21  # header + 20
    ranking = html.split("All wards by rank</h2>", 1)[1].split("</table>", 1)[0]
    assert ranking.count("<tr>") == len(wards) + 1
    first = wards.loc[wards["composite_rank"] == 1, "WardName"].iloc[0]
    assert first in top


def test_plan_reprioritisation_and_data_quality_sections(report):
    assert "ITN distribution plan" in report and "Nets allocated" in report
    assert "60,000" in report  # the stock of nets
    assert "Urban reprioritisation" in report and "Selected wards" in report
    quality = report.split("Data quality</h2>", 1)[1]
    assert "89 of 90 wards in the table" in quality
    assert "ward name 88, approximate name 1" in quality
    assert "Fagge C" in quality and "Identity from boundaries" in quality
    assert "Table wards without a boundary</th><td>1: &lt;img" in quality
    assert "mean of neighbours" in quality and "812.5" in quality
    assert "&lt;b&gt;ndvi&lt;/b&gt;" in quality and "same value in every ward" in quality
    assert "KMO" in quality and "p = " in quality
    assert "2026-01-31" in report


def test_print_styles_break_pages_between_sections(report):
    assert "@media print" in report and "break-before: page" in report
    assert "thead { display: table-header-group; }" in report
    assert "@page" in report


def test_without_boundaries_pca_or_plan(result):
    wards = pd.DataFrame(
        result.wards.drop(
            columns=["geometry", "pca_score", "pca_rank", "pca_category", "consensus_category"]
        )
    )
    meta = copy.deepcopy(result.metadata)
    meta["pca"] = {
        "suitable": False,
        "reason": "KMO is 0.41 (unacceptable)",
        "kmo": 0.41,
        "kmo_label": "unacceptable",
        "bartlett_chi2": 3.2,
        "bartlett_df": 10,
        "bartlett_p": 0.97,
    }
    html = render_report(wards, meta)
    assert "no maps" in html
    assert "<img" not in html
    # the reason in plain words: the value and the threshold, not Kaiser's labels
    assert "KMO is 0.41" in html and "at least 0.5 is needed" in html
    assert "unacceptable" not in html
    assert "ITN distribution plan" not in html
    assert html == render_report(wards, meta)  # same inputs, same report


def test_table_checks_and_population_sources_are_in_the_data_quality_section():
    from chatmrpt.analysis.ingest import load_dataset
    from chatmrpt.analysis.params import AnalysisParams
    from chatmrpt.analysis.pipeline import run_analysis
    from tests._field_data import KANO_BOUNDARIES, KANO_TABLE

    kano = run_analysis(load_dataset(KANO_TABLE, KANO_BOUNDARIES), AnalysisParams.from_dict({}))
    text = " ".join(_parse(render_report(kano.wards, kano.metadata)).text)
    assert "Checks on the ward table" in text
    assert "hold the same number in every ward where both have a value" in text
    assert "same numbers as another variable" in text  # housing_quality left out
    assert "Population and urban share" in text
    assert "Urban Yes/No attribute, read as 100% urban for Yes" in text
    # a clean synthetic analysis says so
    clean = synthetic_analysis(30, seed=3)
    meta = dict(clean.metadata, quality=[])
    assert "No identical or constant columns" in render_report(clean.wards, meta)


def test_the_plan_is_told_without_jargon(report):
    text = "".join(_parse(report).text)
    assert "ITN distribution plan" in text
    lower = text.lower()
    assert "tier" not in lower and "strategy stop" not in lower, [
        line for line in text.splitlines() if "tier" in line.lower()
    ]
    assert "stop at the first ward that does not fit" in text
    assert "served last" in text
