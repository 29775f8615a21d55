"""A lead arriving by web form or API is scored, routed and its rep told as it commits."""

import requests
from django.core.cache import cache
from django.utils import timezone

from tandem.factories.campaigns import CampaignFactory
from tandem.handoff.models import Lead, Stage
from tandem.handoff.tests.conftest import agree
from tandem.notifications.models import Notification

HOT = [
    {"kind": "fit", "field": "email", "operator": "contains", "value": "@bigco.", "points": 30},
    {"kind": "engagement", "field": "form", "points": 30},
    {"kind": "engagement", "field": "email_click", "points": 10},
]


def campaign_of(org):
    return CampaignFactory(name="Pricing page", type="content", channel="web", owner=org.marketer)


def test_a_web_form_fill_reaches_the_reps_queue(live_server, live_org):
    cache.clear()
    agree(live_org, rules=HOT)
    campaign = campaign_of(live_org)
    url = f"{live_server.url}/f/{campaign.form_key}/"
    posted = requests.post(url, data={"email": "cto@bigco.example", "first_name": "Cy"}, timeout=10)
    assert posted.status_code == 200
    lead = Lead.objects.get(contact__email="cto@bigco.example")
    assert (lead.stage, lead.score, lead.rep) == (Stage.MQL, 60, live_org.sales_rep)
    assert (lead.source, lead.source_campaign) == ("web", campaign)
    assert (
        Notification.objects.filter(recipient=live_org.sales_rep, kind="lead.assigned").count() == 1
    )
    small = requests.post(url, data={"email": "me@small.example"}, timeout=10)
    assert small.status_code == 200
    assert Lead.objects.get(contact__email="me@small.example").stage == Stage.LEAD  # 30 < 50


def test_touches_through_the_api_hand_off_the_leads_that_qualify(api_for, live_org):
    agree(live_org, rules=HOT)
    api = api_for(live_org.marketer, capture=True)
    touches = [
        {
            "idempotency_key": f"c{n}",
            "kind": "email_click",
            "email": f"p{n}@bigco.example",
            "occurred_at": timezone.now().isoformat(),
        }
        for n in range(3)
    ] + [
        {
            "idempotency_key": f"f{n}",
            "kind": "form",
            "email": f"p{n}@bigco.example",
            "occurred_at": timezone.now().isoformat(),
        }
        for n in range(2)
    ]
    answer = api.post("/touchpoints/bulk", json={"touchpoints": touches})
    assert answer.status_code == 200, answer.text
    stages = dict(Lead.objects.values_list("contact__email", "stage"))
    assert stages == {
        "p0@bigco.example": Stage.MQL,  # 30 fit + 30 form + 10 click
        "p1@bigco.example": Stage.MQL,
        "p2@bigco.example": Stage.LEAD,  # 30 + 10
    }
    # One batch, one rep: one notification for both. Resending the batch changes nothing.
    told = Notification.objects.get(kind="lead.assigned", recipient=live_org.sales_rep)
    assert told.text.startswith("2 new leads for you") and told.url == "/leads/"
    api.post("/touchpoints/bulk", json={"touchpoints": touches})
    assert Notification.objects.filter(kind="lead.assigned").count() == 1


def test_a_backlog_larger_than_a_batch_is_handed_off(org):
    """After the worker was down, 1,200 arrivals wait: two batches of up to 1,000. On
    SQLite a prefetch of 1,000 contacts once failed ("Expression tree is too large")."""
    from tandem.campaigns.models import Touchpoint
    from tandem.crm.models import Contact
    from tandem.handoff import arrivals
    from tandem.handoff.models import Arrival

    agree(org, rules=HOT)
    contacts = Contact.objects.bulk_create(
        [Contact(email=f"p{n}@bigco.example", owner=org.marketer) for n in range(1200)]
    )
    now = timezone.now()
    Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                contact=c, channel="web", kind="form", occurred_at=now, idempotency_key=f"b{c.pk}"
            )
            for c in contacts
        ]
    )
    arrivals.note_arrivals([c.pk for c in contacts], source="web")  # its wake-up never runs
    assert Arrival.objects.count() == 1200
    assert arrivals.process_arrivals() == 1200
    assert Lead.objects.filter(stage=Stage.MQL).count() == 1200
    assert not Arrival.objects.exists()


def test_scores_read_under_rules_since_replaced_are_not_written(org):
    """The worker reads rules and scores before its transaction; if both heads brought
    new rules into force meanwhile, the batch is scored again under the new ones."""
    from tandem.crm.models import Contact
    from tandem.handoff import arrivals, scoring_runs
    from tandem.handoff.models import Lead

    agree(org, rules=HOT)
    contact = Contact.objects.create(email="cto@bigco.example", owner=org.marketer)
    stale = arrivals.Prepared(
        scoring_runs.scoring_in_force(), timezone.now(), [(contact.pk, 999, 0)]
    )
    agree(org, rules=HOT[:1])  # fit only: 30 points for @bigco.
    arrivals.lead_arrived([contact.pk], prepared=stale)
    assert Lead.objects.get(pk=contact.pk).score == 30
    fresh = arrivals.Prepared(scoring_runs.scoring_in_force(), timezone.now(), [(contact.pk, 7, 1)])
    arrivals.lead_arrived([contact.pk], prepared=fresh)
    assert Lead.objects.get(pk=contact.pk).score == 8  # what was read is what is written


def test_a_worker_writes_only_the_scores_of_the_arrivals_it_claimed(org, monkeypatch):
    """Two workers peek at the same arrivals before either takes the write lock. When
    the other one claims some of them first (and scores them with a touch that came in
    since), this one hands off the rest and does not overwrite the other's scores with
    the older ones it read."""
    from datetime import timedelta

    from tandem.campaigns.models import Touchpoint
    from tandem.crm.models import Contact
    from tandem.handoff import arrivals
    from tandem.handoff.models import Arrival

    agree(org, rules=HOT)
    mine, theirs = (
        Contact.objects.create(email=f"{who}@bigco.example", owner=org.marketer)
        for who in ("mine", "theirs")
    )
    earlier = timezone.now() - timedelta(seconds=5)
    for contact in (mine, theirs):
        Touchpoint.objects.create(
            contact=contact, channel="web", kind="form", occurred_at=earlier,
            idempotency_key=f"form-{contact.pk}",
        )  # fmt: skip
    arrivals.note_arrivals([mine.pk, theirs.pk], source="web")
    read = arrivals.scores_of

    def other_worker_claims_theirs_meanwhile(rules, now, ids):
        scores = read(rules, now, ids)  # this worker's scores: 60 each
        monkeypatch.setattr(arrivals, "scores_of", read)  # the other worker reads its own
        Touchpoint.objects.create(
            contact=theirs, channel="email", kind="email_click", occurred_at=earlier,
            idempotency_key="click",
        )  # fmt: skip
        Arrival.objects.filter(contact=theirs).delete()  # the other worker's claim
        arrivals.lead_arrived([theirs.pk], source="web")  # it scores 70 and hands off
        return scores

    monkeypatch.setattr(arrivals, "scores_of", other_worker_claims_theirs_meanwhile)
    assert arrivals.process_arrivals() == 1  # this worker handed off its own only
    scores = dict(Lead.objects.values_list("pk", "score"))
    assert scores == {mine.pk: 60, theirs.pk: 70}  # not 60: the other worker's scores stay
    assert set(Lead.objects.values_list("stage", flat=True)) == {Stage.MQL}
    assert Notification.objects.filter(kind="lead.assigned").count() == 2
    assert not Arrival.objects.exists()
