"""Fixtures the home app's tests share with approvals': test approval kinds, for a
decision the route table can name."""

from tandem.approvals.tests.conftest import kinds, log  # noqa: F401
