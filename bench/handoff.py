"""Issue 4's figures at the large scale: rescoring every contact after a rule change,
"My leads" and the SLA report (server time, in-process), and speed to lead (a web form
post over HTTP until the rep, or the head when no rep is free, is notified) under a
steady stream of form posts with the real worker running.

The demo contract (SLA, scoring rules, routing) is agreed first when the database has
none, as a database seeded before the hand-off existed would not.
"""

import argparse
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import requests
from common import REPO, Server, database, percentile, setup, summary


def agree_if_needed() -> None:
    from tandem.demo.contract import agree_contract
    from tandem.demo.organisation import persona_email
    from tandem.handoff.models import ScoringModel
    from tandem.people.models import Team, User

    if ScoringModel.objects.in_force() is not None:
        return
    users = {
        key: User.objects.get(email=persona_email(name))
        for key, name in (
            ("marketing head", "Priya Raman"),
            ("sales head", "David Okafor"),
            ("sales rep", "Sam Patel"),
            ("field rep", "Owen Hughes"),
        )
    }
    agree_contract(users, {"Sales": Team.objects.get(name="Sales")})
    skip_background_rescore()
    print("agreed the demo contract (this database had none)")


def skip_background_rescore() -> None:
    """Approving scoring rules queues a background rescore; this script times the same
    work in-process, so the queued job is marked done before any worker sees it."""
    from tandem.core.models import Job

    Job.objects.filter(kind="handoff.rescore", status="queued").update(
        status="done", message="Run in-process by bench/handoff.py"
    )


def forget_leads() -> None:
    """Start from contacts without lead rows, as right after the seed."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "handoff_slabreach",
            "handoff_lifecycleevent",
            "handoff_arrival",
            "handoff_lead",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE handoff_lead")


def rescore(label: str) -> None:
    from tandem.handoff import scoring_runs

    rules = scoring_runs.scoring_in_force()
    began = time.perf_counter()
    total = scoring_runs.score_everyone(rules)
    scored = time.perf_counter() - began
    handed = scoring_runs.hand_off_qualifying(rules)
    both = time.perf_counter() - began
    print(
        f"{label}: scored {total:,} contact ids in {scored:.1f} s; handed off {handed:,} "
        f"leads in a further {both - scored:.1f} s (total {both:.1f} s)"
    )


def change_rules() -> None:
    """A rule change both heads approve: event attendance is worth more."""
    from tandem.approvals import contracts as joint
    from tandem.handoff import contracts
    from tandem.handoff.models import ScoringModel
    from tandem.people.models import User

    current = ScoringModel.objects.in_force()
    rules = [
        {
            "kind": r.kind,
            "field": r.field,
            "operator": r.operator,
            "value": r.value,
            "points": r.points + (5 if r.field == "event" else 0),
        }
        for r in current.rules.all()
    ]
    head = User.objects.get(email="priya.raman@brightwell.example")
    other = User.objects.get(email="david.okafor@brightwell.example")
    model = contracts.propose_scoring_model(
        actor=head, threshold=current.threshold, half_life_days=current.half_life_days, rules=rules
    )
    joint.approve(actor=other, contract=model)
    skip_background_rescore()


def pages(n: int) -> None:
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # pages render {% static %}
    from tandem.handoff.models import OPEN_STAGES, Lead
    from tandem.people.models import User

    busiest = (
        Lead.objects.filter(stage__in=OPEN_STAGES, rep__isnull=False)
        .values("rep")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    rep = (
        User.objects.get(pk=busiest["rep"])
        if busiest
        else User.objects.get(email="sam.patel@brightwell.example")
    )
    open_leads = Lead.objects.filter(stage__in=OPEN_STAGES).count()
    print(
        f"leads={Lead.objects.count():,} open={open_leads:,}"
        f" busiest rep {rep} with {busiest['n'] if busiest else 0} open"
    )
    client = Client(HTTP_HOST="127.0.0.1")

    def timed(user: object, url: str) -> list[float]:
        client.force_login(user)
        assert client.get(url).status_code == 200  # warm-up
        millis = []
        for _ in range(n):
            began = time.perf_counter()
            response = client.get(url)
            millis.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return millis

    print(summary("My leads", timed(rep, "/leads/")))
    head = User.objects.get(email="david.okafor@brightwell.example")
    print(summary("SLA report (this month)", timed(head, "/sla/")))
    print(summary("lead board (head)", timed(head, "/leads/board/")))
    first = Lead.objects.filter(stage__in=OPEN_STAGES).values_list("pk", flat=True).first()
    if first:
        print(summary("lead page with its score explained", timed(rep, f"/leads/{first}/")))


def speed_to_lead(seconds: int, rate: int, rounds: int) -> None:
    """Post web forms for contacts one form short of the threshold, `rate` a second, and
    time each from the post to the notification that tells a rep (or the head), with
    the real worker running. Each round first posts the same number of forms for other
    such contacts with no worker running: the form's own answer then is the floor that
    the loaded answer is read against, measured under the same machine load."""
    import os

    from django.core.cache import cache

    from tandem.campaigns.models import Campaign
    from tandem.handoff.models import Lead, ScoringModel, Stage

    model = ScoringModel.objects.in_force()
    form_points = next(r.points for r in model.rules.all() if r.field == "form")
    wanted = seconds * rate
    emails = list(
        Lead.objects.filter(
            stage=Stage.LEAD,
            score__gte=model.threshold - form_points + 2,  # a little decay leaves it over
            score__lt=model.threshold,
            contact__email__gt="",
        ).values_list("contact__email", "pk")[: 2 * rounds * wanted]
    )
    if len(emails) < 2 * rounds * wanted:
        print(f"only {len(emails)} contacts are one form short of the threshold")
    campaign = Campaign.objects.filter(status="live").first() or Campaign.objects.first()
    cache.clear()
    settings_env = {"TANDEM_FORM_RATE_LIMIT": "1000000"}
    with Server(workers=2, extra_env=settings_env) as server:
        url = f"{server.url}/f/{campaign.form_key}/"
        # Each gunicorn worker loads the application on its first requests (seconds on a
        # busy machine): served before the clock starts, as a running site's would be.
        for _ in range(20):
            assert requests.get(url, timeout=60).status_code == 200
        for round_no in range(rounds):
            chunk = emails[2 * round_no * wanted : 2 * (round_no + 1) * wanted]
            idle, loaded = chunk[:wanted], chunk[wanted:]
            print(f"round {round_no + 1}: load average {os.getloadavg()[0]:.2f} (1 min)")
            floor = post_forms(url, idle, rate)
            # Those forms' arrivals and wake-ups wait for a worker: taken away unscored,
            # so the loaded half starts from an empty queue as the floor did.
            empty_queue()
            print(
                summary(
                    "  form post answered, no worker running (floor)",
                    [ms for _, ms in floor.values()],
                )
            )
            notified(loaded, rate, url)
            print(f"  load average {os.getloadavg()[0]:.2f} (1 min) at the end of the round")


def empty_queue() -> None:
    """Start from an empty queue: tasks left by earlier runs (e-mails, wake-ups queued
    while no worker ran) would be worked through first and delay every form; likewise
    arrivals queued by the other benchmarks, which run no worker (a run of
    http_capture.py queues 100,000)."""
    from django.core.cache import cache
    from huey.contrib.djhuey import HUEY

    from tandem.handoff.arrivals import WAKE_KEY
    from tandem.handoff.models import Arrival

    HUEY.flush()
    Arrival.objects.all().delete()
    cache.delete(WAKE_KEY)  # else no wake-up is queued until it expires


def post_forms(
    url: str, emails: list[tuple[str, int]], rate: int
) -> dict[int, tuple[float, float]]:
    """Post one form per (e-mail, lead id) at ``rate`` a second, each from its own thread;
    returns lead id -> (when posted, its answer's milliseconds)."""
    posted: dict[int, tuple[float, float]] = {}
    lock = threading.Lock()

    def post(email: str, lead_id: int) -> None:
        began = datetime.now(UTC).timestamp()
        answer = requests.post(url, data={"email": email}, timeout=30)
        assert answer.status_code == 200, answer.status_code
        with lock:
            posted[lead_id] = (began, (datetime.now(UTC).timestamp() - began) * 1000)

    threads = []
    start = time.perf_counter()
    for i, (email, lead_id) in enumerate(emails):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=post, args=(email, lead_id))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return posted


def notified(emails: list[tuple[str, int]], rate: int, url: str) -> None:
    """The forms posted with the worker running: their own answers, and from each post
    to the first notification after its lead became an MQL."""
    from django.db.models import Max

    from tandem.handoff.models import Lead
    from tandem.notifications.models import Notification

    last_note = Notification.objects.aggregate(m=Max("id"))["m"] or 0
    empty_queue()
    worker = subprocess.Popen(
        [sys.executable, "-m", "tandem", "run_huey"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(2)  # the worker is up and polling
        posted = post_forms(url, emails, rate)
        time.sleep(3)  # the last leads
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    sent = {lead_id: began for lead_id, (began, _) in posted.items()}
    answered = [ms for _, ms in posted.values()]
    # A batch tells each rep once (a summary when it gave them several), right after the
    # leads' hand-off: each lead counts as told at the first notification after its MQL.
    import bisect

    notes = sorted(
        n.timestamp()
        for n in Notification.objects.filter(
            id__gt=last_note, kind__startswith="lead."
        ).values_list("created_at", flat=True)
    )
    told = {}
    for lead_id, mql_at in Lead.objects.filter(pk__in=sent, mql_at__isnull=False).values_list(
        "pk", "mql_at"
    ):
        at = bisect.bisect_left(notes, mql_at.timestamp())
        if at < len(notes):
            told[lead_id] = notes[at]
    handed = dict(Lead.objects.filter(pk__in=sent).values_list("pk", "stage"))
    millis = [(told[k] - sent[k]) * 1000 for k in sent if k in told]
    mqls = sum(1 for stage in handed.values() if stage == "mql")
    print(
        f"  speed to lead: {len(sent)} forms at {rate}/s; {mqls} became MQLs; "
        f"{len(millis)} notifications matched"
    )
    if answered:
        print(summary("  form post answered, worker handing off", answered))
    if millis:
        print(summary("  form post -> rep (or head) notified", millis))
        print(f"  p99={percentile(millis, 99):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument(
        "--rounds", type=int, default=2, help="speed to lead: floor, then loaded, this often"
    )
    parser.add_argument("--skip-rescore", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument(
        "--fresh", action="store_true", help="delete every lead row first (a first scoring)"
    )
    args = parser.parse_args()
    setup()
    from tandem.crm.models import Contact

    print(f"database={database()} contacts={Contact.objects.count():,}")
    agree_if_needed()
    if args.fresh:
        forget_leads()
    if not args.skip_rescore:
        rescore("scoring everyone" + (" (creates the lead rows)" if args.fresh else ""))
        change_rules()
        rescore("rescoring after a rule change")
    if not args.skip_pages:
        pages(args.requests)
    speed_to_lead(args.seconds, args.rate, args.rounds)


if __name__ == "__main__":
    main()
