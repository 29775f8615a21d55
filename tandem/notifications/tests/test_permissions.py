"""The one permission table: decisions per persona. (visible_to agreeing with it, for
every model in the table, is tandem/home/tests/test_visible_to.py: the models are
those of the apps below home.)"""

import pytest

from tandem.core.permissions import ORGANISATION, Action, Relation, can, relations


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


def test_the_office_exports_lists_and_creates_campaigns_the_front_line_once_granted(org):
    from tandem.core.errors import DomainError
    from tandem.people import grants, services

    office = {"marketer", "marketing_head", "sales_rep", "sales_head", "executive", "admin"}
    for action in (Action.EXPORT_LIST, Action.CREATE_CAMPAIGN):
        for name, user in org.personas().items():
            assert grants.may(user, action) is (name in office), (name, action)
    with pytest.raises(DomainError) as refused:
        grants.require_office(org.front_liner, Action.EXPORT_LIST)
    assert refused.value.message == (
        "You are not allowed to export whole lists. Ask an administrator to grant it."
    )
    with pytest.raises(DomainError):  # only an administrator grants
        services.set_grants(
            actor=org.marketing_head,
            user=org.front_liner,
            may_export_lists=True,
            may_create_campaigns=False,
        )
    services.set_grants(
        actor=org.admin, user=org.front_liner, may_export_lists=True, may_create_campaigns=False
    )
    assert grants.may(org.front_liner, Action.EXPORT_LIST)
    assert not grants.may(org.front_liner, Action.CREATE_CAMPAIGN)
    # A grant is a right of someone who works here: an outsider's flag gives nothing.
    services.set_grants(
        actor=org.admin, user=org.outsider, may_export_lists=True, may_create_campaigns=True
    )
    assert not grants.may(org.outsider, Action.EXPORT_LIST)
    assert not can(org.outsider, Action.EXPORT_LIST, grants.office(org.outsider))
    # A front-liner who also works in marketing does the office's work through it.
    from tandem.factories.people import MembershipFactory

    MembershipFactory(user=org.front_liner, team=org.marketing)
    org.front_liner.forget_team_roles()
    assert grants.may(org.front_liner, Action.CREATE_CAMPAIGN)
