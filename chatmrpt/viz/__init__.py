"""Maps, charts, the report and downloads, drawn from an analysis's unified dataset.

Pure functions from data frames to JSON-able dicts, bytes or text; nothing here knows about
the web framework, the store or the jobs. Modules are imported on use, so importing this
package does not load plotly or matplotlib:

- ``geojson``: ``simplify_for_web`` — ward shapes for the browser within a byte budget.
- ``maps``: ``map_figure`` — interactive ward maps (Plotly JSON, no tile server).
- ``plots``: ``model_score_boxplot``, ``rank_comparison_plot``, ``itn_coverage_by_lga``.
- ``png``: ``map_png``, ``boxplot_png``, ``rank_comparison_png``, ``itn_coverage_png``.
- ``report``: ``render_report`` — one self-contained HTML file.
- ``exports``: ``export_unified`` — csv, xlsx, geojson, geoparquet.
- ``layers``: what each map shows (shared by the interactive and the printed maps).
- ``synthetic``: realistic synthetic states for the benchmarks and tests.
"""
