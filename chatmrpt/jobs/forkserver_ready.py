"""Imported last by a consumer's fork server (``chatmrpt.jobs.isolated``), once.

Moves every object imported so far out of the garbage collector's reach (``gc.freeze``):
a job process forked from the server then shares those pages with it instead of copying
them all at its first collection, which would cost about half a second per job.
"""

from __future__ import annotations

import gc

gc.collect()
gc.freeze()
