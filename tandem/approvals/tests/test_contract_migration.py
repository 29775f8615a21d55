"""The contracts' own approval columns move onto approval requests, keeping who approved
what and when; and back again."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("handoff", "0006_sla_report_covering_indexes"),
    ("attribution", "0001_initial"),
    ("approvals", "0001_requests_requirements_decisions"),
]
AFTER = [("handoff", "0008_contracts_on_approvals"), ("attribution", "0003_choice_on_approvals")]


def at(hour):
    return datetime(2026, 11, 2, hour, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_who_approved_what_and_when_is_kept():
    apps = migrate(BEFORE)
    User = apps.get_model("people", "User")
    hana, sid = (
        User.objects.create(email=f"{h}@example.test", full_name=h.title(), handle=h)
        for h in ("hana", "sid")
    )
    SlaPolicy = apps.get_model("handoff", "SlaPolicy")
    common = {"mqls_per_month": 100, "min_acceptance_rate": 60}
    old = SlaPolicy.objects.create(
        status="superseded", proposed_by=hana, proposed_at=at(9), **common,
        marketing_approved_by=hana, marketing_approved_at=at(9),
        sales_approved_by=sid, sales_approved_at=at(11), activated_at=at(11),
    )  # fmt: skip
    waiting = SlaPolicy.objects.create(
        status="proposed", proposed_by=sid, proposed_at=at(12), note="Faster", **common,
        sales_approved_by=sid, sales_approved_at=at(12),
    )  # fmt: skip
    apps.get_model("attribution", "AttributionChoice").objects.create(
        model="linear", lookback_days=90, status="withdrawn", proposed_by=hana,
        proposed_at=at(8), marketing_approved_by=hana, marketing_approved_at=at(8),
    )  # fmt: skip

    apps = migrate(AFTER)
    Request = apps.get_model("approvals", "ApprovalRequest")
    done = Request.objects.get(kind="handoff.sla", subject_id=old.pk)
    assert (done.status, done.requested_by_id, done.requester_side) == (
        "approved",
        hana.pk,
        "marketing",
    )
    assert (done.closed_at, done.closed_by_id, done.needed) == (at(11), sid.pk, 2)
    signed = {r.side: (r.satisfied_by_id, r.satisfied_at) for r in done.requirements.all()}
    assert signed == {"marketing": (hana.pk, at(9)), "sales": (sid.pk, at(11))}
    decisions = sorted(
        (d.decided_by_id, d.decided_at, d.outcome, d.version) for d in done.decisions.all()
    )
    assert decisions == [(hana.pk, at(9), "approve", 1), (sid.pk, at(11), "approve", 1)]
    open_one = Request.objects.get(kind="handoff.sla", subject_id=waiting.pk)
    assert (open_one.status, open_one.requester_side, open_one.reason) == (
        "open",
        "sales",
        "Faster",
    )
    assert open_one.closed_at is None
    assert [r.satisfied_by_id for r in open_one.requirements.order_by("position")] == [None, sid.pk]
    withdrawn = Request.objects.get(kind="attribution.model")
    assert withdrawn.status == "withdrawn" and withdrawn.decisions.count() == 1

    apps = migrate(BEFORE)  # and back: the columns are filled again, the requests gone
    back = apps.get_model("handoff", "SlaPolicy").objects.get(pk=old.pk)
    assert (back.marketing_approved_by_id, back.sales_approved_at) == (hana.pk, at(11))
    assert not apps.get_model("approvals", "ApprovalRequest").objects.exists()
    migrate(
        [
            (label, migration)
            for label, migration in MigrationExecutor(connection).loader.graph.leaf_nodes()
        ]
    )
