"""Routing, accept/reject, follow-up and the SLA clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.campaigns.models import Touchpoint
from tandem.core.errors import DomainError
from tandem.crm.models import Activity, Contact
from tandem.factories.campaigns import CampaignFactory, TouchpointFactory
from tandem.factories.crm import AccountFactory, ContactFactory
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff import (
    arrivals,
    configuration,
    conversion,
    lifecycle,
    routing,
    scoring_runs,
    sla_clocks,
)
from tandem.handoff.models import (
    Lead,
    LifecycleEvent,
    RejectionReason,
    RoutingRule,
    SlaBreach,
    Stage,
)
from tandem.handoff.tests.conftest import hot_lead
from tandem.notifications.models import Notification


def test_a_handed_off_lead_gets_a_tier_a_rep_due_times_and_a_notification(org, contract):
    lead = hot_lead(org)
    assert lead.stage == Stage.MQL and lead.score == 60 and lead.tier == "medium"
    assert lead.rep == org.sales_rep and lead.team == org.sales  # the only member rep
    assert lead.accept_due_at > lead.mql_at and lead.follow_up_due_at > lead.accept_due_at
    assert lead.source == "search"
    note = Notification.objects.get(recipient=org.sales_rep, kind="lead.assigned")
    assert "Lee Lead 0" in note.text and note.url == f"/leads/{lead.pk}/"


def test_round_robin_is_fair_and_respects_capacity_and_absence(org, contract):
    second = UserFactory(full_name="Rae Rep", lead_capacity=2)
    MembershipFactory(user=second, team=org.sales)
    away = UserFactory(full_name="Al Away", away_until=timezone.localdate() + timedelta(days=3))
    MembershipFactory(user=away, team=org.sales)
    reps = [hot_lead(org, n).rep for n in range(6)]
    assert away not in reps
    assert reps[:4].count(second) == 2 and reps[:4].count(org.sales_rep) == 2  # turns alternate
    assert reps[4:] == [org.sales_rep, org.sales_rep]  # Rae is at her limit of 2


def test_routing_rules_send_a_territory_to_its_reps(org, contract):
    north = UserFactory(full_name="Nora North")
    MembershipFactory(user=north, team=org.sales)
    rule = RoutingRule.objects.create(name="North", region="north", team=org.sales)
    rule.reps.add(north)
    assert hot_lead(org, 1, region="North").rep == north
    assert hot_lead(org, 2, region="South").rep == org.sales_rep  # no rule: the whole team


def test_with_no_rep_free_the_lead_waits_and_the_head_is_told(org, contract):
    org.sales_rep.lead_capacity = 0
    org.sales_rep.save()
    lead = hot_lead(org)
    assert lead.rep is None and lead.team == org.sales and lead.accept_due_at is not None
    assert Notification.objects.filter(recipient=org.sales_head, kind="lead.unassigned").exists()
    # Anyone in the team can take it by accepting.
    colleague = UserFactory()
    MembershipFactory(user=colleague, team=org.sales)
    lifecycle.accept(actor=colleague, lead=lead)
    lead.refresh_from_db()
    assert (lead.stage, lead.rep) == (Stage.ACCEPTED, colleague)


def test_accepting_twice_has_exactly_one_winner(org, contract):
    lead = hot_lead(org)
    stale = Lead.objects.get(pk=lead.pk)  # the head's copy, loaded at the same moment
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    with pytest.raises(DomainError, match="already accepted or rejected") as caught:
        lifecycle.accept(actor=org.sales_head, lead=stale)
    assert caught.value.code == "lead_already_decided"
    assert LifecycleEvent.objects.filter(lead=lead, to_stage=Stage.ACCEPTED).count() == 1
    lead.refresh_from_db()
    assert lead.accept_hours is not None


@pytest.mark.parametrize("who", ["marketer", "front_liner", "outsider"])
def test_only_the_rep_their_team_or_heads_work_a_lead(org, contract, who):
    lead = hot_lead(org)
    with pytest.raises(DomainError) as caught:
        lifecycle.accept(actor=getattr(org, who), lead=lead)
    assert caught.value.code == "forbidden"
    other_rep = UserFactory()
    MembershipFactory(user=other_rep, team=org.sales)
    with pytest.raises(DomainError, match="Sam Rep's to work"):
        lifecycle.reject(actor=other_rep, lead=lead, reason="no-budget", note="x")


def test_rejecting_needs_a_reason_and_a_note_and_tells_marketing(org, contract):
    campaign = CampaignFactory(name="Spring webinar", owner=org.marketer)
    lead = hot_lead(org, campaign=campaign)
    with pytest.raises(DomainError) as caught:
        lifecycle.reject(actor=org.sales_rep, lead=lead, reason="", note="why")
    assert caught.value.field == "reason"
    with pytest.raises(DomainError) as caught:
        lifecycle.reject(actor=org.sales_rep, lead=lead, reason="no-budget", note="  ")
    assert caught.value.field == "note"
    assert Lead.objects.get(pk=lead.pk).stage == Stage.MQL  # nothing half-done

    lifecycle.reject(actor=org.sales_rep, lead=lead, reason="no-budget", note="Student project")
    lead.refresh_from_db()
    assert lead.stage == Stage.RECYCLED and lead.rejection_reason.code == "no-budget"
    event = lead.events.get(to_stage=Stage.RECYCLED)
    assert (event.campaign, event.note, event.actor) == (campaign, "Student project", org.sales_rep)
    told = Notification.objects.get(recipient=org.marketer, kind="lead.rejected")
    assert "Spring webinar" in told.text and "No budget" in told.text


def test_the_sla_report_counts_each_reps_leads_by_tier(org, contract):
    from tandem.handoff.reports import sla_report

    taken, refused, waiting = (hot_lead(org, n) for n in range(3))
    lifecycle.accept(actor=org.sales_rep, lead=taken)
    lifecycle.reject(actor=org.sales_rep, lead=refused, reason="no-budget", note="Too small")
    LifecycleEvent.objects.create(  # a change that is none of the report's counts
        lead=waiting, from_stage=Stage.LEAD, to_stage=Stage.LEAD, at=timezone.now()
    )
    report = sla_report()
    assert (report.mqls, report.accepted, report.rejected) == (3, 1, 1)
    [row] = report.reps
    assert (row["rep"], row["tier"], row["handed"], row["accepted"], row["rejected"]) == (
        org.sales_rep.pk,
        "medium",
        3,
        1,
        1,
    )
    assert row["accept_hours"] is not None and row["rep_name"] == str(org.sales_rep)
    last_month = sla_report((timezone.localdate().replace(day=1) - timedelta(days=1)).isoformat())
    assert (last_month.mqls, last_month.reps) == (0, [])


def test_a_head_reassigns_only_within_the_team(org, contract):
    lead = hot_lead(org)
    with pytest.raises(DomainError) as caught:
        routing.reassign(actor=org.sales_head, lead=lead, rep=org.marketer)
    assert caught.value.field == "rep"
    with pytest.raises(DomainError) as caught:
        routing.reassign(actor=org.sales_rep, lead=lead, rep=org.sales_head)
    assert caught.value.code == "forbidden"
    other = UserFactory(full_name="Ola Other")
    MembershipFactory(user=other, team=org.sales)
    routing.reassign(actor=org.sales_head, lead=lead, rep=other)
    lead.refresh_from_db()
    assert lead.rep == other
    assert lead.events.filter(why__contains="Reassigned from Sam Rep to Ola Other").exists()


def test_follow_up_stops_the_clock_and_lands_on_the_timeline(org, contract):
    lead = hot_lead(org)
    with pytest.raises(DomainError, match="Accept the lead"):
        lifecycle.record_follow_up(actor=org.sales_rep, lead=lead, kind="call", subject="Hi")
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    lead.refresh_from_db()
    lifecycle.record_follow_up(actor=org.sales_rep, lead=lead, kind="call", subject="Intro call")
    lead.refresh_from_db()
    assert lead.followed_up_at is not None and lead.follow_up_hours is not None
    assert Activity.objects.filter(contact=lead.contact, subject="Intro call").exists()


def test_breaches_are_notified_once_to_the_rep_then_once_to_the_head(org, contract):
    lead = hot_lead(org)  # medium tier: accept within 4 business hours
    late = lead.accept_due_at + timedelta(minutes=1)
    assert sla_clocks.detect_breaches(late) == 1
    assert sla_clocks.detect_breaches(late) == 0  # a second run (or a restarted worker)
    rep_alerts = Notification.objects.filter(recipient=org.sales_rep, kind="sla.breach")
    assert rep_alerts.count() == 1
    much_later = lead.accept_due_at + timedelta(days=7)  # another window has passed
    assert sla_clocks.detect_breaches(much_later) == 1
    assert sla_clocks.detect_breaches(much_later) == 0
    assert Notification.objects.filter(recipient=org.sales_head, kind="sla.breach").count() == 1
    assert SlaBreach.objects.filter(lead=lead).count() == 2


def test_a_follow_up_logged_in_the_crm_counts(org, contract):
    from tandem.crm.services import log_activity

    lead = hot_lead(org)
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    log_activity(actor=org.sales_rep, kind="email", subject="Sent pricing", contact=lead.contact)
    lead.refresh_from_db()
    assert sla_clocks.detect_breaches(lead.follow_up_due_at + timedelta(minutes=5)) == 0
    lead.refresh_from_db()
    assert lead.followed_up_at is not None


def test_stage_moves_follow_the_lifecycle(org, contract):
    lead = hot_lead(org)
    with pytest.raises(DomainError) as caught:
        lifecycle.move_stage(actor=org.sales_rep, lead=lead, stage=Stage.CUSTOMER, why="won")
    assert caught.value.field == "stage"
    lifecycle.accept(actor=org.sales_rep, lead=lead)
    lead.refresh_from_db()
    with pytest.raises(DomainError) as caught:  # sales qualified opens an opportunity
        lifecycle.move_stage(actor=org.sales_rep, lead=lead, stage=Stage.SQL, why="Qualified")
    assert caught.value.code == "lead_needs_opportunity"
    conversion.convert(actor=org.sales_rep, lead=lead, name="Heat pumps")
    assert Lead.objects.get(pk=lead.pk).stage == Stage.SQL
    assert list(lead.events.order_by("at", "id").values_list("to_stage", flat=True)) == [
        Stage.MQL,
        Stage.ACCEPTED,
        Stage.SQL,
    ]


def test_a_batch_hand_off_takes_the_same_few_queries_for_any_number_of_leads(
    org, contract, django_assert_max_num_queries
):
    """After a rule change hundreds of leads may qualify at once: routing keeps loads in
    memory, leads and events are written in bulk, and each rep is told once."""
    second = UserFactory(full_name="Rae Rep")
    MembershipFactory(user=second, team=org.sales)
    people = Contact.objects.bulk_create(
        [Contact(email=f"b{i}@co.test", job_title="Director") for i in range(40)]
    )
    Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                contact=p,
                channel="web",
                kind="form",
                occurred_at=timezone.now(),
                idempotency_key=f"batch-{p.pk}",
            )
            for p in people
        ]
    )
    now = timezone.now()
    scoring_runs.ensure_leads(Contact.objects.all(), now)
    scoring_runs.score_contacts(
        scoring_runs.scoring_in_force(), now, {"in": [p.pk for p in people]}
    )
    with django_assert_max_num_queries(30):
        assert routing.hand_off([p.pk for p in people], now=now) == 40
    reps = list(Lead.objects.values_list("rep__full_name", flat=True))
    assert sorted(set(reps)) == ["Rae Rep", "Sam Rep"] and reps.count("Rae Rep") == 20
    assert Notification.objects.filter(kind="lead.assigned").count() == 2
    assert LifecycleEvent.objects.filter(to_stage=Stage.MQL).count() == 40


def test_a_rep_in_a_rule_and_in_the_team_is_not_given_twice_their_limit(org, contract):
    """Sam is named by the North rule and is in the Sales team every other lead falls to:
    one batch of leads from both must still stop at his limit."""
    org.sales_rep.lead_capacity = 3
    org.sales_rep.save()
    rule = RoutingRule.objects.create(name="North", region="North", team=org.sales)
    rule.reps.add(org.sales_rep)
    people = []
    for n in range(8):
        account = AccountFactory(name=f"Co {n}", region="North" if n % 2 else "South")
        people.append(ContactFactory(job_title="Director", account=account))
        TouchpointFactory(contact=people[-1])
    arrivals.lead_arrived([p.pk for p in people])
    assert Lead.objects.filter(rep=org.sales_rep).count() == 3
    assert Lead.objects.filter(rep__isnull=True, stage=Stage.MQL).count() == 5


def test_an_overdue_backlog_costs_a_few_queries_once_everyone_is_told(
    org, contract, django_assert_max_num_queries
):
    leads = [hot_lead(org, n) for n in range(15)]
    late = max(lead.accept_due_at for lead in leads) + timedelta(minutes=1)
    assert sla_clocks.detect_breaches(late) == 15
    with django_assert_max_num_queries(12):
        assert sla_clocks.detect_breaches(late) == 0


def test_changing_a_reason_keeps_its_code_and_bounds_its_position(org):
    configuration.save_rejection_reason(actor=org.sales_head, code="Went Elsewhere", label="A")
    configuration.save_rejection_reason(actor=org.sales_head, code="Went Elsewhere", label="B")
    assert list(
        RejectionReason.objects.filter(code="went-elsewhere").values_list("label", flat=True)
    ) == ["B"]
    with pytest.raises(DomainError) as caught:
        configuration.save_rejection_reason(
            actor=org.sales_head, code="x", label="X", position=99999
        )
    assert caught.value.field == "position"


def test_times_in_notices_are_in_each_readers_zone(org, contract):
    from zoneinfo import ZoneInfo

    org.sales_rep.time_zone = "America/New_York"
    org.sales_rep.save(update_fields=["time_zone"])
    lead = hot_lead(org)  # assigned to the rep: "accept by ..." in New York time
    due = lead.accept_due_at.astimezone(ZoneInfo("America/New_York"))
    assigned = Notification.objects.get(recipient=org.sales_rep, kind="lead.assigned")
    assert assigned.text.endswith(f"accept by {due:%a %d %b %H:%M %Z}")  # EST or EDT
    assert "UTC" not in assigned.text
    sla_clocks.detect_breaches(lead.accept_due_at + timedelta(minutes=1))
    missed = Notification.objects.get(recipient=org.sales_rep, kind="sla.breach")
    assert f"was due {due:%a %d %b %H:%M %Z}" in missed.text
    sla_clocks.detect_breaches(lead.accept_due_at + timedelta(days=7))
    head = Notification.objects.get(recipient=org.sales_head, kind="sla.breach")
    in_london = lead.accept_due_at.astimezone(ZoneInfo("Europe/London"))
    assert f"(due {in_london:%a %d %b %H:%M %Z})" in head.text  # the head's own zone
