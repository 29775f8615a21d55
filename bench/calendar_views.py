"""The calendar's month view (and the week, quarter and timeline views) with many campaigns
in range: server time measured in-process with Django's test client (no network), as a
marketer sees the calendar.

Writes its campaigns (``--campaigns`` spread over the month, many running across weeks)
inside a transaction that is rolled back at the end, so it runs against any seeded
database. The floor is the least the view's read needs: the same columns of the same
campaigns read plainly as tuples, in one query, with no layout and no template.
"""

import argparse
from datetime import date, timedelta

from common import database, setup, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaigns", type=int, default=5000, help="campaigns in the month")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction
    from django.test import Client

    from tandem.campaigns.models import Campaign
    from tandem.people.models import Membership, User

    marketer = User.objects.filter(
        memberships__team__function="marketing", memberships__role=Membership.Role.MEMBER
    ).first()
    assert marketer, "needs a seeded organisation (tandem seed)"
    month = date(2031, 3, 1)  # a month the demo leaves empty, so only ours are in it
    types = [t for t in Campaign.Type.values if t != "other"]

    with transaction.atomic():
        Campaign.objects.bulk_create(
            Campaign(
                name=f"Bench campaign {n}",
                type=types[n % len(types)],
                channel="email",
                status="planned" if n % 3 else "live",
                starts_on=month + timedelta(days=n % 28),
                ends_on=month + timedelta(days=n % 28 + (n % 17)),
                region=("North", "South", "")[n % 3],
                owner=marketer,
                team_id=marketer.home_team_id(),
                form_key=f"bench-cal-{n}",
            )
            for n in range(args.campaigns)
        )
        if connection.vendor == "postgresql":  # as autovacuum would have, for the planner
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE campaigns_campaign")
        first, last = month, date(2031, 3, 31)
        in_range = Campaign.objects.overlapping(first, last).count()
        print(f"database={database()} campaigns in March 2031: {in_range:,}")
        columns = ("id", "name", "type", "status", "starts_on", "ends_on", "team_id", "version")

        def floor() -> None:
            list(Campaign.objects.overlapping(first, last).order_by().values_list(*columns))

        print(summary("floor: read the month's items (same columns, tuples)", timed(
            floor, args.runs)))  # fmt: skip
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(marketer)
        for view, runs in (("month", args.runs), ("week", args.runs), ("quarter", 20),
                           ("timeline", 20)):  # fmt: skip
            url = f"/calendar/?view={view}&on=2031-03-10"

            def page(url: str = url) -> None:
                assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200

            print(summary(f"{view} view (the grid, as htmx asks for it)", timed(page, runs)))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
