"""The names of the files the tool writes, declared once.

The command line writes them to a folder, the service stores them as artifacts of a
session; both use these names (CONTRACT.md lists them).
"""

from __future__ import annotations

# an analysis (chatmrpt analyze; an analysis job)
UNIFIED = "unified_dataset"  # the unified dataset: one row per ward, every result
UNIFIED_CSV = f"{UNIFIED}.csv"
UNIFIED_PARQUET = f"{UNIFIED}.geoparquet"
MODEL_SCORES = "model_scores.parquet"
MODELS_CSV = "models.csv"
ANALYSIS_JSON = "analysis.json"

# an ITN plan (chatmrpt itn; POST .../itn-plans)
ITN_PLAN = "itn_plan"
ITN_PLAN_CSV = f"{ITN_PLAN}.csv"
ITN_PLAN_JSON = f"{ITN_PLAN}.json"
ITN_PLAN_BY_LGA_CSV = f"{ITN_PLAN}_by_lga.csv"

# an urban reprioritisation (chatmrpt reprioritize; POST .../reprioritizations)
REPRIORITIZATION_CSV = "reprioritization.csv"
REPRIORITIZATION_JSON = "reprioritization.json"

# a TPR run (POST .../tpr); the command line writes --out, TPR_BY_YEAR_CSV and TREND_CSV
WARD_TPR_CSV = "ward_tpr.csv"
TPR_BY_YEAR_CSV = "tpr_by_year.csv"
TPR_TREND_CSV = "tpr_trend.csv"
TPR_REPORT_JSON = "tpr_report.json"
TREND_CSV = "trend.csv"
RANKING_BY_YEAR_CSV = "ranking_by_year.csv"
