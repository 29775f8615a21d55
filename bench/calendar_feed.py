"""Issue 15: the server time of a calendar feed (the ICS Outlook, Google and Apple
Calendar poll), measured in-process with Django's test client (no network): a feed of N
items built from nothing (every event serialised), rebuilt after one campaign changed
(the other events' texts kept, ``calendar.ics``), the same body kept for its ETag (a poll
without If-None-Match, as Google Calendar's), and the 304 a client whose copy is
current gets.

Writes its organisation (a team, a person, N campaigns in the feed's window, sales'
readiness on a third of them, a feed) inside a transaction rolled back at the end, so
it runs on any migrated database, empty or seeded. Floors, the least work each answer
needs: for the feed, the same columns read plainly (no visibility, no filters, no token)
and every event serialised by icalendar as the feed does; for the 304, the aggregate
alone.
"""

import argparse
import statistics
import time
from datetime import timedelta

from common import database, percentile, setup, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000, help="campaigns in the feed")
    parser.add_argument("--runs", type=int, default=30, help="full feeds to time")
    parser.add_argument("--runs-304", type=int, default=300, help="304 answers to time")
    args = parser.parse_args()
    setup()
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.db.models import Count, Max
    from django.test import Client
    from django.utils import timezone
    from icalendar import Calendar

    from tandem.calendar import feeds, ics
    from tandem.calendar.models import EventText, Readiness
    from tandem.campaigns.models import Campaign
    from tandem.people.models import Membership, Team, User

    def timed(work: object, runs: int) -> list[float]:
        """Wall-clock milliseconds per run; the CPU time this process spent (its own
        work, without the waits of a machine shared with others) is noted beside."""
        work()  # type: ignore[operator]
        millis, cpu = [], []
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            work()  # type: ignore[operator]
            millis.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        timed.cpu = cpu  # type: ignore[attr-defined]
        return millis

    def line(name: str, millis: list[float]) -> str:
        cpu = timed.cpu  # type: ignore[attr-defined]
        return (
            f"{summary(name, millis)}; this process's CPU p50={statistics.median(cpu):.1f} "
            f"ms p95={percentile(cpu, 95):.1f} ms"
        )

    with transaction.atomic():
        today = timezone.localdate()
        now = timezone.now()
        team = Team.objects.create(name="Bench feed marketing", function="marketing")
        user = User.objects.create(
            email="bench-feed@example.test", full_name="Bench Feed", handle="bench-feed"
        )
        Membership.objects.create(user=user, team=team, role="member")
        kinds = ["webinar", "email", "trade_show", "paid_social", "event"]
        made = Campaign.objects.bulk_create(
            [
                Campaign(
                    name=f"Bench feed campaign {i}, with a long enough name; and punctuation",
                    type=kinds[i % len(kinds)],
                    channel="events" if i % 2 else "email",
                    status=["planned", "live", "finished", "cut"][i % 4],
                    starts_on=today + timedelta(days=i % 450 - 80),
                    ends_on=today + timedelta(days=i % 450 - 80 + i % 9),
                    region="North" if i % 3 else "",
                    owner=user,
                    team=team,
                    form_key=f"bench-feed-{i}",
                    sequence=i % 4,
                )
                for i in range(args.items)
            ],
            batch_size=1000,
        )
        Readiness.objects.bulk_create(
            Readiness(campaign=c, status="ready", marked_at=now, marked_by=user) for c in made[::3]
        )
        if connection.vendor == "postgresql":  # as autovacuum would have, for the planner
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE campaigns_campaign, calendar_readiness")
        _token, secret = feeds.create_feed(actor=user, name="Bench", filters={"team": team.pk})
        url = f"/calendar/feed/{secret}.ics"
        client = Client(HTTP_HOST="127.0.0.1")
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        shown = len(Calendar.from_ical(first.content).walk("VEVENT"))
        print(
            f"database={database()} items in the feed={shown:,} of {args.items:,} "
            f"body={len(first.content) / 1024:,.0f} KiB"
        )
        first_day, last_day = feeds.window(today)
        plain = Campaign.objects.filter(
            team=team, ends_on__gte=first_day, starts_on__lte=last_day
        ).order_by("starts_on", "id")

        item_url = "http://127.0.0.1:8000/calendar/items/{}/"

        def floor() -> None:  # read plainly, serialise every event: no kept texts
            calendar = Calendar()
            for row in plain.values_list(*feeds.COLUMNS):
                calendar.add_component(ics._event(row, item_url))
            calendar.to_ical(sorted=False)

        def built() -> None:  # nothing kept: the first build, every event serialised
            cache.clear()
            EventText.objects.all().delete()
            assert client.get(url).status_code == 200

        changing = made[0]

        def rebuilt() -> None:  # one campaign changed since the last poll
            Campaign.objects.filter(pk=changing.pk).update(
                sequence=changing.sequence + 1, updated_at=timezone.now()
            )
            changing.sequence += 1
            assert client.get(url).status_code == 200

        def kept() -> None:
            assert client.get(url).status_code == 200

        def not_modified() -> None:
            assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

        def aggregate() -> None:
            plain.order_by().aggregate(
                n=Count("id"), changed=Max("updated_at"), marked=Max("readiness__marked_at")
            )

        print(line(f"floor: read {shown:,} rows plainly + icalendar", timed(floor, args.runs)))
        print(line(f"feed of {shown:,} items built from nothing (200)", timed(built, args.runs)))
        print(line(f"feed of {shown:,} items after one changed (200)", timed(
            rebuilt, args.runs)))  # fmt: skip
        print(line(f"feed of {shown:,} items kept (200, no If-None-Match)", timed(
            kept, args.runs_304)))  # fmt: skip
        print(line("floor: the aggregate alone", timed(aggregate, args.runs_304)))
        etag = client.get(url)["ETag"]  # the copy a client holds after the changes above
        print(line("unchanged feed (304)", timed(not_modified, args.runs_304)))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
