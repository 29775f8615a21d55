"""Logging in and out, lockout, passwords (change, reset, invite), idle timeout, hashing."""

import re
import secrets
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from tandem.people import services
from tandem.people.models import User

# Made at run time: the repository holds no password, not even a test one.
NEW_PASSWORD = secrets.token_urlsafe(18)  # 24 random characters: passes every validator
WRONG_PASSWORD = secrets.token_hex(8)
TOO_SHORT = secrets.token_hex(2)  # four characters: below the 10-character minimum
LINK = re.compile(r"https?://[^/\s]+(/password/reset/[^/\s]+/[^/\s]+/)")


def log_in(client, email, password):
    return client.post("/login/", {"username": email, "password": password})


def logged_in_as(client):
    """The pk of the signed-in user, or None."""
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def without_csrf(content):
    return re.sub(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", content)


def reset_link_path(body):
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def set_password_through(client, path, password):
    """Follow an e-mailed link, as a browser would, and choose ``password``."""
    response = client.get(path)
    assert response.status_code == 302
    set_password_url = response.url
    assert set_password_url.endswith("/set-password/")
    form = client.get(set_password_url)
    assert form.status_code == 200
    assert "new_password1" in form.content.decode()
    done = client.post(set_password_url, {"new_password1": password, "new_password2": password})
    assert done.status_code == 302
    assert done.url == "/password/reset/done/"


# --- Logging in and out ----------------------------------------------------------------
def test_log_in_by_email_through_the_login_form(client, org):
    response = log_in(client, org.marketer.email, org.password)
    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in_as(client) == org.marketer.pk
    assert client.get("/").status_code == 200


def test_email_is_case_insensitive_at_login(client, org):
    response = log_in(client, "  " + org.marketer.email.upper(), org.password)
    assert response.status_code == 302
    assert logged_in_as(client) == org.marketer.pk


def test_login_never_redirects_off_site(client, org):
    response = client.post(
        "/login/?next=https://evil.example/",
        {"username": org.marketer.email, "password": org.password, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_login_follows_a_local_next(client, org):
    response = client.post(
        "/login/", {"username": org.marketer.email, "password": org.password, "next": "/teams/"}
    )
    assert response.url == "/teams/"


def test_wrong_password_shows_an_error_and_stays_logged_out(client, org):
    response = log_in(client, org.marketer.email, "not-the-password")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "correct" in response.content.decode()  # Django's "Please enter a correct ..."
    assert logged_in_as(client) is None
    assert client.get("/").status_code == 302


def test_log_out_is_a_post(client, org):
    log_in(client, org.marketer.email, org.password)
    assert client.get("/logout/").status_code == 405  # a link cannot log anyone out
    assert logged_in_as(client) == org.marketer.pk
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.url == "/login/"
    assert logged_in_as(client) is None
    assert client.get("/").url.startswith("/login/")


def test_inactive_people_cannot_log_in(client, org):
    User.objects.filter(pk=org.marketer.pk).update(is_active=False)
    response = log_in(client, org.marketer.email, org.password)
    assert response.status_code == 200
    assert logged_in_as(client) is None


# --- Lockout (django-axes) ---------------------------------------------------------------
def test_five_failures_lock_the_email_out_even_with_the_right_password(client, org):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(4):
        response = log_in(client, org.marketer.email, f"wrong-{attempt}")
        assert response.status_code == 200, attempt
    # The fifth failure reaches the limit: axes answers with its lockout page.
    fifth = log_in(client, org.marketer.email, "wrong-5")
    assert fifth.status_code == 429
    locked = log_in(client, org.marketer.email, org.password)
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "people/locked_out.html" in [t.name for t in locked.templates]
    assert logged_in_as(client) is None
    assert client.get("/").status_code == 302


def test_lockout_counts_failures_regardless_of_case(client, org):
    for attempt in range(5):
        email = org.marketer.email.upper() if attempt % 2 else org.marketer.email
        log_in(client, email, f"wrong-{attempt}")
    assert log_in(client, org.marketer.email, org.password).status_code == 429
    assert log_in(client, org.marketer.email.upper(), org.password).status_code == 429
    assert logged_in_as(client) is None


def test_lockout_of_one_email_leaves_others_able_to_log_in(client, org):
    for attempt in range(5):
        log_in(client, org.marketer.email, f"wrong-{attempt}")
    assert log_in(client, org.marketer.email, org.password).status_code == 429
    response = log_in(client, org.sales_rep.email, org.password)
    assert response.status_code == 302
    assert logged_in_as(client) == org.sales_rep.pk


def test_a_success_before_the_limit_resets_the_count(client, org):
    for attempt in range(4):
        log_in(client, org.marketer.email, f"wrong-{attempt}")
    assert log_in(client, org.marketer.email, org.password).status_code == 302
    client.post("/logout/")
    for attempt in range(4):
        assert log_in(client, org.marketer.email, f"again-{attempt}").status_code == 200
    assert log_in(client, org.marketer.email, org.password).status_code == 302


# --- Changing and resetting passwords ------------------------------------------------------
def test_change_password_then_log_in_with_the_new_one(client, org):
    client.force_login(org.marketer)
    response = client.post(
        "/password/change/",
        {
            "old_password": org.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == "/password/change/done/"
    assert logged_in_as(client) == org.marketer.pk  # the session survives the change
    client.post("/logout/")
    assert log_in(client, org.marketer.email, org.password).status_code == 200
    assert logged_in_as(client) is None
    assert log_in(client, org.marketer.email, NEW_PASSWORD).status_code == 302
    assert logged_in_as(client) == org.marketer.pk


def test_change_password_needs_the_old_one_and_a_strong_new_one(client, org):
    client.force_login(org.marketer)
    wrong_old = client.post(
        "/password/change/",
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert wrong_old.status_code == 200
    assert wrong_old.context["form"].errors["old_password"]
    weak = client.post(
        "/password/change/",
        {"old_password": org.password, "new_password1": TOO_SHORT, "new_password2": TOO_SHORT},
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    org.marketer.refresh_from_db()
    assert org.marketer.check_password(org.password)


def test_password_reset_by_email(client, org):
    response = client.post("/password/reset/", {"email": org.marketer.email})
    assert response.status_code == 302
    assert response.url == "/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [org.marketer.email]
    set_password_through(client, reset_link_path(message.body), NEW_PASSWORD)
    assert log_in(client, org.marketer.email, NEW_PASSWORD).status_code == 302
    assert logged_in_as(client) == org.marketer.pk


def test_a_reset_link_works_once(client, org):
    client.post("/password/reset/", {"email": org.marketer.email})
    path = reset_link_path(mail.outbox[0].body)
    set_password_through(client, path, NEW_PASSWORD)
    again = client.get(path, follow=True)
    assert again.status_code == 200
    assert again.context["validlink"] is False


def test_password_reset_of_an_unknown_email_sends_nothing_and_looks_the_same(client, org):
    known = client.post("/password/reset/", {"email": org.marketer.email}, follow=True)
    mail.outbox.clear()
    unknown = client.post("/password/reset/", {"email": "nobody@example.test"}, follow=True)
    assert mail.outbox == []
    assert unknown.redirect_chain == known.redirect_chain == [("/password/reset/sent/", 302)]
    assert without_csrf(unknown.content) == without_csrf(known.content)


# --- Idle timeout --------------------------------------------------------------------------
def test_every_request_pushes_the_session_expiry_to_now_plus_the_idle_timeout(client, org):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client.force_login(org.marketer)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=2)
    )
    before = timezone.now()
    assert client.get("/").status_code == 200
    after = timezone.now()
    row = Session.objects.get(session_key=client.session.session_key)
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert before + age - timedelta(seconds=5) <= row.expire_date <= after + age


def test_an_idle_session_is_logged_out(client, org):
    client.force_login(org.marketer)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


# --- Hashing in production -------------------------------------------------------------------
def test_production_hashes_passwords_with_argon2():
    from tandem.config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_verify(settings):
    from tandem.config import settings as production

    # The test settings only know MD5 (speed); hash as production would.
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    encoded = make_password(NEW_PASSWORD, hasher="argon2")
    assert encoded.startswith("argon2$")
    assert check_password(NEW_PASSWORD, encoded)
    assert not check_password(NEW_PASSWORD + "x", encoded)


# --- Invitations -----------------------------------------------------------------------------
def test_a_person_created_without_a_password_is_invited_to_set_one(
    client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        newcomer = services.create_user(
            actor=org.admin, email="Nia.New@Example.test", full_name="Nia New"
        )
    assert len(callbacks) == 1
    assert not newcomer.has_usable_password()
    assert len(mail.outbox) == 1
    invite = mail.outbox[0]
    assert invite.to == ["nia.new@example.test"]
    assert "Choose your password" in invite.body
    assert invite.body.count("/password/reset/") == 1
    set_password_through(client, reset_link_path(invite.body), NEW_PASSWORD)
    assert log_in(client, "nia.new@example.test", NEW_PASSWORD).status_code == 302
    assert logged_in_as(client) == newcomer.pk


def test_no_invite_when_a_password_is_given_or_invites_are_off(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_user(
            actor=org.admin, email="pat@example.test", full_name="Pat", password=NEW_PASSWORD
        )
        services.create_user(
            actor=org.admin, email="quin@example.test", full_name="Quin", send_invite=False
        )
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["nia.new@example.test", "NIA.NEW@EXAMPLE.TEST"])
def test_an_invitee_can_log_in_by_email_in_any_case(
    client, org, django_capture_on_commit_callbacks, email
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_user(actor=org.admin, email="nia.new@example.test", full_name="Nia New")
    set_password_through(client, reset_link_path(mail.outbox[0].body), NEW_PASSWORD)
    assert log_in(client, email, NEW_PASSWORD).status_code == 302


def test_an_invitee_can_ask_for_a_new_link(client, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_user(actor=org.admin, email="nia.new@example.test", full_name="Nia New")
    mail.outbox.clear()  # the invite was lost, or its link expired
    client.post("/password/reset/", {"email": "nia.new@example.test"})
    assert len(mail.outbox) == 1


def test_password_reset_emails_are_capped_per_address(client, org, mailoutbox):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        response = client.post("/password/reset/", {"email": org.marketer.email})
        assert response.status_code == 302  # the same answer every time
    assert len(mailoutbox) == 3
