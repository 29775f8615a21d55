"""visible_to agrees with the permission table, for every model the table speaks of
(here, above every app whose models it builds; the decisions per persona are
tandem/notifications/tests/test_permissions.py)."""

from django.http import QueryDict

from tandem.api.services import create_token
from tandem.core.models import Job
from tandem.core.permissions import Action, can
from tandem.notifications.services import notify
from tandem.people.models import Team, User


def _check_agreement(model, objects, personas):
    assert objects, model
    for name, user in personas.items():
        visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
        for obj in objects:
            assert (obj.pk in visible) is can(user, Action.VIEW, obj), (name, obj)


def _rows(org, kinds):
    """Rows of every model the policy table speaks of, by label: a few of each, owned
    by different people in different teams."""
    from datetime import date

    from django.utils import timezone

    from tandem.approvals.services import request_approval
    from tandem.attribution.services import propose_attribution_model
    from tandem.calendar.feeds import create_feed
    from tandem.calendar.kill import propose_kill_criteria
    from tandem.calendar.models import KillDecision
    from tandem.campaigns.services import create_campaign
    from tandem.collateral.asks import ask
    from tandem.collateral.services import create_asset
    from tandem.core import saved_views
    from tandem.crm import services as crm
    from tandem.factories.campaigns import TouchpointFactory
    from tandem.factories.handoff import LeadFactory
    from tandem.handoff import configuration, contracts
    from tandem.handoff.referrals import refer_contact
    from tandem.handoff.tests.conftest import RULES, TIERS
    from tandem.planning.incentive import propose_incentive
    from tandem.planning.models import Assumption
    from tandem.planning.scorecard import set_kpi_target
    from tandem.planning.services import open_period, propose_target

    period = open_period(actor=org.executive, year=2027)

    token, _ = create_token(actor=org.sales_rep, name="script", scope="read")
    job = Job.objects.create(owner=org.marketer, kind="core.audit_export", title="x")
    [note] = notify(recipients=[org.sales_rep], kind="system", text="hello")
    theirs = crm.create_account(actor=org.sales_rep, name="Acme")
    ours = crm.create_account(actor=org.marketer, name="Brightwell")
    contacts = [
        crm.create_contact(actor=org.sales_rep, first_name="Jane", account=theirs),
        crm.create_contact(actor=org.marketer, first_name="Nia"),
    ]
    campaign_dates = {"starts_on": date(2026, 3, 1), "ends_on": date(2026, 3, 31)}
    views = [
        saved_views.save_view(
            actor=user, list_name="crm.contacts", name="Mine", query=QueryDict(""), shared=shared
        )
        for user, shared in ((org.marketer, False), (org.sales_rep, True))
    ]
    return {
        "people.team": list(Team.objects.all()),
        "people.user": list(User.objects.all()),
        "api.apitoken": [token],
        "calendar.feedtoken": [
            create_feed(actor=org.sales_rep, name="Phone", filters={})[0],
            create_feed(actor=org.marketer, name="Outlook", filters={"type": "webinar"})[0],
        ],
        "core.job": [job],
        "notifications.notification": [note],
        "core.savedview": views,
        "crm.account": [theirs, ours],
        "crm.contact": contacts,
        "crm.opportunity": [
            crm.create_opportunity(actor=org.sales_rep, name="Deal", account=theirs),
            crm.create_opportunity(actor=org.marketer, name="Pilot", account=ours),
        ],
        "crm.activity": [
            crm.log_activity(actor=org.sales_rep, kind="note", subject="Met", contact=contacts[0])
        ],
        "campaigns.campaign": [
            create_campaign(
                actor=org.marketer, name="Spring", type="email", channel="email", **campaign_dates
            )
        ],
        "campaigns.touchpoint": [TouchpointFactory(contact=c) for c in contacts],
        "handoff.lead": [LeadFactory(contact=contacts[1])],
        "handoff.referral": [
            refer_contact(actor=org.front_liner, contact=contacts[0], interest="Solar").referral
        ],
        "approvals.approvalrequest": [
            request_approval(actor=org.marketer, kind=kinds["two"].name, subject=org.marketing)
        ],
        "handoff.slapolicy": [
            contracts.propose_sla_policy(
                actor=org.marketing_head, mqls_per_month=100, min_acceptance_rate=60, tiers=TIERS
            )
        ],
        "handoff.scoringmodel": [
            contracts.propose_scoring_model(
                actor=org.marketing_head, threshold=50, half_life_days=30, rules=RULES
            )
        ],
        "attribution.attributionchoice": [
            propose_attribution_model(actor=org.marketing_head, model="linear", lookback_days=90)
        ],
        "calendar.killcriteria": [
            propose_kill_criteria(actor=org.marketing_head, campaign_type="webinar", roi_min=0)
        ],
        "calendar.killdecision": [
            KillDecision.objects.create(
                campaign=create_campaign(
                    actor=org.marketer, name="Cut", type="email", channel="email", **campaign_dates
                ),
                outcome="cut",
                decided_at=timezone.now(),
            )
        ],
        "collateral.asset": [
            create_asset(actor=org.marketer, title="Brochure", kind="brochure"),
            create_asset(actor=org.admin, title="Deck", kind="sales_deck"),
        ],
        "collateral.collateralrequest": [
            ask(actor=org.front_liner, title="A leaflet"),
            ask(actor=org.sales_rep, title="A deck"),
        ],
        "planning.planperiod": [period],
        "planning.revenuetarget": [
            propose_target(actor=org.sales_head, period=period, quarters={"1": "1000"})
        ],
        "planning.assumption": [
            Assumption.objects.create(
                period=period, key="win_rate", applies="override", value=30, set_at=timezone.now()
            )
        ],
        "planning.kpitarget": [
            set_kpi_target(actor=org.sales_head, period=period, key="win_rate", value=30)
        ],
        "planning.incentiveplan": [
            propose_incentive(
                actor=org.marketing_head,
                period=period,
                pool=10000,
                measures=[{"key": "revenue_vs_target", "weight": 100, "threshold": 80, "cap": 120}],
            )
        ],
        **_budget_rows(org, period),
        "handoff.rejectionreason": [
            configuration.save_rejection_reason(
                actor=org.sales_head, code="too-small", label="Small"
            )
        ],
        "handoff.routingrule": [
            configuration.save_routing_rule(actor=org.sales_head, team=org.sales, name="North")
        ],
    }


def _budget_rows(org, period):
    from datetime import date

    from tandem.budget import spending
    from tandem.budget.reallocation import propose_reallocation
    from tandem.factories.budget import make_line

    ours = make_line(org.marketer, period, org.marketing)
    theirs = make_line(org.sales_rep, period, org.sales, name="Enablement")
    return {
        "budget.budget": [ours.budget],
        "budget.budgetline": [ours, theirs],
        "budget.commitment": [
            spending.add_commitment(
                actor=org.sales_rep,
                line=theirs,
                number="PO",
                supplier="X",
                amount="5",
                month=period.months[0],
            )
        ],
        "budget.spend": [
            spending.record_spend(
                actor=org.marketer, line=ours, amount="5", spent_on=date(2027, 1, 2)
            )
        ],
        "budget.reallocation": [
            propose_reallocation(
                actor=org.marketer, from_line=ours, to_line=theirs, amount="5", rationale="x"
            )
        ],
    }


# Policy rows whose reads do not go through "visible_to agrees with VIEW", and why.
# Each is still checked below, by the rule that does decide who reads it.
NOT_BY_VIEW = {
    "people.organisation": "a Scope, not a model: no rows to list",
    "people.office": "a Scope, not a model: no rows to list",
    "campaigns.touchpoint": "no VIEW row: a touch is read on its contact's timeline",
    "core.savedview": "no VIEW row: one's own views, and those shared, are listed",
}
# Joint contracts and hand-off settings: no visible_to, read on staff-only pages.
STAFF_PAGES = {
    "handoff.slapolicy",
    "handoff.scoringmodel",
    "attribution.attributionchoice",
    "calendar.killcriteria",
    "handoff.rejectionreason",
    "handoff.routingrule",
    "planning.revenuetarget",
    "planning.assumption",
    "planning.kpitarget",
    "planning.incentiveplan",
}


def test_visible_to_agrees_with_the_policy_for_every_persona(org, kinds):
    """Every model with a row in the policy table is covered here: a new row fails
    until it is (add its rows to _rows, or say above why VIEW does not decide it)."""
    from tandem.core.permissions import POLICY, is_staff

    rows = _rows(org, kinds)
    assert set(POLICY) == set(rows) | set(NOT_BY_VIEW), "cover every policy row here"
    personas = org.personas()
    for label, objects in rows.items():
        model = type(objects[0])
        if label in STAFF_PAGES:
            assert not hasattr(model.objects, "visible_to"), f"{label}: check it in agreement"
            for name, user in personas.items():
                for obj in objects:
                    assert can(user, Action.VIEW, obj) is is_staff(user), (name, obj)
        elif label == "campaigns.touchpoint":
            for name, user in personas.items():
                visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
                for touch in objects:
                    assert (touch.pk in visible) is can(user, Action.VIEW, touch.contact), name
        elif label == "core.savedview":
            for name, user in personas.items():
                visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
                for view in objects:
                    mine = view.owner_id == user.pk
                    assert (view.pk in visible) is (mine or view.shared), (name, view)
                    assert can(user, Action.CHANGE, view) is mine, (name, view)
        else:
            assert Action.VIEW in POLICY[label], label
            _check_agreement(model, objects, personas)
