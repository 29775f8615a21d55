"""Shared test base: the personas every test speaks of, a real browser, real HTTP."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from django.db import connections

from tandem.factories.people import PASSWORD, MembershipFactory, TeamFactory, UserFactory
from tandem.people.models import Team, User

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


# --- Contact imports -------------------------------------------------------------------
def stage_import(org: Org, name: str, data: bytes) -> Any:
    """``data`` staged by the marketer as a file called ``name``, as the upload page does."""
    from tandem.crm import imports

    return imports.stage_file(actor=org.marketer, name=name, chunks=iter([data]), size=len(data))


def run_import(org: Org, staged: Any, capture: Any, mapping: dict[str, str] | None = None) -> Any:
    """The marketer imports ``staged`` (with its suggested mapping unless given); the job
    runs when the transaction commits (``capture`` is django_capture_on_commit_callbacks).
    Returns the job as it ended."""
    from tandem.crm import imports

    with capture(execute=True):
        job = imports.start_contact_import(
            actor=org.marketer,
            token=staged.token,
            mapping=mapping or staged.suggested,
            original_name=staged.original_name,
        )
    job.refresh_from_db()
    return job


# --- A real worker -----------------------------------------------------------------------
def database_url() -> str:
    """The test database as a TANDEM_DATABASE_URL, for processes started by a test."""
    db = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


def start_worker(
    queue_name: str,
    *,
    queue_file: Any = None,
    redis_url: str = "",
    output: bool = True,
) -> subprocess.Popen[bytes]:
    """`tandem run_huey` as a process of its own, with production settings pointed at
    the test database and the named queue: in ``queue_file`` (SQLite), or on Redis at
    ``redis_url``. ``output``: keep stdout and stderr (read them with communicate())."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tandem.config.settings",
        "TANDEM_DATABASE_URL": database_url(),
        "TANDEM_VAR_DIR": str(settings.VAR_DIR),
        "TANDEM_QUEUE_NAME": queue_name,
        "TANDEM_INSECURE_HTTP": "true",
    }
    env.pop("TANDEM_REDIS_URL", None)
    env.pop("TANDEM_QUEUE_FILE", None)
    if redis_url:
        env["TANDEM_REDIS_URL"] = redis_url
    if queue_file is not None:
        env["TANDEM_QUEUE_FILE"] = str(queue_file)
    return subprocess.Popen(
        [sys.executable, "-m", "tandem", "run_huey", "--workers", "1", "--no-periodic"],
        env=env,
        stdout=subprocess.PIPE if output else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
    )


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


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """The system Chromium (headless), started once for a module's browser tests (about
    a second each time): each test gets a fresh context of its own from it (``page``)."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # Playwright's loop shares the thread with the ORM calls of the module's tests.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
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
            yield browser
            browser.close()


@pytest.fixture
def page(live_server: Any, chromium: Any) -> Iterator[Any]:
    """A Playwright page in a new browser context (its own cookies and storage)."""
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # A 422 is a form answered with its errors, which tests provoke on purpose.
    expected = "the server responded with a status of 422"
    yield page
    context.close()
    # Playwright's sync API runs in greenlets, and Django keeps connections per
    # context: ORM calls made while it ran used a connection of their own. Close it,
    # or PostgreSQL cannot drop the test database at the end of the run.
    connections.close_all()
    # A CSP violation or script error is a bug even if the page looked right.
    unexpected = [e for e in errors if expected not in e]
    assert not unexpected, f"browser errors: {unexpected}"


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def sign_in(page: Any, email: str, password: str) -> None:
    """Log in and wait for the home page, so the next navigation is signed in."""
    from playwright.sync_api import expect

    log_in(page, email, password)
    expect(page.get_by_role("heading", name=re.compile(r"^Hello, "))).to_be_visible()


def log_out(page: Any) -> None:
    from playwright.sync_api import expect

    # The page's own requests first (an htmx swap, a lazy panel): leaving while one is in
    # flight aborts it, which the page fixture rightly counts as a browser error. htmx
    # marks an element with .htmx-request while its request runs.
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    # Log out sits in the user menu, which opens first.
    page.locator("header.topbar [data-bs-toggle=dropdown]").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Tandem")).to_be_visible()


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
