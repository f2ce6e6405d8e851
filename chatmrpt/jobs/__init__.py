"""Background jobs: records in the store, wake-up messages in Huey, leases for recovery.

``runner`` submits and runs jobs, ``lease`` holds their state changes, ``kinds`` the
registry of what a job can be (``analysis`` in ``analysis``), ``reaper`` recovers jobs of
dead consumers, ``retention`` removes expired sessions, ``consumer`` runs it all.
"""
