"""ChatMRPT: ward-level malaria risk prioritisation and ITN planning."""

__version__ = "0.1.0"
