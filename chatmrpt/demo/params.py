"""Limits and defaults of the demo-data generator (kept light: the CLI imports them to
build its parser without loading the geospatial stack)."""

MIN_WARDS = 100
MAX_WARDS = 100_000
DEFAULT_SEED = 1
DEFAULT_STATE = "KN"  # Kano, North West zone
