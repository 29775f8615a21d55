"""The hand-off contract most tests start from (both heads agreed an SLA and scoring),
and the hot lead it hands off."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.approvals import contracts as joint
from tandem.factories.campaigns import TouchpointFactory
from tandem.factories.crm import AccountFactory, ContactFactory
from tandem.handoff import arrivals, contracts
from tandem.handoff.models import Lead, ScoringModel, SlaPolicy

TIERS = [
    {"tier": "high", "min_score": 80, "accept_within_hours": 1, "follow_up_within_hours": 4},
    {"tier": "medium", "min_score": 50, "accept_within_hours": 4, "follow_up_within_hours": 8},
    {"tier": "low", "min_score": 0, "accept_within_hours": 8, "follow_up_within_hours": 16},
]
RULES = [
    {
        "kind": "fit",
        "field": "job_title",
        "operator": "contains",
        "value": "director",
        "points": 20,
    },
    {
        "kind": "fit",
        "field": "account.industry",
        "operator": "equals",
        "value": "Retail",
        "points": 10,
    },
    {"kind": "engagement", "field": "form", "points": 30},
    {"kind": "engagement", "field": "email_click", "points": 5},
]


def agree(
    org: Any, *, threshold: int = 50, rules: list[dict[str, Any]] | None = None
) -> ScoringModel:
    """Marketing proposes, sales approves: the SLA and scoring model come into force."""
    policy = contracts.propose_sla_policy(
        actor=org.marketing_head, mqls_per_month=100, min_acceptance_rate=60, tiers=TIERS
    )
    joint.approve(actor=org.sales_head, contract=policy)
    model = contracts.propose_scoring_model(
        actor=org.marketing_head, threshold=threshold, half_life_days=30, rules=rules or RULES
    )
    joint.approve(actor=org.sales_head, contract=model)
    model.refresh_from_db()
    assert model.status == "active"
    assert SlaPolicy.objects.in_force() == policy
    return model


@pytest.fixture
def contract(org: Any) -> ScoringModel:
    return agree(org)


def hot_lead(org: Any, n: int = 0, *, region: str = "", campaign: Any = None) -> Lead:
    """A contact whose form fill takes it over the threshold, handed off now."""
    account = AccountFactory(name=f"Co {n}", region=region, industry="Retail")
    contact = ContactFactory(
        email=f"lead{n}@co.test", last_name=f"Lead {n}", job_title="Director", account=account
    )
    TouchpointFactory(contact=contact, campaign=campaign, channel="search", kind="form")
    assert arrivals.lead_arrived([contact.pk]) == 1
    return Lead.objects.select_related("contact").get(pk=contact.pk)
