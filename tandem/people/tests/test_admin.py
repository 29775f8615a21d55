"""Administrators close and reopen accounts; heads and admins edit their team."""

import pytest

from tandem.api.services import authenticate_token, create_token
from tandem.core.errors import DomainError
from tandem.core.models import DomainEvent
from tandem.people.services import set_active, update_team


def test_closing_an_account_logs_them_out_and_stops_their_tokens(client, org):
    _, raw = create_token(actor=org.sales_rep, name="script", scope="read")
    rep_client = client.__class__()
    rep_client.force_login(org.sales_rep)
    assert rep_client.get("/").status_code == 200
    client.force_login(org.admin)
    response = client.post(f"/people/{org.sales_rep.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    org.sales_rep.refresh_from_db()
    assert not org.sales_rep.is_active
    assert rep_client.get("/").status_code == 302  # the open session is over
    assert authenticate_token(raw) is None
    assert DomainEvent.objects.filter(name="user.closed", subject_id=org.sales_rep.pk).exists()
    # Gone from the directory, unless the admin asks for closed accounts.
    row = f'href="/people/{org.sales_rep.pk}/">Sam Rep</a>'
    assert row not in client.get("/people/").content.decode()
    assert row in client.get("/people/?closed=1").content.decode()
    client.post(f"/people/{org.sales_rep.pk}/active/", {"active": "1"})
    org.sales_rep.refresh_from_db()
    assert org.sales_rep.is_active


def test_only_admins_close_accounts_and_never_their_own(client, org):
    client.force_login(org.sales_head)
    assert client.post(f"/people/{org.sales_rep.pk}/active/", {"active": "0"}).status_code == 403
    assert "Sam Rep" in client.get("/people/?closed=1").content.decode()  # ignored filter
    with pytest.raises(DomainError) as error:
        set_active(actor=org.admin, user=org.admin, active=False)
    assert error.value.field == "user"
    org.admin.refresh_from_db()
    assert org.admin.is_active


def test_a_head_edits_their_team_and_the_change_is_in_its_history(client, org):
    client.force_login(org.marketing_head)
    url = f"/teams/{org.marketing.pk}/"
    assert "Edit team details" in client.get(url).content.decode()
    response = client.post(url, {"name": "Brand & Demand", "description": "Campaigns"})
    assert response.status_code == 302
    org.marketing.refresh_from_db()
    assert org.marketing.name == "Brand & Demand"
    history = client.get(f"/records/people.team/{org.marketing.pk}/history/").content.decode()
    assert "<del>Marketing</del>" in history and "<ins>Brand &amp; Demand</ins>" in history


def test_others_cannot_edit_a_team_and_names_stay_unique(client, org):
    client.force_login(org.marketer)
    url = f"/teams/{org.marketing.pk}/"
    assert "Edit team details" not in client.get(url).content.decode()
    assert client.post(url, {"name": "Hijacked", "description": ""}).status_code == 403
    with pytest.raises(DomainError) as error:
        update_team(actor=org.admin, team=org.marketing, name="sales", description="")
    assert error.value.code == "team_name_taken"
    org.marketing.refresh_from_db()
    assert org.marketing.name == "Marketing"


def test_a_front_line_team_says_whether_it_is_a_branch_or_a_call_centre(client, org):
    """Where a front-line team meets customers is the source of the leads it refers: a
    branch unless its head or an administrator says it is a call centre."""
    from tandem.people.services import create_team

    assert org.front_line.front_line_desk == "branch"  # the factory set none
    assert org.marketing.front_line_desk == ""
    made = create_team(actor=org.admin, name="Phones", function="front_line")
    assert made.desk == "branch"
    other = create_team(actor=org.admin, name="Ops", function="marketing", desk="call_centre")
    assert other.desk == ""  # only a front-line team meets customers
    client.force_login(org.admin)
    url = f"/teams/{org.front_line.pk}/"
    assert "Meets customers" in client.get(url).content.decode()
    saved = client.post(url, {"name": "Leeds Branch", "desk": "call_centre", "description": ""})
    assert saved.status_code == 302
    org.front_line.refresh_from_db()
    assert org.front_line.desk == "call_centre"
    assert "a call centre" in client.get(url).content.decode()
    # A marketing team's page does not ask.
    assert "Meets customers" not in client.get(f"/teams/{org.marketing.pk}/").content.decode()
    refused = client.post(url, {"name": "Leeds Branch", "desk": "moon", "description": ""})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
