"""The SLA and scoring rules are joint contracts: in force only with both heads' approval."""

import pytest

from tandem.approvals import contracts as joint
from tandem.core.errors import DomainError
from tandem.handoff import contracts
from tandem.handoff.models import ScoringModel, SlaPolicy
from tandem.handoff.tests.conftest import RULES, TIERS


def propose(org, actor=None, **overrides):
    fields = {"mqls_per_month": 120, "min_acceptance_rate": "70", "tiers": TIERS} | overrides
    return contracts.propose_sla_policy(actor=actor or org.marketing_head, **fields)


def test_one_heads_approval_changes_nothing_both_bring_it_into_force(org):
    policy = propose(org)
    signed = joint.request_for(policy).requirements.values_list("side", "satisfied_by")
    assert dict(signed) == {"marketing": org.marketing_head.pk, "sales": None}  # proposer's side
    assert policy.status == "proposed" and SlaPolicy.objects.in_force() is None
    with pytest.raises(DomainError, match="approved this already"):
        joint.approve(actor=org.marketing_head, contract=policy)
    assert SlaPolicy.objects.in_force() is None

    joint.approve(actor=org.sales_head, contract=policy)
    assert SlaPolicy.objects.in_force() == policy

    newer = propose(org, actor=org.sales_head, mqls_per_month=150)
    assert SlaPolicy.objects.in_force() == policy  # still the old one
    joint.approve(actor=org.marketing_head, contract=newer)
    policy.refresh_from_db()
    assert (SlaPolicy.objects.in_force(), policy.status) == (newer, "superseded")


@pytest.mark.parametrize("who", ["marketer", "sales_rep", "executive", "admin", "outsider"])
def test_only_heads_of_marketing_and_sales_propose_or_approve(org, who):
    with pytest.raises(DomainError) as caught:
        propose(org, actor=getattr(org, who))
    assert caught.value.code == "forbidden"
    policy = propose(org)
    with pytest.raises(DomainError) as caught:
        joint.approve(actor=getattr(org, who), contract=policy)
    assert caught.value.code == "not_a_decider" and caught.value.status == 403
    assert SlaPolicy.objects.in_force() is None


def test_one_person_heading_both_teams_cannot_sign_both_sides(org):
    from tandem.factories.people import MembershipFactory

    MembershipFactory(user=org.marketing_head, team=org.sales, role="head")
    policy = propose(org)
    with pytest.raises(DomainError, match="needs someone else for a head of a sales team"):
        joint.approve(actor=org.marketing_head, contract=policy)
    joint.approve(actor=org.sales_head, contract=policy)
    assert SlaPolicy.objects.in_force() == policy


def test_a_withdrawn_proposal_cannot_be_approved(org):
    policy = propose(org)
    joint.withdraw(actor=org.marketing_head, contract=policy)
    with pytest.raises(DomainError, match="withdrawn"):
        joint.approve(actor=org.sales_head, contract=policy)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mqls_per_month": 0}, "mqls_per_month"),
        ({"mqls_per_month": "lots"}, "mqls_per_month"),
        ({"min_acceptance_rate": "101"}, "min_acceptance_rate"),
        ({"min_acceptance_rate": "NaN"}, "min_acceptance_rate"),
        ({"tiers": []}, "tiers"),
        ({"tiers": [{**TIERS[0], "tier": "urgent"}]}, "tiers[0].tier"),
        ({"tiers": [TIERS[0], TIERS[0]]}, "tiers[1].tier"),
        ({"tiers": [{**TIERS[0], "accept_within_hours": 0}]}, "tiers[0].accept_within_hours"),
    ],
)
def test_a_bad_sla_names_the_field_and_stores_nothing(org, overrides, field):
    with pytest.raises(DomainError) as caught:
        propose(org, **overrides)
    assert caught.value.field == field
    assert not SlaPolicy.objects.exists()


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        (
            {"kind": "fit", "field": "shoe_size", "operator": "equals", "value": "9"},
            "rules[0].field",
            "no field",
        ),
        (
            {"kind": "fit", "field": "job_title", "operator": "like", "value": "x"},
            "rules[0].operator",
            "Choose",
        ),
        (
            {"kind": "fit", "field": "job_title", "operator": "equals", "value": ""},
            "rules[0].value",
            "should hold",
        ),
        ({"kind": "engagement", "field": "carrier_pigeon"}, "rules[0].field", "no touch kind"),
        ({"kind": "vibes", "field": "form"}, "rules[0].kind", "fit or engagement"),
        (
            {"kind": "engagement", "field": "form", "points": "ten"},
            "rules[0].points",
            "whole number",
        ),
        (
            {"kind": "engagement", "field": "form", "points": 10**6},
            "rules[0].points",
            "-1000 to 1000",
        ),
    ],
)
def test_a_rule_on_a_field_that_does_not_exist_is_refused(org, rule, field, message):
    rule = {"points": 5, **rule}
    with pytest.raises(DomainError, match=message) as caught:
        contracts.propose_scoring_model(
            actor=org.marketing_head, threshold=50, half_life_days=30, rules=[rule]
        )
    assert caught.value.field == field
    assert not ScoringModel.objects.exists()


def test_bringing_scoring_into_force_rescores_everyone_in_the_background(
    org, django_capture_on_commit_callbacks
):
    from tandem.core.models import Job

    model = contracts.propose_scoring_model(
        actor=org.sales_head, threshold=40, half_life_days=14, rules=RULES
    )
    assert not Job.objects.filter(kind="handoff.rescore").exists()
    with django_capture_on_commit_callbacks(execute=True):
        joint.approve(actor=org.marketing_head, contract=model)
    job = Job.objects.get(kind="handoff.rescore")
    assert job.params == {"model_id": model.pk} and job.status == "done"
