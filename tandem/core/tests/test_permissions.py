"""The one permission table: decisions per persona, and visible_to agreeing with it."""

import pytest
from django.http import QueryDict

from tandem.api.services import create_token
from tandem.core.models import Job
from tandem.core.permissions import ORGANISATION, Action, Relation, can, relations
from tandem.notifications.services import notify
from tandem.people.models import Team, User


def test_relations_of_each_persona_to_the_marketing_team(org):
    team = org.marketing
    assert relations(org.marketing_head, team) == {Relation.HEAD, Relation.MEMBER}
    assert relations(org.marketer, team) == {Relation.MEMBER}
    assert relations(org.sales_rep, team) == {Relation.COLLEAGUE}
    assert relations(org.admin, team) == {Relation.ADMIN, Relation.OUTSIDER}
    assert relations(org.outsider, team) == {Relation.OUTSIDER}


@pytest.mark.parametrize(
    ("persona", "view", "comment", "manage"),
    [
        ("marketing_head", True, True, True),
        ("marketer", True, True, False),
        ("sales_rep", True, True, False),
        ("sales_head", True, True, False),  # head of another team: no say over marketing
        ("front_liner", True, True, False),
        ("executive", True, True, False),
        ("admin", True, True, True),
        ("outsider", False, False, False),
    ],
)
def test_team_actions_per_persona(org, persona, view, comment, manage):
    user = getattr(org, persona)
    assert can(user, Action.VIEW, org.marketing) is view
    assert can(user, Action.COMMENT, org.marketing) is comment
    assert can(user, Action.MANAGE_MEMBERS, org.marketing) is manage


def test_only_admins_act_for_the_organisation(org):
    for name, user in org.personas().items():
        assert can(user, Action.CREATE_USER, ORGANISATION) is (name == "admin"), name
        assert can(user, Action.VIEW_AUDIT_LOG, ORGANISATION) is (name == "admin"), name


def test_profiles_are_changed_by_their_owner_or_an_admin(org):
    assert can(org.marketer, Action.CHANGE, org.marketer)
    assert can(org.admin, Action.CHANGE, org.marketer)
    assert not can(org.marketing_head, Action.CHANGE, org.marketer)
    assert not can(org.outsider, Action.VIEW, org.marketer)
    assert can(org.outsider, Action.VIEW, org.outsider)


def test_inactive_and_anonymous_users_can_do_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    org.marketer.is_active = False
    assert not can(org.marketer, Action.VIEW, org.marketing)
    assert not can(AnonymousUser(), Action.VIEW, org.marketing)


def _check_agreement(model, objects, personas):
    assert objects, model
    for name, user in personas.items():
        visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
        for obj in objects:
            assert (obj.pk in visible) is can(user, Action.VIEW, obj), (name, obj)


def _rows(org):
    """Rows of every model the policy table speaks of, by label: a few of each, owned
    by different people in different teams."""
    from datetime import date

    from tandem.attribution.services import propose_attribution_model
    from tandem.campaigns.services import create_campaign
    from tandem.core import saved_views
    from tandem.crm import services as crm
    from tandem.factories import LeadFactory, TouchpointFactory
    from tandem.handoff import services as handoff
    from tandem.handoff.tests.conftest import RULES, TIERS

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
        "handoff.slapolicy": [
            handoff.propose_sla_policy(
                actor=org.marketing_head, mqls_per_month=100, min_acceptance_rate=60, tiers=TIERS
            )
        ],
        "handoff.scoringmodel": [
            handoff.propose_scoring_model(
                actor=org.marketing_head, threshold=50, half_life_days=30, rules=RULES
            )
        ],
        "attribution.attributionchoice": [
            propose_attribution_model(actor=org.marketing_head, model="linear", lookback_days=90)
        ],
        "handoff.rejectionreason": [
            handoff.save_rejection_reason(actor=org.sales_head, code="too-small", label="Small")
        ],
        "handoff.routingrule": [
            handoff.save_routing_rule(actor=org.sales_head, team=org.sales, name="North")
        ],
    }


# Policy rows whose reads do not go through "visible_to agrees with VIEW", and why.
# Each is still checked below, by the rule that does decide who reads it.
NOT_BY_VIEW = {
    "people.organisation": "a Scope, not a model: no rows to list",
    "campaigns.touchpoint": "no VIEW row: a touch is read on its contact's timeline",
    "core.savedview": "no VIEW row: one's own views, and those shared, are listed",
}
# Joint contracts and hand-off settings: no visible_to, read on staff-only pages.
STAFF_PAGES = {
    "handoff.slapolicy",
    "handoff.scoringmodel",
    "attribution.attributionchoice",
    "handoff.rejectionreason",
    "handoff.routingrule",
}


def test_visible_to_agrees_with_the_policy_for_every_persona(org):
    """Every model with a row in the policy table is covered here: a new row fails
    until it is (add its rows to _rows, or say above why VIEW does not decide it)."""
    from tandem.core.permissions import POLICY, is_staff

    rows = _rows(org)
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


def test_working_here_means_admin_or_in_a_team(org):
    from tandem.core.permissions import is_staff

    assert {name for name, user in org.personas().items() if is_staff(user)} == {
        "marketer",
        "marketing_head",
        "sales_rep",
        "sales_head",
        "front_liner",
        "executive",
        "admin",
    }
    org.marketer.is_active = False
    assert not is_staff(org.marketer)


def test_every_action_has_a_phrase_and_organisation_refusals_name_no_record(org):
    from tandem.core.errors import DomainError
    from tandem.core.permissions import PHRASES, require

    assert set(PHRASES) == set(Action)
    with pytest.raises(DomainError) as refused:
        require(org.sales_rep, Action.VIEW_AUDIT_LOG, ORGANISATION)
    assert refused.value.message == "You are not allowed to see the audit log."
    with pytest.raises(DomainError) as refused:
        require(org.outsider, Action.CREATE_RECORD, ORGANISATION)
    assert refused.value.message == "You are not allowed to add customers, deals or activities."
    with pytest.raises(DomainError) as refused:
        require(org.sales_rep, Action.MANAGE_MEMBERS, org.marketing)
    assert refused.value.message == "You are not allowed to manage members of this team."


def test_can_on_every_is_the_administrators_relation_only(org):
    from tandem.core.permissions import can_on_every

    assert can_on_every(org.admin, Action.CHANGE, "crm.contact")
    for persona in ("marketing_head", "marketer", "sales_head", "sales_rep", "outsider"):
        assert not can_on_every(getattr(org, persona), Action.CHANGE, "crm.contact")
    assert not can_on_every(org.admin, Action.REVOKE, "api.apitoken")  # owners only
