"""Speed to lead decides a hand-off before its write transaction, and writes it only
while what it read still holds; the web form's own transaction stays a few writes."""

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tandem.campaigns import capture
from tandem.campaigns.models import Touchpoint
from tandem.crm.models import Contact
from tandem.factories.campaigns import CampaignFactory
from tandem.handoff import arrivals, scoring_runs
from tandem.handoff.hand_off_plans import carry_out, plan_hand_off
from tandem.handoff.models import Arrival, Lead, LifecycleEvent, RoutingReason, Stage
from tandem.handoff.tests.conftest import agree
from tandem.notifications.models import Notification

HOT = [
    {"kind": "fit", "field": "email", "operator": "contains", "value": "@bigco.", "points": 30},
    {"kind": "engagement", "field": "form", "points": 30},
]
# What routing reads: none of it may be read while the write lock is held.
ROUTING_TABLES = (
    "people_membership",
    "handoff_routingrule",
    "handoff_businesshours",
    "handoff_slatier",
    "handoff_slapolicy",
    "crm_account",
)


def form_filled(org: Any, n: int, campaign: Any = None) -> Contact:
    contact = Contact.objects.create(email=f"p{n}@bigco.example", owner=org.marketer)
    Touchpoint.objects.create(
        contact=contact, campaign=campaign, channel="web", kind="form",
        occurred_at=timezone.now(), idempotency_key=f"form-{n}",
    )  # fmt: skip
    return contact


class Transactions:
    """The statements of each transaction this connection runs, in order (a test
    without a transaction of its own around it: ``live_org``)."""

    def __init__(self) -> None:
        self.runs: list[list[str]] = []
        self._inside = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if connection.in_atomic_block and not self._inside:
            self.runs.append([])
        self._inside = connection.in_atomic_block
        if self._inside:
            self.runs[-1].append(sql)
        return execute(sql, params, many, context)


def test_the_worker_routes_a_batch_before_taking_the_write_lock(live_org):
    """On SQLite the worker's write transaction holds the lock every web form waits for:
    it reads no routing, and writes the batch in a few statements whatever its size."""
    agree(live_org, rules=HOT)
    campaign = CampaignFactory(name="Pricing page", channel="web", owner=live_org.marketer)
    contacts = [form_filled(live_org, n, campaign) for n in range(4)]
    Arrival.objects.bulk_create(
        [Arrival(contact_id=c.pk, source="web form", at=timezone.now()) for c in contacts]
    )  # as the form wrote them; the wake-up is the call below
    seen = Transactions()
    with connection.execute_wrapper(seen):
        assert arrivals.process_arrivals() == 4
    write = seen.runs[0]  # then the e-mails' claim, in a transaction of its own
    assert not [sql for sql in write if any(table in sql for table in ROUTING_TABLES)]
    assert len(write) <= 14, "\n".join(write)
    leads = Lead.objects.filter(pk__in=[c.pk for c in contacts])
    assert {(lead.stage, lead.rep, lead.source_campaign, lead.source) for lead in leads} == {
        (Stage.MQL, live_org.sales_rep, campaign, "web")
    }
    assert LifecycleEvent.objects.filter(to_stage=Stage.MQL).count() == 4
    told = Notification.objects.get(kind="lead.assigned")
    assert (told.recipient, told.text) == (live_org.sales_rep, "4 new leads for you")
    assert not Arrival.objects.exists()


def test_a_plan_whose_rep_got_a_lead_meanwhile_is_routed_again(org):
    """The plan gave the lead to the only rep with room for one more. Before the worker
    wrote it, that rep got another lead: the plan no longer holds, and the batch is
    routed again inside the transaction, so the rep is not taken over their limit."""
    agree(org, rules=HOT)
    org.sales_rep.lead_capacity = 1
    org.sales_rep.save()
    contact = form_filled(org, 1)
    rules = scoring_runs.scoring_in_force()
    now = timezone.now()
    scores = scoring_runs.scores_of(rules, now, [contact.pk])
    plan = plan_hand_off(
        [contact.pk], scores=scores, threshold=rules.model.threshold, now=now, source="web"
    )
    assert [(lead.pk, lead.rep) for lead in plan.leads] == [(contact.pk, org.sales_rep)]
    other = form_filled(org, 9)  # meanwhile, another batch gives the rep their one lead
    assert arrivals.lead_arrived([other.pk], source="web") == 1
    assert Lead.objects.get(pk=other.pk).rep == org.sales_rep
    with transaction.atomic():
        scoring_runs.ensure_leads(Contact.objects.filter(pk=contact.pk), now)
        assert carry_out(plan, [contact.pk]) is None
        transaction.set_rollback(True)
    prepared = arrivals.Prepared(rules, now, scores, plan)
    assert arrivals.lead_arrived([contact.pk], source="web", prepared=prepared) == 1
    lead = Lead.objects.get(pk=contact.pk)
    assert (lead.stage, lead.rep, lead.routing_reason) == (
        Stage.MQL,
        None,
        RoutingReason.NO_REP_FREE,
    )
    assert Lead.objects.filter(rep=org.sales_rep, stage=Stage.MQL).count() == 1


def test_a_plan_for_a_lead_that_moved_on_is_not_written(org):
    """A rep disqualified the lead between the plan and the write: no hand-off."""
    agree(org, rules=HOT)
    contact = form_filled(org, 2)
    scoring_runs.ensure_leads(Contact.objects.filter(pk=contact.pk), timezone.now())
    rules = scoring_runs.scoring_in_force()
    now = timezone.now()
    scores = scoring_runs.scores_of(rules, now, [contact.pk])
    plan = plan_hand_off(
        [contact.pk], scores=scores, threshold=rules.model.threshold, now=now, source="web"
    )
    assert len(plan.leads) == 1
    Lead.objects.filter(pk=contact.pk).update(stage=Stage.DISQUALIFIED, stage_changed_at=now)
    prepared = arrivals.Prepared(rules, now, scores, plan)
    assert arrivals.lead_arrived([contact.pk], source="web", prepared=prepared) == 0
    assert Lead.objects.get(pk=contact.pk).stage == Stage.DISQUALIFIED
    assert not LifecycleEvent.objects.exists()


def test_a_web_form_writes_its_submission_and_nothing_of_the_hand_off(live_org):
    """The form's own transaction stores the submission and queues the contact: a few
    single statements, no scoring, routing or lead rows, so a prospect never waits on
    the hand-off (which the worker does after the commit; here inline, tests' queue)."""
    agree(live_org, rules=HOT)
    campaign = CampaignFactory(name="Pricing page", channel="web", owner=live_org.marketer)
    seen = Transactions()
    with connection.execute_wrapper(seen):
        capture.capture_form(
            form_key=campaign.form_key, data={"email": "cto@bigco.example"}, ip="192.0.2.1"
        )
    form = seen.runs[0]
    assert not [sql for sql in form if "handoff_lead" in sql or "people_user" in sql]
    # The rate count, the new contact and its history, the touch, the membership, the
    # event (and its content type, the first time), the arrival.
    assert len([sql for sql in form if not sql.startswith(("SAVEPOINT", "RELEASE"))]) <= 9, (
        "\n".join(form)
    )
    lead = Lead.objects.get(contact__email="cto@bigco.example")  # the worker's, after
    assert (lead.stage, lead.rep) == (Stage.MQL, live_org.sales_rep)
    again = capture.capture_form(
        form_key=campaign.form_key, data={"email": "cto@bigco.example"}, ip="192.0.2.1"
    )
    assert not again.touchpoint_created  # the same minute: one touch, not two
    assert Touchpoint.objects.filter(contact=lead.contact).count() == 1
    assert campaign.members.get().status == "responded"
