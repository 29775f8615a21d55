"""Each persona's home page: a summary of the apps below it (teams, notifications, ...).

An app of its own, above every app it summarises, so that none of them imports upward to
be shown here.
"""
