"""What the hand-off wrote stays right after later changes: a contact erased, the
scoring rules replaced while a rescore was queued."""

from tandem.approvals import contracts as joint
from tandem.handoff import contracts, lifecycle, scoring_runs
from tandem.handoff.models import LifecycleEvent
from tandem.handoff.tests.conftest import RULES, hot_lead
from tandem.notifications.models import Notification


def test_erasing_a_contact_erases_what_the_hand_off_wrote_about_them(org, contract):
    from tandem.crm.services import erase_contact

    lead = hot_lead(org)
    lifecycle.reject(actor=org.sales_rep, lead=lead, reason="no-budget", note="Lee's mobile 0770")
    assert Notification.objects.filter(text__contains="Lee Lead").exists()
    erase_contact(actor=org.admin, contact=lead.contact)
    lead.refresh_from_db()
    assert lead.rejection_note == ""
    assert not LifecycleEvent.objects.filter(lead=lead).exclude(note="").exists()
    assert not Notification.objects.filter(text__contains="Lee Lead").exists()


def test_a_rescore_queued_for_rules_since_replaced_does_not_apply_them(
    org, contract, django_capture_on_commit_callbacks
):
    from tandem.core.models import Job
    from tandem.handoff.models import Lead

    lead = hot_lead(org)  # scored 60 under the rules in force
    old = contract
    newer = contracts.propose_scoring_model(
        actor=org.marketing_head,
        threshold=50,
        half_life_days=30,
        rules=[{**r, "points": r["points"] * 2} for r in RULES],
    )
    joint.approve(actor=org.sales_head, contract=newer)
    # The job queued when the old rules came into force runs only now.
    job = Job.objects.create(
        owner=org.sales_head, kind="handoff.rescore", title="late", params={"model_id": old.pk}
    )
    from tandem.core.jobs import execute_job

    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and "replaced" in job.message
    scoring_runs.rescore_all(scoring_runs.scoring_in_force())
    assert Lead.objects.get(pk=lead.pk).score == 120  # the newer rules, not the old
