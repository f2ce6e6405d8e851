"""Synthetic Nigerian ward data: ward table, ward boundaries and a DHIS2-style export.

``chatmrpt.demo.generator`` builds a state in memory (``generate_state``) and writes its
files (``write_demo_data``); ``chatmrpt.demo.params`` holds the limits and defaults alone,
without GeoPandas, for the command line's parser. This package module imports nothing, so
importing either costs only what that module needs.
"""
