"""Shared test base: the personas every test speaks of, a real browser, real HTTP."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from django.db import connections

from tandem.people.models import Team, User
from tandem.people.tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory

CI = os.environ.get("CI", "").lower() == "true"


# Everyone who works here (in a team, or an administrator), then the outsider.
STAFF_NAMES = (
    "marketer",
    "marketing_head",
    "sales_rep",
    "sales_head",
    "front_liner",
    "executive",
    "admin",
)
PERSONA_NAMES = (*STAFF_NAMES, "outsider")


@dataclass
class Org:
    """Marketing, sales, a front-line branch and leadership, with one of each persona."""

    marketing: Team
    sales: Team
    front_line: Team
    leadership: Team
    marketer: User
    marketing_head: User
    sales_rep: User
    sales_head: User
    front_liner: User
    executive: User
    admin: User
    outsider: User
    password: str = PASSWORD

    def personas(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in PERSONA_NAMES}


def build_org() -> Org:
    marketing = TeamFactory(name="Marketing", function=Team.Function.MARKETING)
    sales = TeamFactory(name="Sales", function=Team.Function.SALES)
    front_line = TeamFactory(name="Leeds Branch", function=Team.Function.FRONT_LINE)
    leadership = TeamFactory(name="Leadership", function=Team.Function.LEADERSHIP)

    def member(name: str, handle: str, team: Team, role: str = "member") -> User:
        user = UserFactory(full_name=name, handle=handle, email=f"{handle}@example.test")
        MembershipFactory(user=user, team=team, role=role)
        return user

    return Org(
        marketing=marketing,
        sales=sales,
        front_line=front_line,
        leadership=leadership,
        marketer=member("Mia Marketer", "mia", marketing),
        marketing_head=member("Hana Head", "hana", marketing, "head"),
        sales_rep=member("Sam Rep", "sam", sales),
        sales_head=member("Sid Head", "sid", sales, "head"),
        front_liner=member("Fran Branch", "fran", front_line),
        executive=member("Eve Exec", "eve", leadership, "head"),
        admin=UserFactory(
            full_name="Ada Admin", handle="ada", email="ada@example.test", is_admin=True
        ),
        outsider=UserFactory(full_name="Otto Outsider", handle="otto", email="otto@example.test"),
    )


@pytest.fixture
def org(db: Any) -> Org:
    return build_org()


@pytest.fixture
def live_org(transactional_db: Any) -> Org:
    return build_org()


# --- Real HTTP ---------------------------------------------------------------------------
class ApiClient:
    """Talks to the live test server over HTTP, as an integration would."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base = base_url.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __getattr__(self, method: str) -> Any:
        if method not in {"get", "post", "put", "patch", "delete"}:
            raise AttributeError(method)

        def call(path: str, **kwargs: Any) -> requests.Response:
            return self.session.request(method.upper(), self.base + path, timeout=20, **kwargs)

        return call


def bearer(user: User, scope: str = "write") -> dict[str, str]:
    """The Authorization header of a new token of ``user``'s, for Django's test client."""
    from tandem.api.services import create_token

    _, raw = create_token(actor=user, name=f"test {scope}", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def grant_capture(token: Any) -> Any:
    """An administrator (the organisation's, or a new one) grants ``token`` capture."""
    from tandem.api.services import set_capture_grant

    admin = User.objects.filter(is_admin=True, is_active=True).first() or UserFactory(is_admin=True)
    return set_capture_grant(actor=admin, token=token, granted=True)


@pytest.fixture
def api_for(live_server: Any) -> Any:
    def make(user: User | None = None, scope: str = "write", capture: bool = False) -> ApiClient:
        """A client with a new token of ``user``'s; ``capture``: an administrator grants
        it touch capture, as an integration that sends touches needs."""
        if user is None:
            return ApiClient(live_server.url)
        from tandem.api.services import create_token

        token, raw = create_token(actor=user, name=f"test {scope}", scope=scope)
        if capture:
            grant_capture(token)
        return ApiClient(live_server.url, raw)

    return make


# --- Real browser ------------------------------------------------------------------------
CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def page(live_server: Any, monkeypatch: Any) -> Iterator[Any]:
    """A Playwright page in the system Chromium (headless)."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        # A 422 is a form answered with its errors, which tests provoke on purpose.
        expected = "the server responded with a status of 422"
        yield page
        context.close()
        browser.close()
        # Playwright's sync API runs in greenlets, and Django keeps connections per
        # context: ORM calls made while it ran used a connection of their own. Close it,
        # or PostgreSQL cannot drop the test database at the end of the run.
        connections.close_all()
        # A CSP violation or script error is a bug even if the page looked right.
        unexpected = [e for e in errors if expected not in e]
        assert not unexpected, f"browser errors: {unexpected}"


# --- Rate-limit counters -----------------------------------------------------------------
TEST_REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _clear_redis_counters(client: Any) -> None:
    from tandem.core.ratelimit import KEY_PREFIX

    for key in client.scan_iter(match=KEY_PREFIX + "*", count=500):
        client.delete(key)


@pytest.fixture(params=["database", "redis"])
def rate_counters(request: Any, settings: Any) -> Iterator[str]:
    """Runs the test once with the counters in the database and once in Redis."""
    if request.param == "database":
        settings.REDIS_URL = ""
        yield "database"
        return
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        message = f"Redis not reachable at {TEST_REDIS_URL}"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    settings.REDIS_URL = TEST_REDIS_URL
    _clear_redis_counters(client)
    yield "redis"
    _clear_redis_counters(client)
