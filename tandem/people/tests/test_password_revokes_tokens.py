"""A password change or reset revokes the person's API tokens, says so before and
after, and records it in the audit trail."""

import re
import secrets

from django.core import mail

from tandem.api.models import ApiToken
from tandem.api.services import authenticate_token, create_token, revoke_token
from tandem.core.models import DomainEvent

NEW_PASSWORD = secrets.token_urlsafe(18)
WRONG_PASSWORD = secrets.token_hex(8)
LINK = re.compile(r"https?://[^/\s]+(/password/reset/[^/\s]+/[^/\s]+/)")


def tokens_for(org):
    """Two live tokens and a revoked one for the marketer; one live token for a colleague."""
    raws = [create_token(actor=org.marketer, name=n, scope="write")[1] for n in ("ci", "bi")]
    old, _ = create_token(actor=org.marketer, name="old", scope="read")
    revoke_token(actor=org.marketer, token=old)
    _, colleague = create_token(actor=org.sales_rep, name="crm sync", scope="read")
    return raws, colleague


def assert_revoked_and_recorded(org, raws, colleague, how):
    assert all(authenticate_token(raw) is None for raw in raws)
    assert not ApiToken.objects.filter(user=org.marketer).live().exists()
    assert authenticate_token(colleague) is not None  # nobody else's
    changed = DomainEvent.objects.get(name="user.password_changed")
    assert changed.actor == org.marketer and changed.subject_id == org.marketer.pk
    # Every credential is counted, those the person had none of too (calendar feeds).
    assert changed.data == {"how": how, "revoked": {"api_tokens": 2, "calendar_feeds": 0}}
    revoked = DomainEvent.objects.filter(name="api_token.revoked", data__reason="password_changed")
    assert revoked.count() == 2 and {e.actor_id for e in revoked} == {org.marketer.pk}


def test_changing_the_password_revokes_the_tokens_and_says_so(client, org):
    raws, colleague = tokens_for(org)
    client.force_login(org.marketer)
    before = client.get("/password/change/").content.decode()
    assert "Changing it also revokes your 2 API tokens" in before
    done = client.post(
        "/password/change/",
        {
            "old_password": org.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert done.redirect_chain == [("/password/change/done/", 302)]
    assert "Your password is changed and 2 API tokens revoked" in done.content.decode()
    assert_revoked_and_recorded(org, raws, colleague, "change")


def test_a_refused_change_revokes_nothing(client, org):
    raws, _ = tokens_for(org)
    client.force_login(org.marketer)
    refused = client.post(
        "/password/change/",
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert refused.status_code == 200
    assert all(authenticate_token(raw) is not None for raw in raws)
    assert not DomainEvent.objects.filter(name="user.password_changed").exists()


def test_a_reset_revokes_the_tokens_and_says_so(client, org):
    raws, colleague = tokens_for(org)
    client.post("/password/reset/", {"email": org.marketer.email})
    path = LINK.search(mail.outbox[0].body).group(1)
    form_url = client.get(path).url
    before = client.get(form_url).content.decode()
    assert "Saving it also revokes your 2 API tokens" in before
    done = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain == [("/password/reset/done/", 302)]
    assert "Your password is changed and 2 API tokens revoked" in done.content.decode()
    assert_revoked_and_recorded(org, raws, colleague, "reset")


def test_without_tokens_the_pages_promise_nothing(client, org):
    client.force_login(org.sales_head)
    assert "revokes" not in client.get("/password/change/").content.decode()
    done = client.post(
        "/password/change/",
        {
            "old_password": org.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "Revoked" not in done.content.decode()
    event = DomainEvent.objects.get(name="user.password_changed")
    assert event.data == {"how": "change", "revoked": {"api_tokens": 0, "calendar_feeds": 0}}
