"""Scores are fit + decayed engagement, computed by the database, explained per lead."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tandem.campaigns.models import Touchpoint
from tandem.crm.models import Contact
from tandem.factories.campaigns import TouchpointFactory
from tandem.factories.crm import AccountFactory, ContactFactory
from tandem.handoff import arrivals, lifecycle, scoring_runs
from tandem.handoff.models import Lead, Stage
from tandem.handoff.scoring import explain, rule_of


def touch(contact, kind, days_ago=0.0, **fields):
    occurred_at = timezone.now() - timedelta(days=days_ago)
    return TouchpointFactory(contact=contact, kind=kind, occurred_at=occurred_at, **fields)


@pytest.fixture
def director(org):
    account = AccountFactory(name="Shopco", industry="retail", region="North")
    return ContactFactory(
        first_name="Dana",
        last_name="Director",
        email="dana@shopco.test",
        job_title="Sales Director",
        account=account,
    )


def test_fit_and_decayed_engagement_add_up_and_are_explained(org, contract, director):
    touch(director, "form", days_ago=0)  # 30
    touch(director, "form", days_ago=30)  # one half-life: 15
    touch(director, "email_click", days_ago=60)  # two half-lives: 1.25
    touch(director, "visit", days_ago=0)  # no rule for visits
    arrivals.lead_arrived([director.pk])
    lead = Lead.objects.get(pk=director.pk)
    # fit: director 20 + retail (case-insensitive) 10; engagement round(30 + 15 + 1.25)
    assert (lead.fit_score, lead.engagement_score, lead.score) == (30, 46, 76)
    rules = [rule_of(r) for r in contract.rules.all()]
    reasons = explain(lead.pk, rules, 30.0, lead.scored_at)
    labels = {r.label: r.points for r in reasons}
    assert labels["Job title contains “director”"] == 20
    assert labels["Industry is “Retail”"] == 10
    assert labels["Form: 2 touches (+30 each, decaying)"] == pytest.approx(45.0, abs=0.05)
    assert labels["E-mail click: 1 touch (+5 each, decaying)"] == pytest.approx(1.2, abs=0.06)
    assert sum(r.points for r in reasons) == pytest.approx(lead.score, abs=0.5)


def test_touches_after_the_scoring_moment_are_not_in_its_explanation(org, contract, director):
    touch(director, "form")
    arrivals.lead_arrived([director.pk])
    lead = Lead.objects.get(pk=director.pk)
    touch(director, "form")  # arrives later
    rules = [rule_of(r) for r in contract.rules.all()]
    reasons = explain(lead.pk, rules, 30.0, lead.scored_at)
    assert [r.count for r in reasons if r.count] == [1]


def test_crossing_the_threshold_hands_the_lead_off_once(org, contract, director):
    Contact.objects.filter(pk=director.pk).update(job_title="Intern")
    touch(director, "email_click")
    assert arrivals.lead_arrived([director.pk]) == 0
    lead = Lead.objects.get(pk=director.pk)
    assert (lead.stage, lead.score) == (Stage.LEAD, 15)  # 10 fit + 5
    touch(director, "form")
    assert arrivals.lead_arrived([director.pk]) == 0  # 45: just short
    touch(director, "form")
    assert arrivals.lead_arrived([director.pk]) == 1
    lead.refresh_from_db()
    assert (lead.stage, lead.score) == (Stage.MQL, 75)
    assert arrivals.lead_arrived([director.pk]) == 0  # again: already handed off
    assert lead.events.filter(to_stage=Stage.MQL).count() == 1


def test_a_score_storm_is_one_score_and_one_hand_off(org, contract, director):
    """10,000 touches for one contact inside a minute: the score is recomputed from the
    data each time (never incremented), so it stays exact and the lead is handed off once."""
    now = timezone.now()
    Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                contact=director,
                channel="email",
                kind="email_click",
                occurred_at=now - timedelta(seconds=i % 60),
                idempotency_key=f"storm-{i}",
            )
            for i in range(10_000)
        ],
        batch_size=2000,
    )
    for _ in range(3):
        arrivals.lead_arrived([director.pk])
    lead = Lead.objects.get(pk=director.pk)
    assert lead.engagement_score == pytest.approx(50_000, rel=0.001)
    assert lead.stage == Stage.MQL
    assert lead.events.filter(to_stage=Stage.MQL).count() == 1


def test_nothing_is_scored_without_an_agreed_model(org, director):
    touch(director, "form")
    assert arrivals.lead_arrived([director.pk]) == 0
    assert not Lead.objects.exists()


def test_a_recycled_lead_comes_back_only_with_new_engagement(org, contract, director):
    touch(director, "form", days_ago=1)
    arrivals.lead_arrived([director.pk])
    lead = Lead.objects.get(pk=director.pk)
    lifecycle.reject(actor=lead.rep, lead=lead, reason="too-early", note="Call in spring")
    assert arrivals.lead_arrived([director.pk]) == 0  # the old score alone does not return it
    assert Lead.objects.get(pk=director.pk).stage == Stage.RECYCLED
    touch(director, "form")
    assert arrivals.lead_arrived([director.pk]) == 1
    assert Lead.objects.get(pk=director.pk).stage == Stage.MQL


def test_rescoring_everyone_scores_contacts_without_leads_and_hands_off(org, contract):
    people = Contact.objects.bulk_create(
        [Contact(email=f"p{i}@x.test", job_title="Director" if i % 2 else "") for i in range(30)]
    )
    for person in people[:5]:
        touch(person, "form")
    rules = scoring_runs.scoring_in_force()
    handed = scoring_runs.rescore_all(rules)
    assert Lead.objects.count() == 30
    # Directors with a form: 20 + 30 = 50 >= 50. Others stay leads.
    directors_with_form = sum(1 for p in people[:5] if p.job_title)
    assert handed == directors_with_form
    assert Lead.objects.filter(stage=Stage.MQL).count() == directors_with_form
    assert Lead.objects.filter(score=20).count() == 15 - directors_with_form


def test_arrivals_wait_for_the_worker_and_are_taken_once(org, contract, director):
    from tandem.handoff.models import Arrival

    touch(director, "form")
    arrivals.note_arrivals([director.pk, director.pk], source="api")  # no worker ran yet
    assert Arrival.objects.count() == 2 and not Lead.objects.exists()
    assert arrivals.process_arrivals() == 1  # the sweep (or a woken worker) takes both
    assert not Arrival.objects.exists()
    assert arrivals.process_arrivals() == 0
    assert Lead.objects.get(pk=director.pk).stage == Stage.MQL


def test_scores_equal_a_python_computation_by_id_list_and_by_range(org, contract):
    """The database computes scores (fit by Case/When, decayed engagement by an
    aggregate); a plain Python computation of the same rules must agree, whether the
    contacts are named by id (speed to lead) or by range (a full rescore)."""
    import random

    rng = random.Random(7)
    titles = ["Director", "Owner", "Intern", "", "Sales DIRECTOR"]
    industries = ["retail", "Retail", "Farming", ""]
    people = [
        ContactFactory(
            email=f"s{i}@x.test",
            job_title=rng.choice(titles),
            account=AccountFactory(name=f"A{i}", industry=rng.choice(industries)),
        )
        for i in range(40)
    ]
    kinds = ["form", "email_click", "visit", "event", "ad_click"]
    Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                contact=rng.choice(people),
                channel="web",
                kind=rng.choice(kinds),
                occurred_at=timezone.now() - timedelta(days=rng.uniform(0, 400)),
                idempotency_key=f"agree-{n}",
            )
            for n in range(300)
        ]
    )
    now = timezone.now()
    points = {"form": 30, "email_click": 5}  # conftest.RULES; visits and events score 0
    expected = {}
    for person in people:
        fit = 20 * ("director" in person.job_title.lower()) + 10 * (
            person.account.industry.lower() == "retail"
        )
        engagement = sum(
            points.get(t.kind, 0) * 0.5 ** ((now - t.occurred_at).total_seconds() / 86400 / 30)
            for t in Touchpoint.objects.filter(contact=person)
            if (now - t.occurred_at).days < 30 * 14
        )
        expected[person.pk] = (fit, round(engagement), fit + round(engagement))
    rules = scoring_runs.scoring_in_force()
    columns = ("pk", "fit_score", "engagement_score", "score")
    scoring_runs.ensure_leads(Contact.objects.all(), now)
    scoring_runs.score_contacts(rules, now, {"in": [p.pk for p in people]})
    by_ids = {pk: rest for pk, *rest in Lead.objects.values_list(*columns)}
    assert {pk: tuple(v) for pk, v in by_ids.items()} == expected
    assert any(v[0] for v in expected.values()) and any(v[1] for v in expected.values())
    Lead.objects.update(fit_score=-1, engagement_score=-1, score=-1, scored_at=None)
    scoring_runs.score_contacts(rules, now, {"gte": people[0].pk, "lt": people[-1].pk + 1})
    assert {pk: tuple(rest) for pk, *rest in Lead.objects.values_list(*columns)} == expected

    # A full rescore's ranges join everyone's engagement computed once (PostgreSQL), and
    # a range rescores its own leads only.
    Lead.objects.update(fit_score=-1, engagement_score=-1, score=-1, scored_at=None)
    with scoring_runs.engagement_once(rules, now) as engagement:
        assert (engagement is not None) == (connection.vendor == "postgresql")
        scoring_runs.score_contacts(
            rules, now, {"gte": people[1].pk, "lt": people[3].pk}, engagement=engagement
        )
        scored = {pk: tuple(rest) for pk, *rest in Lead.objects.values_list(*columns)}
        assert {pk: scored[pk] for pk in (people[1].pk, people[2].pk)} == {
            pk: expected[pk] for pk in (people[1].pk, people[2].pk)
        }
        assert {scored[p.pk] for p in people if p not in people[1:3]} == {(-1, -1, -1)}
        scoring_runs.score_contacts(
            rules, now, {"gte": people[0].pk, "lt": people[-1].pk + 1}, engagement=engagement
        )
    assert {pk: tuple(rest) for pk, *rest in Lead.objects.values_list(*columns)} == expected
