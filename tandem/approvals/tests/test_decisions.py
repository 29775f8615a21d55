"""Versions, changes requested, refusals, overrides, withdrawal, notices and reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.approvals import services
from tandem.approvals.models import ApprovalRequest, Decision
from tandem.approvals.tests.conftest import approve, ask
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification


def test_a_new_version_voids_earlier_decisions_and_a_stale_one_is_refused(org, kinds, log):
    request = ask(org.marketer, kinds["two"], org.marketing)
    approve(org.marketing_head, request)
    log.versions[org.marketing.pk] = 2
    assert services.new_version(org.marketing, 2) == 1
    request.refresh_from_db()
    assert request.version == 2 and request.status == "open"
    assert not request.requirements.filter(satisfied_by__isnull=False).exists()
    assert Decision.objects.get().voided_at is not None
    with pytest.raises(DomainError) as refused:
        services.decide(actor=org.sales_head, request=request, outcome="approve", version=1)
    assert refused.value.code == "version_not_current"
    assert "version 2 is current" in refused.value.message
    approve(org.marketing_head, request)  # decides again, on version 2
    assert approve(org.sales_head, request).status == "approved"
    versions = sorted((d.version, d.voided_at is None) for d in Decision.objects.all())
    assert versions == [(1, False), (2, True), (2, True)]


def test_changes_requested_closes_it_until_a_new_version(org, kinds, log):
    request = ask(org.marketer, kinds["two"], org.marketing)
    with pytest.raises(DomainError) as refused:
        services.decide(actor=org.sales_head, request=request, outcome="changes", version=1)
    assert refused.value.field == "comment"
    services.decide(
        actor=org.sales_head, request=request, outcome="changes", version=1, comment="Too tight"
    )
    request.refresh_from_db()
    assert request.status == "changes_requested"
    assert log.closed == [(org.marketing.pk, "changes_requested")]
    assert Notification.objects.filter(recipient=org.marketer, text__contains="Too tight").exists()
    services.new_version(org.marketing, 2)
    request.refresh_from_db()
    assert (request.status, request.version) == ("open", 2)


def test_a_refusing_hook_undoes_the_whole_decision(org, kinds, log):
    request = ask(org.marketer, kinds["two"], org.marketing)
    approve(org.marketing_head, request)
    log.refuse = "Not enough money left on the line."
    with pytest.raises(DomainError) as refused:
        approve(org.sales_head, request)
    assert refused.value.message == "Not enough money left on the line."
    request.refresh_from_db()
    assert request.status == "open"
    assert list(request.requirements.values_list("satisfied_by", flat=True)) == [
        org.marketing_head.pk,
        None,
    ]
    assert Decision.objects.count() == 1


def test_only_the_named_role_overrides_with_a_reason(org, kinds, log):
    review = ask(org.marketer, kinds["review"], org.sales)
    for nobody in (org.admin, org.sales_head, org.marketer):
        with pytest.raises(DomainError) as refused:
            services.override(actor=nobody, request=review, reason="Urgent")
        assert refused.value.code == "no_override" and "the executive" in refused.value.message
    with pytest.raises(DomainError) as refused:
        services.override(actor=org.executive, request=review, reason="  ")
    assert refused.value.field == "reason"
    done = services.override(actor=org.executive, request=review, reason="Print deadline")
    assert (done.status, done.override_reason, done.closed_by) == (
        "overridden",
        "Print deadline",
        org.executive,
    )
    assert log.approved == [org.sales.pk]
    contract = ask(org.marketer, kinds["two"], org.marketing)  # no override in this kind
    with pytest.raises(DomainError) as refused:
        services.override(actor=org.executive, request=contract, reason="Because")
    assert "cannot be overridden" in refused.value.message


def test_only_the_requester_withdraws_an_open_request(org, kinds, log):
    request = ask(org.marketer, kinds["two"], org.marketing)
    with pytest.raises(DomainError) as refused:
        services.withdraw(actor=org.marketing_head, request=request)
    assert refused.value.status == 403
    assert services.withdraw(actor=org.marketer, request=request).status == "withdrawn"
    assert log.closed == [(org.marketing.pk, "withdrawn")]
    with pytest.raises(DomainError) as refused:
        services.withdraw(actor=org.marketer, request=request)
    assert refused.value.code == "already_decided"


def test_deciders_are_told_and_reminded_once_per_wait(org, kinds):
    request = ask(org.marketer, kinds["two"], org.marketing)
    told = set(Notification.objects.values_list("recipient__handle", flat=True))
    assert told == {"hana", "sid"}  # the two heads; not the requester
    approve(org.marketing_head, request)
    later = timezone.now() + timedelta(hours=25)
    assert services.remind_waiting(later, after_hours=24) == 1  # only sales still owes one
    assert (
        Notification.objects.filter(recipient=org.sales_head, text__startswith="Still").count() == 1
    )
    assert services.remind_waiting(later + timedelta(hours=1), after_hours=24) == 0
    assert services.remind_waiting(later + timedelta(hours=25), after_hours=24) == 1
    approve(org.sales_head, request)
    assert Notification.objects.filter(recipient=org.marketer, text__startswith="Approved").exists()
    assert ApprovalRequest.objects.get().status == "approved"


def test_asking_again_after_changes_then_a_new_version_reopens_only_the_new_ask(org, kinds, log):
    sent_back = ask(org.marketer, kinds["two"], org.marketing)
    services.decide(
        actor=org.sales_head, request=sent_back, outcome="changes", version=1, comment="No"
    )
    again = ask(org.marketer, kinds["two"], org.marketing)  # supersedes the sent-back one
    log.versions[org.marketing.pk] = 2
    assert services.new_version(org.marketing, 2) == 1
    sent_back.refresh_from_db()
    again.refresh_from_db()
    assert (sent_back.status, again.status, again.version) == ("superseded", "open", 2)
