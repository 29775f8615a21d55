"""What every page pays for the navigation's "Decisions" count, and the Decisions page's
server time, with many joint decisions open: measured in-process with Django's test
client (no network), as the sales head who must decide them sees them.

Writes its requests (SLA proposals, each waiting for a sales head) inside a transaction
that is rolled back at the end, so it can run against any database, demo or large.
The floor is a plain count of the open requests (the least a count over them can do).
"""

import argparse

from common import database, setup, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--open", type=int, default=5000, help="open requests to create")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--explain", action="store_true", help="print the count's plan")
    args = parser.parse_args()
    setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from tandem.approvals.models import ApprovalRequest, Requirement
    from tandem.handoff.models import SlaPolicy
    from tandem.people.models import Membership, User

    head = User.objects.filter(
        memberships__role=Membership.Role.HEAD, memberships__team__function="sales"
    ).first()
    marketing = User.objects.filter(
        memberships__role=Membership.Role.HEAD, memberships__team__function="marketing"
    ).first()
    assert head and marketing, "needs a seeded organisation (tandem seed)"

    with transaction.atomic():
        now = timezone.now()
        policies = SlaPolicy.objects.bulk_create(
            SlaPolicy(mqls_per_month=100 + n, min_acceptance_rate=60, proposed_at=now)
            for n in range(args.open)
        )
        subject_type = ContentType.objects.get_for_model(SlaPolicy)
        requests = ApprovalRequest.objects.bulk_create(
            ApprovalRequest(
                kind="handoff.sla",
                subject_type=subject_type,
                subject_id=p.pk,
                title=f"SLA {p.pk}",
                requested_by=marketing,
                requester_side="marketing",
                needed=2,
                requested_at=now,
            )
            for p in policies
        )
        Requirement.objects.bulk_create(
            Requirement(
                request=r,
                position=i,
                role="head_of",
                function=side,
                label=f"a head of a {side} team",
                side=side,
                satisfied_by=marketing if side == "marketing" else None,
                satisfied_at=now if side == "marketing" else None,
            )
            for r in requests
            for i, side in enumerate(("marketing", "sales"))
        )
        if connection.vendor == "postgresql":  # as autovacuum would have, for the planner
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE approvals_approvalrequest, approvals_requirement")
        if args.explain:
            reader0 = User.objects.get(pk=head.pk)
            print(ApprovalRequest.objects.waiting_for(reader0).explain(analyze=True))
        total = ApprovalRequest.objects.open().count()
        print(f"database={database()} open requests={total:,}")
        reader = User.objects.get(pk=head.pk)
        waiting = ApprovalRequest.objects.waiting_for(reader).count()
        assert waiting >= args.open, waiting
        print(summary("floor: count the open requests", timed(
            lambda: ApprovalRequest.objects.open().count(), args.runs)))  # fmt: skip
        print(summary(f"navigation count: {waiting:,} waiting for the sales head", timed(
            lambda: ApprovalRequest.objects.waiting_for(reader).count(), args.runs)))  # fmt: skip
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(head)

        def page() -> None:
            assert client.get("/decisions/").status_code == 200

        print(summary("Decisions page (30 cards)", timed(page, max(20, args.runs // 5))))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
