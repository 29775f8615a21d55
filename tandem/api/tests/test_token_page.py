"""The page where people create and revoke their API tokens."""

import re

import pytest

from tandem.api.models import ApiToken
from tandem.api.services import MAX_LIVE_TOKENS, authenticate_token, create_token
from tandem.core.credentials import hash_secret
from tandem.core.errors import DomainError


def test_a_new_token_is_shown_once_and_stored_hashed(client, org):
    client.force_login(org.marketer)
    response = client.post("/settings/tokens/", {"name": "Reporting script", "scope": "read"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw = re.search(r'id="new-token">(tdm_[^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=org.marketer)
    assert token.secret_hash == hash_secret(raw.split("_", 2)[2])
    assert raw not in ApiToken.objects.values_list("secret_hash", flat=True)
    assert authenticate_token(raw) == token
    again = client.get("/settings/tokens/").content.decode()
    assert raw not in again and token.display in again


def test_creating_a_token_needs_a_name(client, org):
    client.force_login(org.marketer)
    response = client.post("/settings/tokens/", {"name": "  ", "scope": "write"})
    assert "This field is required" in response.content.decode()  # the form strips spaces
    assert not ApiToken.objects.exists()


def test_a_twenty_first_live_token_is_refused_on_the_form(client, org):
    for n in range(MAX_LIVE_TOKENS):
        create_token(actor=org.marketer, name=f"script {n}", scope="read")
    with pytest.raises(DomainError) as refused:
        create_token(actor=org.marketer, name="one more", scope="read")
    assert (refused.value.code, refused.value.status) == ("too_many_tokens", 409)
    client.force_login(org.marketer)
    response = client.post("/settings/tokens/", {"name": "one more", "scope": "read"})
    assert f"You have {MAX_LIVE_TOKENS} live tokens; revoke one first." in response.content.decode()
    assert ApiToken.objects.filter(user=org.marketer).count() == MAX_LIVE_TOKENS


def test_revoking_stops_the_token_at_once(client, org):
    token, raw = create_token(actor=org.marketer, name="CI", scope="write")
    client.force_login(org.marketer)
    response = client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert authenticate_token(raw) is None
    assert "revoked" in client.get("/settings/tokens/").content.decode()


def test_nobody_else_can_see_or_revoke_your_token(client, org):
    token, raw = create_token(actor=org.marketer, name="Mine", scope="write")
    for other in (org.marketing_head, org.admin, org.outsider):
        client.force_login(other)
        assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
        assert "Mine" not in client.get("/settings/tokens/").content.decode()
    assert authenticate_token(raw) == token
