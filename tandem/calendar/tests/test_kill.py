"""Kill criteria: agreed by both heads per campaign type, impossible thresholds refused;
the daily evaluation flags a live campaign meeting one (exact figures), once; the
owner's cut or continue, with its rules; a cut campaign ends, takes no more spend or
members, and frees its unspent budget; a continued one is flagged again after review."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.approvals import contracts as joint
from tandem.approvals.models import ApprovalRequest
from tandem.calendar import kill
from tandem.calendar.models import KillCriteria, KillDecision, KillFlag
from tandem.calendar.tasks import evaluate_kill_criteria
from tandem.calendar.tests.kill_data import (
    TODAY,
    agree,
    campaign,
    deal,
    funnel,
    spend,
    touches,
)
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.core.errors import DomainError, ErrorCode
from tandem.crm import services as crm
from tandem.notifications.models import Notification

COST = {"cost_per_sql_max": "400", "cost_per_sql_days": "14"}


# --- The criteria: a joint contract per type ------------------------------------------------
def test_criteria_are_in_force_only_once_both_heads_approved(org):
    proposed = kill.propose_kill_criteria(
        actor=org.marketing_head, campaign_type="paid_search", **COST, note="Search is dear"
    )
    assert proposed.status == KillCriteria.Status.PROPOSED
    assert kill.in_force() == {}
    request = ApprovalRequest.objects.about(proposed).get()
    assert request.kind == kill.KILL_KIND
    # The proposer's approval counts for marketing only: approving again never does
    # the sales side's part.
    with pytest.raises(DomainError):
        joint.approve(actor=org.marketing_head, contract=proposed)
    assert kill.in_force() == {}
    with pytest.raises(DomainError) as refused:  # a rep is no head of sales
        joint.approve(actor=org.sales_rep, contract=proposed)
    assert refused.value.code == ErrorCode.FORBIDDEN or refused.value.status == 403
    joint.approve(actor=org.sales_head, contract=proposed)
    assert kill.in_force() == {"paid_search": proposed}
    proposed.refresh_from_db()
    assert proposed.status == KillCriteria.Status.ACTIVE


def test_each_type_keeps_its_own_criteria(org):
    search = agree(org, campaign_type="paid_search", **COST)
    webinar = agree(org, campaign_type="webinar", mql_share_min="50", mql_share_days="7")
    newer = agree(org, campaign_type="paid_search", cost_per_sql_max="300", cost_per_sql_days=7)
    search.refresh_from_db()
    assert search.status == KillCriteria.Status.SUPERSEDED
    assert kill.in_force() == {"paid_search": newer, "webinar": webinar}


def test_only_heads_propose(org):
    for person in (org.marketer, org.sales_rep, org.front_liner, org.executive):
        with pytest.raises(DomainError) as refused:
            kill.propose_kill_criteria(actor=person, campaign_type="webinar", **COST)
        assert refused.value.code == ErrorCode.FORBIDDEN
    assert not KillCriteria.objects.exists()


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"cost_per_sql_max": "-1", "cost_per_sql_days": "14"}, "cost_per_sql_max"),
        ({"cost_per_sql_max": "400", "cost_per_sql_days": "0"}, "cost_per_sql_days"),
        ({"cost_per_sql_max": "400", "cost_per_sql_days": "100000"}, "cost_per_sql_days"),
        ({"cost_per_sql_max": "400"}, "cost_per_sql_days"),
        ({"cost_per_sql_days": "14"}, "cost_per_sql_max"),
        ({"mql_share_min": "101", "mql_share_days": "7"}, "mql_share_min"),
        ({"mql_share_min": "-5", "mql_share_days": "7"}, "mql_share_min"),
        ({"mql_share_min": "50", "mql_share_days": "-3"}, "mql_share_days"),
        ({"roi_min": "-101"}, "roi_min"),
        ({"roi_min": "lots"}, "roi_min"),
        ({"roi_min": "NaN"}, "roi_min"),
        ({"roi_min": "10", "currency": "XYZ"}, "currency"),
        ({"roi_min": "10", "campaign_type": "blimp"}, "campaign_type"),
    ],
)
def test_impossible_thresholds_are_refused_naming_the_field(org, given, field):
    data = {"campaign_type": "webinar", **given}
    with pytest.raises(DomainError) as refused:
        kill.propose_kill_criteria(actor=org.marketing_head, **data)
    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.field == field
    assert not KillCriteria.objects.exists()
    assert not ApprovalRequest.objects.exists()


# --- The evaluation -------------------------------------------------------------------------
def _sqls(org, found, n, amount="1000"):
    for _ in range(n):
        funnel(org, found, ["mql", "accepted", "sql"], deal=deal(org, amount))


def test_a_campaign_over_its_cost_per_sql_after_n_days_is_flagged(org):
    agree(org, campaign_type="paid_search", **COST)
    dear = campaign(org, "Dear search", days_live=20)
    spend(org, dear, "1500.00")
    _sqls(org, dear, 3)  # 1,500 / 3 = 500 per SQL, above 400, 20 days live (>= 14)
    fine = campaign(org, "Fine search", days_live=20)
    spend(org, fine, "1200.00")
    _sqls(org, fine, 3)  # 400 per SQL: not above
    young = campaign(org, "Young search", days_live=10)
    spend(org, young, "5000.00")  # dear, but only 10 days live
    flags = kill.evaluate(today=TODAY)
    assert [(f.campaign.name, f.criterion, f.measured, f.threshold, f.currency, f.days_live)
            for f in flags] == [
        ("Dear search", "cost_per_sql", Decimal("500.00"), Decimal("400.00"), "GBP", 20)
    ]  # fmt: skip
    # The owner is told, once, with a link to the campaign.
    [told] = Notification.objects.filter(recipient=org.marketer, kind="campaign.flagged")
    assert "Dear search" in told.text and told.url == f"/campaigns/{dear.pk}/"


def test_no_sql_yet_counts_the_whole_spend_as_the_first_ones_cost(org):
    agree(org, campaign_type="paid_search", **COST)
    found = campaign(org, "Nothing yet", days_live=15)
    spend(org, found, "450.00")
    [flag] = kill.evaluate(today=TODAY)
    assert (flag.criterion, flag.measured) == ("cost_per_sql", Decimal("450.00"))


def test_a_campaign_under_its_share_of_forecast_mqls_is_flagged(org):
    agree(org, campaign_type="webinar", mql_share_min="50", mql_share_days="14")
    # 14 days at 10 a week: 20 forecast; 9 MQLs is 45 %, under 50 %.
    weak = campaign(org, "Weak webinar", type="webinar", channel="events", days_live=14,
                    expected_leads_per_week=10)  # fmt: skip
    for _ in range(9):
        funnel(org, weak, ["mql"])
    strong = campaign(org, "Strong webinar", type="webinar", channel="events", days_live=14,
                      expected_leads_per_week=10)  # fmt: skip
    for _ in range(10):
        funnel(org, strong, ["mql"])  # 50 %: not under
    unforecast = campaign(org, "No forecast", type="webinar", channel="events", days_live=30)
    [flag] = kill.evaluate(today=TODAY)
    assert (flag.campaign_id, flag.criterion, flag.measured, flag.threshold, flag.currency) == (
        weak.pk, "mql_share", Decimal("45.00"), Decimal("50.00"), "",
    )  # fmt: skip
    assert not KillFlag.objects.filter(campaign__in=[strong, unforecast]).exists()


def _won_from(org, found, amount):
    """A won deal whose account's one contact was touched by ``found`` (linear
    attribution: the whole revenue is the campaign's)."""
    account = crm.create_account(actor=org.sales_rep, name=f"Buyer {found.pk}")
    person = crm.create_contact(actor=org.sales_rep, first_name="Buyer", account=account)
    touches(found, [person])
    opportunity = crm.create_opportunity(
        actor=org.sales_rep, name="Won", account=account, amount=amount
    )
    crm.move_opportunity(actor=org.sales_rep, opportunity=opportunity, stage="won",
                         reason="Signed")  # fmt: skip


def test_a_campaign_under_its_roi_at_the_end_is_flagged(org):
    agree(org, campaign_type="paid_social", roi_min="0")
    today = timezone.localdate()  # the attribution report's window is the real one
    ended = dict(type="paid_social", channel="social", starts_on=today - timedelta(days=30),
                 ends_on=today - timedelta(days=1))  # fmt: skip
    losing = campaign(org, "Losing social", **ended)
    spend(org, losing, "2000.00")
    _won_from(org, losing, "1000")  # ROI (1,000 - 2,000) / 2,000 = -50 %
    paying = campaign(org, "Paying social", **ended)
    spend(org, paying, "1000.00")
    _won_from(org, paying, "5000")  # +400 %
    running = campaign(org, "Running social", type="paid_social", channel="social")
    spend(org, running, "3000.00")  # no return yet, but not at its end
    [flag] = kill.evaluate(today=today)
    assert (flag.campaign_id, flag.criterion, flag.measured, flag.threshold) == (
        losing.pk, "roi", Decimal("-50.00"), Decimal("0.00"),
    )  # fmt: skip


def test_evaluation_is_idempotent_and_the_task_runs_it(org):
    agree(org, campaign_type="paid_search", **COST)
    found = campaign(org, "Dear search", days_live=20)
    spend(org, found, "1500.00")
    assert len(kill.evaluate(today=TODAY)) == 1
    assert kill.evaluate(today=TODAY) == []
    assert evaluate_kill_criteria.call_local() == 0
    assert KillFlag.objects.count() == 1
    assert Notification.objects.filter(kind="campaign.flagged").count() == 1


def test_campaigns_that_are_not_live_are_not_evaluated(org):
    agree(org, campaign_type="paid_search", **COST)
    found = campaign(org, "Planned", days_live=20)
    spend(org, found, "1500.00")
    Campaign.objects.filter(pk=found.pk).update(status=Campaign.Status.PLANNED)
    assert kill.evaluate(today=TODAY) == []


# --- The decision ---------------------------------------------------------------------------
@pytest.fixture
def flagged(org):
    agree(org, campaign_type="paid_search", **COST)
    found = campaign(org, "Dear search", days_live=20, planned_budget="5000")
    spend(org, found, "1500.00")
    kill.evaluate(today=TODAY)
    return found


def test_only_the_owner_a_head_of_its_team_or_an_admin_decides(org, flagged):
    for person in (org.sales_rep, org.sales_head, org.front_liner, org.executive, org.outsider):
        with pytest.raises(DomainError) as refused:
            kill.decide(actor=person, campaign=flagged, outcome="cut", today=TODAY)
        assert refused.value.code == ErrorCode.FORBIDDEN
    assert kill.may_decide(org.marketer, flagged)  # the owner
    assert kill.may_decide(org.marketing_head, flagged)  # a head of its team
    assert kill.may_decide(org.admin, flagged)
    assert not KillDecision.objects.exists()


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"reason": "", "review_on": TODAY + timedelta(days=7)}, "reason"),
        ({"reason": "Leads are slow to come", "review_on": None}, "review_on"),
        ({"reason": "Leads are slow to come", "review_on": TODAY}, "review_on"),
        ({"reason": "Leads are slow to come", "review_on": TODAY - timedelta(days=1)}, "review_on"),
        ({"reason": "Slow to come", "review_on": TODAY + timedelta(days=400)}, "review_on"),
        ({"reason": "x" * 501, "review_on": TODAY + timedelta(days=7)}, "reason"),
    ],
)  # fmt: skip
def test_continue_needs_a_reason_and_a_review_date_in_the_future(org, flagged, given, field):
    with pytest.raises(DomainError) as refused:
        kill.decide(actor=org.marketer, campaign=flagged, outcome="continue", today=TODAY, **given)
    assert refused.value.field == field
    assert KillFlag.objects.open().count() == 1


def test_nothing_to_decide_without_an_open_flag(org):
    found = campaign(org, "Unflagged")
    with pytest.raises(DomainError) as refused:
        kill.decide(actor=org.marketer, campaign=found, outcome="cut", today=TODAY)
    assert refused.value.code == "kill_nothing_to_decide"
    assert Campaign.objects.get(pk=found.pk).status == Campaign.Status.LIVE


def test_a_cut_ends_the_campaign_refuses_spend_and_members_and_frees_its_budget(org, flagged):
    decision = kill.decide(actor=org.marketer, campaign=flagged, outcome="cut", today=TODAY)
    assert decision.outcome == "cut" and decision.freed_budget == Decimal("3500.00")
    flagged.refresh_from_db()
    assert flagged.status == Campaign.Status.CUT
    assert list(KillFlag.objects.values_list("decision_id", flat=True)) == [decision.pk]
    with pytest.raises(DomainError) as refused:
        spend(org, flagged, "10.00")
    assert refused.value.code == "campaign_cut"
    person = crm.create_contact(actor=org.marketer, first_name="Late")
    for status in ("targeted", "responded"):
        with pytest.raises(DomainError) as refused:
            campaigns.add_members(
                actor=org.marketer, campaign=flagged, contacts=[person], status=status
            )
    assert refused.value.code == "campaign_cut"
    with pytest.raises(DomainError):
        campaigns.target_contacts(
            actor=org.marketer, campaign=flagged, contacts=type(person).objects.all()
        )
    assert flagged.members.count() == 0 and flagged.costs.count() == 1
    # A stale copy of the campaign (read before the cut) is refused too.
    stale = Campaign.objects.get(pk=flagged.pk)
    stale.status = Campaign.Status.LIVE
    with pytest.raises(DomainError):
        spend(org, stale, "10.00")
    # Nothing is flagged on a cut campaign any more.
    assert kill.evaluate(today=TODAY + timedelta(days=30)) == []


def test_continue_is_looked_at_again_only_after_its_review_date(org, flagged):
    review = TODAY + timedelta(days=14)
    decision = kill.decide(actor=org.marketing_head, campaign=flagged, outcome="continue",
                           reason="Search terms changed last week", review_on=review,
                           today=TODAY)  # fmt: skip
    assert (decision.outcome, decision.review_on, decision.freed_budget) == (
        "continue", review, None)  # fmt: skip
    assert Campaign.objects.get(pk=flagged.pk).status == Campaign.Status.LIVE
    assert not KillFlag.objects.open().exists()
    assert kill.evaluate(today=TODAY + timedelta(days=7)) == []  # before the review
    assert kill.evaluate(today=review - timedelta(days=1)) == []
    [again] = kill.evaluate(today=review)  # still failing on the review date
    assert again.campaign_id == flagged.pk and again.decision_id is None
    assert KillFlag.objects.count() == 2
