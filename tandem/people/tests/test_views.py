"""Pages about people and teams, per persona: lists, details, members, profile."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.conftest import PERSONA_NAMES, STAFF_NAMES
from tandem.factories.people import MembershipFactory, TeamFactory, UserFactory
from tandem.people.models import Membership, Team, User

STAFF = list(STAFF_NAMES)
EVERYONE = list(PERSONA_NAMES)
HTMX = {"HTTP_HX_REQUEST": "true"}


def as_persona(client, org, persona):
    user = getattr(org, persona)
    client.force_login(user)
    return user


def text(response):
    return response.content.decode()


def template_names(response):
    return [t.name for t in response.templates]


def membership(user, team):
    return Membership.objects.get(user=user, team=team)


@pytest.mark.parametrize("path", ["/", "/teams/", "/people/", "/profile/", "/people/new/"])
def test_anonymous_visitors_are_sent_to_log_in(client, org, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"/login/?next={path}"


def test_anonymous_cannot_post_to_member_management(client, org):
    response = client.post(
        f"/teams/{org.marketing.pk}/members/", {"email": org.outsider.email, "role": "member"}
    )
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert not Membership.objects.filter(user=org.outsider).exists()


# --- Lists and details -----------------------------------------------------------------
@pytest.mark.parametrize("persona", STAFF)
def test_staff_see_lists_and_details(client, org, persona):
    as_persona(client, org, persona)
    teams = client.get("/teams/")
    assert teams.status_code == 200
    assert all(name in text(teams) for name in ("Marketing", "Sales", "Leeds Branch"))
    people = client.get("/people/")
    assert people.status_code == 200
    assert all(name in text(people) for name in ("Mia Marketer", "Sam Rep", "Otto Outsider"))
    team = client.get(f"/teams/{org.sales.pk}/")
    assert team.status_code == 200
    assert "Sid Head" in text(team)
    other = client.get(f"/people/{org.sales_rep.pk}/")
    assert other.status_code == 200
    assert org.sales_rep.email in text(other)


def test_outsider_sees_only_themselves(client, org):
    as_persona(client, org, "outsider")
    assert client.get(f"/teams/{org.marketing.pk}/").status_code == 404
    assert client.get(f"/people/{org.marketer.pk}/").status_code == 404
    own = client.get(f"/people/{org.outsider.pk}/")
    assert own.status_code == 200
    assert "Not in a team yet" in text(own)
    people = client.get("/people/")
    assert people.status_code == 200
    assert [p.pk for p in people.context["page"]] == [org.outsider.pk]
    teams = client.get("/teams/")
    assert teams.status_code == 200
    assert list(teams.context["page"]) == []


@pytest.mark.parametrize("persona", EVERYONE)
def test_unknown_ids_are_404(client, org, persona):
    as_persona(client, org, persona)
    assert client.get("/teams/999999/").status_code == 404
    assert client.get("/people/999999/").status_code == 404
    assert client.post("/teams/999999/members/", {"email": "x@example.test"}).status_code == 404


def test_people_search_by_name_or_email_and_team(client, org):
    as_persona(client, org, "marketer")
    by_name = client.get("/people/", {"q": "sam"})
    assert [p.full_name for p in by_name.context["page"]] == ["Sam Rep"]
    by_email = client.get("/people/", {"q": "HANA@EXAMPLE"})
    assert [p.full_name for p in by_email.context["page"]] == ["Hana Head"]
    in_sales = client.get("/people/", {"team": org.sales.pk})
    assert [p.full_name for p in in_sales.context["page"]] == ["Sam Rep", "Sid Head"]
    assert f'<option value="{org.sales.pk}" selected>' in text(in_sales)
    both = client.get("/people/", {"team": org.sales.pk, "q": "sid"})
    assert [p.full_name for p in both.context["page"]] == ["Sid Head"]
    nobody = client.get("/people/", {"q": "zzz"})
    assert "Nobody matches" in text(nobody)
    junk_team = client.get("/people/", {"team": "abc"})
    assert junk_team.status_code == 200
    assert len(junk_team.context["page"].object_list) == 8


def test_people_search_as_htmx_returns_the_rows_only(client, org):
    as_persona(client, org, "marketer")
    response = client.get("/people/", {"q": "sam"}, **HTMX)
    assert response.status_code == 200
    assert template_names(response)[0] == "people/_people_rows.html"
    assert "base.html" not in template_names(response)
    assert "Sam Rep" in text(response)
    assert "HX-Request" in response["Vary"]


def test_closed_accounts_are_left_out_of_the_directory(client, org):
    User.objects.filter(pk=org.sales_rep.pk).update(is_active=False)
    as_persona(client, org, "marketer")
    assert "Sam Rep" not in text(client.get("/people/"))


# --- Member management (htmx partials) -------------------------------------------------------
def add(client, team, email, role="member", **extra):
    return client.post(f"/teams/{team.pk}/members/", {"email": email, "role": role}, **extra)


def change(client, member, **data):
    return client.post(f"/teams/{member.team_id}/members/{member.pk}/", data, **HTMX)


def test_head_adds_a_member_by_email(client, org):
    as_persona(client, org, "marketing_head")
    response = add(client, org.marketing, org.sales_rep.email.upper(), **HTMX)
    assert response.status_code == 200
    assert template_names(response)[0] == "people/_members.html"
    assert "base.html" not in template_names(response)
    assert "Sam Rep" in text(response)
    assert membership(org.sales_rep, org.marketing).role == "member"


def test_adding_without_htmx_renders_the_whole_team_page(client, org):
    as_persona(client, org, "admin")
    response = add(client, org.marketing, org.outsider.email, role="head")
    assert response.status_code == 200
    assert "people/team.html" in template_names(response)
    assert membership(org.outsider, org.marketing).role == "head"


def test_adding_an_unknown_email_is_422_with_the_message(client, org):
    as_persona(client, org, "marketing_head")
    response = add(client, org.marketing, "nobody@example.test", **HTMX)
    assert response.status_code == 422
    assert "Nobody has this e-mail address" in text(response)
    assert org.marketing.memberships.count() == 2


def test_adding_someone_twice_is_422(client, org):
    as_persona(client, org, "marketing_head")
    response = add(client, org.marketing, org.marketer.email, role="head", **HTMX)
    assert response.status_code == 422
    assert "Mia Marketer is already in Marketing" in text(response)
    assert membership(org.marketer, org.marketing).role == "member"


def test_adding_with_a_bad_email_or_role_is_422(client, org):
    as_persona(client, org, "marketing_head")
    assert add(client, org.marketing, "not an email", **HTMX).status_code == 422
    assert add(client, org.marketing, org.outsider.email, role="owner", **HTMX).status_code == 422
    assert not Membership.objects.filter(user=org.outsider).exists()


@pytest.mark.parametrize("persona", ["marketer", "sales_head", "executive"])
def test_non_heads_cannot_add_members(client, org, persona):
    as_persona(client, org, persona)
    response = add(client, org.marketing, org.outsider.email, **HTMX)
    assert response.status_code == 403
    assert not Membership.objects.filter(user=org.outsider).exists()


def test_outsider_cannot_even_see_the_team_to_manage(client, org):
    as_persona(client, org, "outsider")
    assert add(client, org.marketing, org.outsider.email, **HTMX).status_code == 404
    mia = membership(org.marketer, org.marketing)
    assert change(client, mia, action="remove").status_code == 404
    assert Membership.objects.filter(pk=mia.pk).exists()


def test_member_management_is_post_only(client, org):
    as_persona(client, org, "marketing_head")
    mia = membership(org.marketer, org.marketing)
    assert client.get(f"/teams/{org.marketing.pk}/members/").status_code == 405
    assert client.get(f"/teams/{org.marketing.pk}/members/{mia.pk}/").status_code == 405


def test_head_promotes_and_removes(client, org):
    as_persona(client, org, "marketing_head")
    mia = membership(org.marketer, org.marketing)
    promoted = change(client, mia, role="head")
    assert promoted.status_code == 200
    assert membership(org.marketer, org.marketing).role == "head"
    removed = change(client, mia, action="remove")
    assert removed.status_code == 200
    assert not Membership.objects.filter(pk=mia.pk).exists()
    assert "Mia Marketer" not in text(removed)
    assert "Hana Head" in text(removed)


def test_demoting_the_last_head_is_422_with_the_message(client, org):
    as_persona(client, org, "marketing_head")
    hana = membership(org.marketing_head, org.marketing)
    response = change(client, hana, role="member")
    assert response.status_code == 422
    assert "Marketing needs at least one head" in text(response)
    assert membership(org.marketing_head, org.marketing).role == "head"
    removed = change(client, hana, action="remove")
    assert removed.status_code == 422
    assert "needs at least one head" in text(removed)
    assert Membership.objects.filter(pk=hana.pk).exists()


def test_non_heads_are_refused_whatever_they_post(client, org):
    as_persona(client, org, "marketer")
    assert add(client, org.marketing, "nobody@example.test", **HTMX).status_code == 403
    assert add(client, org.marketing, "not an email", **HTMX).status_code == 403


def test_member_forms_need_the_csrf_token_htmx_sends(org):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.marketing_head)
    page = client.get(f"/teams/{org.marketing.pk}/")
    token = str(page.context["csrf_token"])
    assert f'"X-CSRFToken": "{token}"' in text(page)
    refused = add(client, org.marketing, org.sales_rep.email, **HTMX)
    assert refused.status_code == 403
    assert not Membership.objects.filter(user=org.sales_rep, team=org.marketing).exists()
    accepted = add(client, org.marketing, org.sales_rep.email, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert accepted.status_code == 200
    assert membership(org.sales_rep, org.marketing).role == "member"


def test_a_bad_role_is_422(client, org):
    as_persona(client, org, "marketing_head")
    response = change(client, membership(org.marketer, org.marketing), role="owner")
    assert response.status_code == 422
    assert "Choose member or head" in text(response)


def test_member_of_the_team_cannot_change_roles(client, org):
    as_persona(client, org, "marketer")
    hana = membership(org.marketing_head, org.marketing)
    assert change(client, hana, role="member").status_code == 403
    assert change(client, hana, action="remove").status_code == 403
    assert membership(org.marketing_head, org.marketing).role == "head"


def test_a_membership_is_reached_only_through_its_own_team(client, org):
    as_persona(client, org, "marketing_head")
    sam = membership(org.sales_rep, org.sales)
    # Another team's membership under my team's URL: not found.
    response = client.post(
        f"/teams/{org.marketing.pk}/members/{sam.pk}/", {"action": "remove"}, **HTMX
    )
    assert response.status_code == 404
    # Under its own team's URL: I am not its head.
    assert change(client, sam, action="remove").status_code == 403
    assert Membership.objects.filter(pk=sam.pk).exists()


def test_manage_buttons_only_for_those_who_may(client, org):
    as_persona(client, org, "marketer")
    page = text(client.get(f"/teams/{org.marketing.pk}/"))
    assert "Add to team" not in page
    assert "Make head" not in page
    client.force_login(org.marketing_head)
    page = text(client.get(f"/teams/{org.marketing.pk}/"))
    assert "Add to team" in page
    assert "Make head" in page


# --- Adding people -------------------------------------------------------------------------
def test_admin_adds_a_person_to_a_team(client, org, django_capture_on_commit_callbacks):
    as_persona(client, org, "admin")
    assert client.get("/people/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/people/new/",
            {
                "full_name": "Nia New",
                "email": "Nia.New@Example.test",
                "job_title": "Account executive",
                "time_zone": "Europe/Paris",
                "team": org.sales.pk,
                "role": "member",
            },
        )
    created = User.objects.get(email="nia.new@example.test")
    assert response.status_code == 302
    assert response.url == f"/people/{created.pk}/"
    assert created.time_zone == "Europe/Paris"
    assert not created.is_admin
    assert membership(created, org.sales).role == "member"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia.new@example.test"]
    assert "/password/reset/" in mail.outbox[0].body
    page = client.get(response.url)
    assert "Nia New can now log in" in text(page)
    assert "Sales" in text(page)


def test_admin_adds_a_person_without_a_team(client, org, django_capture_on_commit_callbacks):
    as_persona(client, org, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/people/new/",
            {
                "full_name": "Nia New",
                "email": "nia@example.test",
                "time_zone": "UTC",
                "team": "",
                "role": "member",
            },
        )
    assert response.status_code == 302
    assert not User.objects.get(email="nia@example.test").memberships.exists()
    assert len(mail.outbox) == 1


def test_adding_a_taken_email_shows_the_error_on_the_field(client, org):
    as_persona(client, org, "admin")
    response = client.post(
        "/people/new/",
        {
            "full_name": "Mia Twin",
            "email": org.marketer.email.upper(),
            "time_zone": "UTC",
            "role": "member",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Someone already has this e-mail address."]
    assert not User.objects.filter(full_name="Mia Twin").exists()


@pytest.mark.parametrize("persona", ["marketer", "marketing_head", "executive", "outsider"])
def test_only_admins_add_people(client, org, persona):
    as_persona(client, org, persona)
    assert client.get("/people/new/").status_code == 403
    response = client.post(
        "/people/new/",
        {"full_name": "Sneaky", "email": "sneaky@example.test", "time_zone": "UTC"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="sneaky@example.test").exists()
    assert "Add a person" not in text(client.get("/people/"))


# --- Profile and time zone ----------------------------------------------------------------
def test_time_zone_change_applies_to_every_page(client, org):
    user = as_persona(client, org, "marketer")
    assert "Times shown in Europe/London" in text(client.get("/"))
    response = client.post(
        "/profile/",
        {
            "full_name": "Mia Marketer",
            "job_title": "Campaigns",
            "time_zone": "America/New_York",
            "email_notifications": "on",
        },
    )
    assert response.status_code == 302
    assert response.url == "/profile/"
    user.refresh_from_db()
    assert user.time_zone == "America/New_York"
    assert "Your profile is saved" in text(client.get("/profile/"))
    assert "Times shown in America/New_York" in text(client.get("/people/"))
    # A stored UTC instant is shown in the person's zone: 12:00 UTC is 07:00 in New York.
    user.history.update(history_date=datetime(2025, 1, 15, 12, 0, tzinfo=UTC))
    history = text(client.get(f"/records/people.user/{user.pk}/history/"))
    assert "15 Jan 2025, 07:00" in history
    assert "15 Jan 2025, 12:00" not in history


def test_an_unknown_time_zone_is_a_form_error(client, org):
    user = as_persona(client, org, "marketer")
    response = client.post(
        "/profile/", {"full_name": "Mia Marketer", "time_zone": "Mars/Olympus_Mons"}
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert "Select a valid choice" in text(response)
    user.refresh_from_db()
    assert user.time_zone == "Europe/London"


def test_profile_needs_a_name(client, org):
    user = as_persona(client, org, "marketer")
    response = client.post("/profile/", {"full_name": "   ", "time_zone": "UTC"})
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]
    user.refresh_from_db()
    assert user.full_name == "Mia Marketer"


# --- Query counts ----------------------------------------------------------------------------
def count_queries(client, url):
    client.get(url)  # warm up: the first request after logging in may differ
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_rows(org, n=30):
    for i in range(n):
        team = TeamFactory(name=f"Extra team {i:02d}", function=Team.Function.SALES)
        MembershipFactory(team=team, user=UserFactory(), role="head")
        MembershipFactory(team=org.sales, user=UserFactory())


@pytest.mark.parametrize("persona", ["marketer", "marketing_head", "executive", "admin"])
@pytest.mark.parametrize(
    "url", ["/people/", "/teams/", "/people/?q=example", "/people/?team=SALES", "/"]
)
def test_list_pages_use_a_constant_number_of_queries(client, org, persona, url):
    as_persona(client, org, persona)
    url = url.replace("SALES", str(org.sales.pk))
    few = count_queries(client, url)
    add_rows(org)
    many = count_queries(client, url)
    assert many == few, url


def test_team_page_uses_a_constant_number_of_queries(client, org):
    as_persona(client, org, "marketing_head")
    url = f"/teams/{org.sales.pk}/"
    few = count_queries(client, url)
    add_rows(org)
    assert count_queries(client, url) == few


# --- Hostile input ---------------------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"


def test_a_hostile_team_name_is_shown_escaped(client, org):
    as_persona(client, org, "admin")
    response = client.post("/teams/", {"name": SCRIPT, "function": "sales", "description": SCRIPT})
    team = Team.objects.get(name=SCRIPT)
    assert response.status_code == 302
    assert response.url == f"/teams/{team.pk}/"
    for url in ("/teams/", f"/teams/{team.pk}/", "/", "/people/"):
        page = text(client.get(url))
        assert SCRIPT not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page or "\\u003Cscript" in page, url


def test_a_hostile_person_name_is_shown_escaped(client, org):
    as_persona(client, org, "admin")
    add(client, org.marketing, org.outsider.email)
    assert membership(org.outsider, org.marketing)
    User.objects.filter(pk=org.outsider.pk).update(full_name=SCRIPT, job_title=SCRIPT)
    client.force_login(org.marketing_head)
    for url in ("/", "/people/", f"/people/{org.outsider.pk}/", f"/teams/{org.marketing.pk}/"):
        page = text(client.get(url))
        assert SCRIPT not in page, url
        assert "&lt;script&gt;" in page, url


def test_only_admins_create_teams(client, org):
    as_persona(client, org, "marketing_head")
    response = client.post("/teams/", {"name": "Shadow team", "function": "sales"})
    assert response.status_code in (200, 403)
    assert not Team.objects.filter(name="Shadow team").exists()
    assert "Create a team" not in text(client.get("/teams/"))


def test_a_duplicate_team_name_is_a_form_error(client, org):
    as_persona(client, org, "admin")
    response = client.post("/teams/", {"name": "marketing", "function": "marketing"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A team with this name exists."]


@pytest.mark.parametrize("bad", ["\u00b2", "99999999999999999999999"])
def test_a_mangled_team_id_lists_everyone_rather_than_failing(client, org, bad):
    client.force_login(org.marketer)
    response = client.get("/people/", {"team": bad})
    assert response.status_code == 200 and "Sam Rep" in response.content.decode()
