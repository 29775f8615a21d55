"""The rules of the people services: validation, permission, the last head, the audit."""

from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType

from tandem.core.errors import DomainError, ErrorCode
from tandem.core.models import DomainEvent
from tandem.factories.people import MembershipFactory, TeamFactory, UserFactory
from tandem.people import services
from tandem.people.errors import PeopleError
from tandem.people.models import Membership, Team, User


@contextmanager
def raises(code, field=None):
    """A DomainError with this code (and field, when given) and a message."""
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, info.value
    if field is not None:
        assert info.value.field == field, info.value
    assert info.value.message


def events(name, subject):
    return DomainEvent.objects.filter(
        name=name,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
    )


def membership(org, user, team):
    return Membership.objects.get(user=user, team=team)


# --- create_user -----------------------------------------------------------------------
def test_create_user_stores_a_lower_case_email_and_a_handle(org):
    user = services.create_user(
        actor=org.admin,
        email="  Zoe.Park@Example.TEST ",
        full_name="  Zoë Park ",
        time_zone="Asia/Tokyo",
        job_title="Analyst",
        send_invite=False,
    )
    user.refresh_from_db()
    assert user.email == "zoe.park@example.test"
    assert user.full_name == "Zoë Park"
    assert user.handle == "zoe.park"
    assert user.time_zone == "Asia/Tokyo"
    assert not user.is_admin


def test_handles_are_made_unique(org):
    first = services.create_user(
        actor=org.admin, email="a@example.test", full_name="Sam Patel", send_invite=False
    )
    second = services.create_user(
        actor=org.admin, email="b@example.test", full_name="Sam Patel", send_invite=False
    )
    assert (first.handle, second.handle) == ("sam.patel", "sam.patel2")


@pytest.mark.parametrize(
    "email", ["", "   ", "not-an-email", "two@@example.test", "a b@example.test"]
)
def test_create_user_rejects_an_invalid_email(org, email):
    count = User.objects.count()
    with raises(ErrorCode.INVALID, field="email"):
        services.create_user(actor=org.admin, email=email, full_name="Someone")
    assert User.objects.count() == count


def test_create_user_rejects_an_email_taken_in_another_case(org):
    count = User.objects.count()
    with raises(PeopleError.EMAIL_TAKEN, field="email"):
        services.create_user(
            actor=org.admin, email=org.marketer.email.upper(), full_name="Mia Again"
        )
    assert User.objects.count() == count


@pytest.mark.parametrize("name", ["", "   "])
def test_create_user_needs_a_name(org, name):
    with raises(ErrorCode.INVALID, field="full_name"):
        services.create_user(actor=org.admin, email="x@example.test", full_name=name)
    assert not User.objects.filter(email="x@example.test").exists()


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "Europe/"])
def test_create_user_rejects_an_unknown_time_zone(org, zone):
    events_before = DomainEvent.objects.count()
    with raises(ErrorCode.INVALID, field="time_zone"):
        services.create_user(actor=org.admin, email="x@example.test", full_name="X", time_zone=zone)
    assert not User.objects.filter(email="x@example.test").exists()
    assert DomainEvent.objects.count() == events_before


@pytest.mark.parametrize(
    "persona", ["marketer", "marketing_head", "sales_head", "executive", "outsider"]
)
def test_only_admins_create_people(org, persona):
    with raises(ErrorCode.FORBIDDEN):
        services.create_user(actor=getattr(org, persona), email="x@example.test", full_name="X")
    assert not User.objects.filter(email="x@example.test").exists()


def test_the_system_may_create_people(db):
    user = services.create_user(
        actor=None, email="seed@example.test", full_name="Seed", send_invite=False
    )
    assert user.pk


def test_create_user_writes_an_event_and_history(org):
    user = services.create_user(
        actor=org.admin, email="x@example.test", full_name="X", is_admin=True, send_invite=False
    )
    [event] = events("user.created", user)
    assert event.data == {"is_admin": True}
    [row] = user.history.all()
    assert row.history_type == "+"
    assert row.email == "x@example.test"


# --- update_profile --------------------------------------------------------------------
def test_update_profile_by_the_owner(org):
    services.update_profile(
        actor=org.marketer,
        user=org.marketer,
        full_name="Mia M. Marketer",
        time_zone="America/New_York",
        job_title="Campaigns",
        email_notifications=False,
    )
    org.marketer.refresh_from_db()
    assert org.marketer.full_name == "Mia M. Marketer"
    assert org.marketer.time_zone == "America/New_York"
    assert org.marketer.email_notifications is False
    assert events("user.profile_updated", org.marketer).count() == 1
    latest = org.marketer.history.first()
    assert latest.history_type == "~"
    assert latest.time_zone == "America/New_York"


def test_update_profile_rules(org):
    with raises(ErrorCode.FORBIDDEN):
        services.update_profile(
            actor=org.marketing_head, user=org.marketer, full_name="X", time_zone="UTC"
        )
    with raises(ErrorCode.INVALID, field="full_name"):
        services.update_profile(
            actor=org.marketer, user=org.marketer, full_name=" ", time_zone="UTC"
        )
    with raises(ErrorCode.INVALID, field="time_zone"):
        services.update_profile(
            actor=org.marketer, user=org.marketer, full_name="Mia", time_zone="Nowhere/Land"
        )
    stored = User.objects.get(pk=org.marketer.pk)
    assert (stored.full_name, stored.time_zone) == ("Mia Marketer", "Europe/London")
    services.update_profile(actor=org.admin, user=org.marketer, full_name="Mia", time_zone="UTC")


# --- create_team -------------------------------------------------------------------------
def test_create_team_rules(org):
    with raises(ErrorCode.FORBIDDEN):
        services.create_team(actor=org.marketing_head, name="New", function="sales")
    with raises(ErrorCode.INVALID, field="name"):
        services.create_team(actor=org.admin, name="  ", function="sales")
    with raises(ErrorCode.INVALID, field="function"):
        services.create_team(actor=org.admin, name="New", function="finance")
    with raises(PeopleError.TEAM_NAME_TAKEN, field="name"):
        services.create_team(actor=org.admin, name="MARKETING", function="marketing")
    assert not Team.objects.filter(name="New").exists()
    team = services.create_team(actor=org.admin, name=" Field reps ", function="front_line")
    assert team.name == "Field reps"
    assert events("team.created", team).get().data == {"function": "front_line"}
    assert team.history.get().history_type == "+"


# --- add_member --------------------------------------------------------------------------
def test_the_head_of_the_team_adds_members(org):
    added = services.add_member(
        actor=org.marketing_head, team=org.marketing, user=org.sales_rep, role="member"
    )
    assert membership(org, org.sales_rep, org.marketing) == added
    assert org.sales_rep.team_roles() == {org.sales.pk: "member", org.marketing.pk: "member"}


def test_admins_add_members_to_any_team(org):
    services.add_member(actor=org.admin, team=org.sales, user=org.outsider, role="head")
    assert membership(org, org.outsider, org.sales).role == "head"


@pytest.mark.parametrize(
    "persona", ["marketer", "sales_head", "sales_rep", "executive", "front_liner", "outsider"]
)
def test_others_cannot_add_members(org, persona):
    with raises(ErrorCode.FORBIDDEN):
        services.add_member(actor=getattr(org, persona), team=org.marketing, user=org.outsider)
    assert not Membership.objects.filter(user=org.outsider).exists()


def test_adding_someone_twice_is_already_member(org):
    events_before = DomainEvent.objects.count()
    with raises(PeopleError.ALREADY_MEMBER, field="user"):
        services.add_member(
            actor=org.marketing_head, team=org.marketing, user=org.marketer, role="head"
        )
    assert membership(org, org.marketer, org.marketing).role == "member"
    assert DomainEvent.objects.count() == events_before


def test_add_member_rejects_a_bad_role_and_closed_accounts(org):
    with raises(ErrorCode.INVALID, field="role"):
        services.add_member(actor=org.admin, team=org.marketing, user=org.outsider, role="boss")
    org.outsider.is_active = False
    org.outsider.save()
    with raises(ErrorCode.INVALID, field="user"):
        services.add_member(actor=org.admin, team=org.marketing, user=org.outsider)
    assert not Membership.objects.filter(user=org.outsider).exists()


def test_add_member_writes_an_event_and_history(org):
    added = services.add_member(
        actor=org.marketing_head, team=org.marketing, user=org.outsider, role="member"
    )
    event = events("team.member_added", org.marketing).get()
    assert event.data == {"user_id": org.outsider.pk, "role": "member"}
    assert added.history.get().history_type == "+"


# --- change_role and remove_member -----------------------------------------------------------
def test_head_promotes_and_demotes(org):
    mia = membership(org, org.marketer, org.marketing)
    services.change_role(actor=org.marketing_head, membership=mia, role="head")
    assert membership(org, org.marketer, org.marketing).role == "head"
    # Now there are two heads, so the original head can step down.
    hana = membership(org, org.marketing_head, org.marketing)
    services.change_role(actor=org.marketing_head, membership=hana, role="member")
    assert membership(org, org.marketing_head, org.marketing).role == "member"
    changes = events("team.role_changed", org.marketing).order_by("id")
    assert [e.data for e in changes] == [
        {"user_id": org.marketer.pk, "from": "member", "to": "head"},
        {"user_id": org.marketing_head.pk, "from": "head", "to": "member"},
    ]
    assert [r.role for r in mia.history.order_by("history_id")] == ["member", "head"]


def test_changing_to_the_same_role_changes_nothing(org):
    mia = membership(org, org.marketer, org.marketing)
    services.change_role(actor=org.marketing_head, membership=mia, role="member")
    assert not events("team.role_changed", org.marketing).exists()
    assert mia.history.count() == 1


def test_change_role_rules(org):
    mia = membership(org, org.marketer, org.marketing)
    with raises(ErrorCode.FORBIDDEN):
        services.change_role(actor=org.marketer, membership=mia, role="head")
    with raises(ErrorCode.FORBIDDEN):
        services.change_role(actor=org.sales_head, membership=mia, role="head")
    with raises(ErrorCode.INVALID, field="role"):
        services.change_role(actor=org.marketing_head, membership=mia, role="owner")
    assert membership(org, org.marketer, org.marketing).role == "member"
    services.change_role(actor=org.admin, membership=mia, role="head")
    assert membership(org, org.marketer, org.marketing).role == "head"


def test_the_last_head_cannot_be_demoted(org):
    hana = membership(org, org.marketing_head, org.marketing)
    events_before = DomainEvent.objects.count()
    with raises(PeopleError.LAST_HEAD, field="role"):
        services.change_role(actor=org.marketing_head, membership=hana, role="member")
    with raises(PeopleError.LAST_HEAD):
        services.change_role(actor=org.admin, membership=hana, role="member")
    assert membership(org, org.marketing_head, org.marketing).role == "head"
    assert DomainEvent.objects.count() == events_before
    assert hana.history.count() == 1


def test_the_last_head_cannot_be_removed(org):
    hana = membership(org, org.marketing_head, org.marketing)
    events_before = DomainEvent.objects.count()
    with raises(PeopleError.LAST_HEAD):
        services.remove_member(actor=org.admin, membership=hana)
    with raises(PeopleError.LAST_HEAD):
        services.remove_member(actor=org.marketing_head, membership=hana)
    assert Membership.objects.filter(pk=hana.pk, role="head").exists()
    assert DomainEvent.objects.count() == events_before
    assert hana.history.count() == 1


def test_a_head_can_leave_once_there_is_another(org):
    services.change_role(
        actor=org.marketing_head,
        membership=membership(org, org.marketer, org.marketing),
        role="head",
    )
    hana = membership(org, org.marketing_head, org.marketing)
    hana_id = hana.pk
    services.remove_member(actor=org.marketer, membership=hana)
    assert not Membership.objects.filter(pk=hana_id).exists()
    assert membership(org, org.marketer, org.marketing).role == "head"


def test_remove_member_rules_event_and_history(org):
    mia = membership(org, org.marketer, org.marketing)
    mia_id = mia.pk
    for persona in ("marketer", "sales_head", "executive", "outsider"):
        with raises(ErrorCode.FORBIDDEN):
            services.remove_member(actor=getattr(org, persona), membership=mia)
    assert Membership.objects.filter(pk=mia_id).exists()
    services.remove_member(actor=org.marketing_head, membership=mia)
    assert not Membership.objects.filter(pk=mia_id).exists()
    event = events("team.member_removed", org.marketing).get()
    assert event.data == {"user_id": org.marketer.pk}
    assert event.actor is None  # no request context here: the audit actor is unset
    rows = Membership.history.filter(id=mia_id).order_by("history_id")
    assert [r.history_type for r in rows] == ["+", "-"]


def test_a_team_without_heads_can_still_lose_members(db):
    team = TeamFactory()
    member = MembershipFactory(team=team)
    services.remove_member(actor=None, membership=member)
    assert not team.memberships.exists()


def test_events_carry_the_actor_from_the_audit_context(org):
    from tandem.core.audit import Source, acting_as

    with acting_as(org.marketing_head, Source.WEB):
        added = services.add_member(actor=org.marketing_head, team=org.marketing, user=org.outsider)
    event = events("team.member_added", org.marketing).get()
    assert (event.actor, event.source) == (org.marketing_head, "web")
    row = added.history.get()
    assert (row.history_user, row.history_source) == (org.marketing_head, "web")


def test_unique_handle_counts_up(db):
    UserFactory(handle="ann.lee")
    UserFactory(handle="ann.lee2")
    assert services.unique_handle("Ann Lee") == "ann.lee3"
    assert services.unique_handle("!!!") == "user"


def test_remove_member_rechecks_the_role_stored_now(org):
    stale = membership(org, org.marketer, org.marketing)  # loaded while Mia is a member
    services.change_role(
        actor=org.admin, membership=Membership.objects.get(pk=stale.pk), role="head"
    )
    hana = membership(org, org.marketing_head, org.marketing)
    services.change_role(actor=org.admin, membership=hana, role="member")  # Mia is now the head
    with raises(PeopleError.LAST_HEAD):
        services.remove_member(actor=org.admin, membership=stale)
    assert org.marketing.memberships.filter(role="head").count() == 1


def test_create_team_conflict_is_checked_on_the_stored_name(org):
    TeamFactory(name="x" * 120)
    with raises(PeopleError.TEAM_NAME_TAKEN, field="name"):
        services.create_team(actor=org.admin, name="x" * 125, function="sales")
