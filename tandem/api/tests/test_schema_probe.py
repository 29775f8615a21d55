"""The outside probe, kept: schemathesis over every operation of the published schema.

Bounded for CI: a fixed seed (derandomised), a few generated cases per operation, once
with an administrator's write token and once with a sales rep's read token, against the
live test server over HTTP, as an outside client would. It fails on any server error,
any answer that does not match its documented schema, and any status code the operation
does not document.
The full run, with many cases per operation and every check, is bench/api_probe.py; its
figures are in docs/api-probe.md.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tandem.api.services import create_token
from tandem.conftest import grant_capture
from tandem.core.models import RateCounter

CASES_PER_OPERATION = 4
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _probe(operation: Any, token: str) -> list[str]:
    """Every failing case of one operation, as text (none are raised, so nothing is
    shrunk: the run stays bounded and reports them all)."""
    found: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=CASES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        RateCounter.objects.all().delete()  # the per-token limit is not what this probes
        try:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
        except (FailureGroup, Failure) as group:
            failures = group.exceptions if isinstance(group, FailureGroup) else (group,)
            for failure in failures:
                text = f"{failure.title}: {failure.message}"
                found.append(f"{operation.label}: {text[:600]}\n  {case.as_curl_command()}")

    run()
    return found


@pytest.mark.parametrize(("persona", "scope"), [("admin", "write"), ("sales_rep", "read")])
def test_every_operation_answers_as_documented(live_org, live_server, persona, scope):
    made, token = create_token(actor=getattr(live_org, persona), name="schema probe", scope=scope)
    if scope == "write":
        grant_capture(made)  # an integration's token: the touch operations answer too
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 80

    failures = [failure for operation in operations for failure in _probe(operation, token)]

    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(failures)
