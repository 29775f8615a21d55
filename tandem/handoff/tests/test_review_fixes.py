"""Bugs found reading the change again: each test failed before its fix."""

import pytest
from django.urls import reverse

from tandem.approvals import contracts as joint
from tandem.core.errors import DomainError
from tandem.handoff import configuration, contracts, lifecycle, scoring_runs
from tandem.handoff.models import LifecycleEvent, RejectionReason
from tandem.handoff.tests.conftest import RULES
from tandem.handoff.tests.test_lifecycle import hot_lead
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


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "-1", "x" * 500])
def test_any_month_in_the_address_gives_a_report_not_an_error(client, org, month):
    client.force_login(org.marketer)
    assert client.get(reverse("handoff:sla_report"), {"month": month}).status_code == 200


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


def test_the_lead_page_offers_work_only_to_whoever_may_do_it(client, org, contract):
    from tandem.people.tests.factories import MembershipFactory, UserFactory

    lead = hot_lead(org)  # Sam's
    colleague = UserFactory()
    MembershipFactory(user=colleague, team=org.sales)
    client.force_login(colleague)
    page = client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()
    assert "Accept</button>" not in page and "Reject and send back" not in page
    client.force_login(org.sales_rep)
    page = client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()
    assert "Accept</button>" in page
