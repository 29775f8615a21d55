"""Who may satisfy which requirement, and when a request passes."""

import pytest

from tandem.approvals import services
from tandem.approvals.models import ApprovalRequest, Decision
from tandem.approvals.tests.conftest import approve, ask
from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent
from tandem.factories.people import MembershipFactory, UserFactory


def test_a_marketing_head_and_a_sales_head_pass_it(org, kinds, log):
    request = ask(org.marketer, kinds["two"], org.marketing, reason="Tighter SLA")
    assert request.status == "open" and request.requested_by == org.marketer
    approve(org.marketing_head, request)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "open"
    assert log.approved == []
    passed = approve(org.sales_head, request, comment="Fine by sales")
    assert passed.status == "approved" and passed.closed_by == org.sales_head
    assert log.approved == [org.marketing.pk]  # the kind's hook ran, once
    who = dict(request.requirements.values_list("label", "satisfied_by__full_name"))
    assert who == {"a head of a marketing team": "Hana Head", "a head of a sales team": "Sid Head"}
    names = list(DomainEvent.objects.filter(subject_id=request.pk).values_list("name", flat=True))
    assert sorted(names) == sorted(
        ["approval.requested", "approval.approved", "approval.approved", "approval.passed"]
    )


def test_one_person_satisfies_one_requirement_even_heading_both_teams(org, kinds, log):
    both = org.marketing_head
    MembershipFactory(user=both, team=org.sales, role="head")
    request = ask(both, kinds["own"], org.marketing)  # asking counts for their own side
    assert request.requester_side == "marketing"
    assert list(request.requirements.values_list("satisfied_by", flat=True)) == [both.pk, None]
    with pytest.raises(DomainError) as refused:
        approve(both, request)
    assert refused.value.code == "already_decided"
    assert "needs someone else for a head of a sales team" in refused.value.message
    assert not ApprovalRequest.objects.waiting_for(both).filter(pk=request.pk).exists()
    assert approve(org.sales_head, request).status == "approved"


def test_the_requester_never_satisfies_the_other_sides_requirement(org, kinds):
    both = UserFactory(full_name="Dual Head")
    MembershipFactory(user=both, team=org.marketing, role="head")
    MembershipFactory(user=both, team=org.sales, role="head")
    request = ask(both, kinds["two"], org.marketing)
    approve(org.marketing_head, request)  # someone else takes the requester's own side
    with pytest.raises(DomainError) as refused:
        approve(both, request)  # the sales side is open, and they head sales, but asked
    assert refused.value.code == "not_a_decider"
    assert "needs a second person" in refused.value.message
    assert approve(org.sales_head, request).status == "approved"


def test_a_kind_may_refuse_the_requester_even_for_their_own_side(org, kinds):
    """A budget reallocation: whoever proposes it needs two other people."""
    second = UserFactory(full_name="Second Marketing Head")
    MembershipFactory(user=second, team=org.marketing, role="head")
    request = ask(org.marketing_head, kinds["others"], org.marketing)
    assert request.requester_side == "-"
    assert not ApprovalRequest.objects.waiting_for(org.marketing_head).filter(pk=request.pk)
    with pytest.raises(DomainError) as refused:
        approve(org.marketing_head, request)
    assert refused.value.code == "not_a_decider"
    assert "never count as one of its approvers" in refused.value.message
    assert ApprovalRequest.objects.waiting_for(second).filter(pk=request.pk).exists()
    approve(second, request)
    assert approve(org.sales_head, request).status == "approved"


def test_no_role_admin_included_bypasses_a_requirement(org, kinds):
    request = ask(org.marketing_head, kinds["two"], org.marketing)
    for outsider in (org.admin, org.marketer, org.sales_rep, org.executive):
        with pytest.raises(DomainError) as refused:
            approve(outsider, request)
        assert refused.value.code == "not_a_decider"
        assert refused.value.status == 403
    assert not Decision.objects.exists()


def test_n_of_m_needs_any_two_and_names_are_per_role(org, kinds, log):
    request = ask(org.marketer, kinds["review"], org.sales)
    assert request.needed == 2 and request.requirements.count() == 3
    approve(org.front_liner, request)
    with pytest.raises(DomainError):
        approve(org.marketing_head, request)  # holds none of the three
    assert approve(org.sales_rep, request).status == "approved"  # owner, and in the team
    assert log.approved == [org.sales.pk]


def test_asking_again_supersedes_the_open_request(org, kinds, log):
    first = ask(org.marketer, kinds["two"], org.marketing)
    second = ask(org.marketer, kinds["two"], org.marketing)
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "open")
    assert log.superseded == [org.marketing.pk]
    with pytest.raises(DomainError) as refused:
        services.decide(actor=org.sales_head, request=first, outcome="approve", version=1)
    assert refused.value.code == "already_decided"


def test_waiting_for_agrees_with_who_may_decide(org, kinds):
    both = UserFactory(full_name="Dual Head")
    MembershipFactory(user=both, team=org.marketing, role="head")
    MembershipFactory(user=both, team=org.sales, role="head")
    requests = [
        ask(org.marketer, kinds["two"], org.marketing),
        ask(both, kinds["own"], org.sales),
        ask(org.marketer, kinds["review"], org.sales),
        ask(org.sales_head, kinds["two"], org.front_line),
    ]
    approve(org.sales_head, requests[0])
    people = [*org.personas().values(), both]
    for person in people:
        listed = set(ApprovalRequest.objects.waiting_for(person).values_list("pk", flat=True))
        may = {r.pk for r in requests if services.open_needs(r, person)}
        assert listed == may, person.full_name
