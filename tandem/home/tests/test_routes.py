"""Every route in the URLconf, for every persona: the status each one gets.

The table in route_table.py is walked against Django's URL resolver, so a route added
without a row there fails, and adding a route means deciding there who may see it. The
API under /api/v1/ is the one exception: its operations are walked from the OpenAPI
schema by tandem/api/tests/test_contract.py and test_schema_probe.py, so each API route
only has to be an operation of that schema (its pages, the docs and the schema, are
rows).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from tandem.approvals import contracts as joint
from tandem.core.records import registered_labels
from tandem.home.tests.route_table import (
    API_PREFIX,
    FOUND,
    LOGIN,
    OFFICE,
    PERSONAS,
    POST_ONLY,
    ROUTES,
    SAMPLE_IDS,
)


# --- The walk ------------------------------------------------------------------------------
def walk(patterns=None, prefix=""):
    """(route, pattern) for every pattern in the URLconf, included ones too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), pattern


def test_every_route_is_in_the_table_and_every_row_is_a_route(client, org):
    """Adding a page means adding its row here: who may see it, who may post to it."""
    covered = {resolve(url.format(**SAMPLE_IDS)).route for url in ROUTES}
    pages = {route for route, _ in walk() if not route.startswith(API_PREFIX)}
    missing = sorted(pages - covered)
    assert not missing, f"routes without a row in ROUTES: {missing}"
    assert len(pages) >= 91  # contracts are decided at /decisions/ since the approvals app

    # The API's operations are walked from its schema by the API tests: every API
    # route must be one of them, or one of the API's own pages (rows above). The schema
    # is read as a client reads it: the API is a layer above home.
    client.force_login(org.marketer)
    operations = {
        path.lstrip("/").replace("{", "<").replace("}", ">")
        for path in client.get("/api/v1/openapi.json").json()["paths"]
    }
    api_routes = {route for route, _ in walk() if route.startswith(API_PREFIX)}
    outside = sorted(api_routes - covered - operations)
    assert not outside, f"API routes neither in ROUTES nor in the OpenAPI schema: {outside}"
    assert len(api_routes & operations) >= 60


# --- The records the rows speak of ---------------------------------------------------------
@pytest.fixture
def ids(org, settings, tmp_path, kinds):
    """One of every record a route names, each with its id (and a few other values)."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tandem.api.services import create_token, set_capture_grant
    from tandem.approvals.services import request_approval
    from tandem.calendar.feeds import create_feed
    from tandem.calendar.models import ReadinessDelegate
    from tandem.campaigns.services import create_campaign
    from tandem.core import saved_views
    from tandem.core.exchange_rates import set_rate
    from tandem.core.models import Job
    from tandem.crm import services as crm
    from tandem.factories.campaigns import TouchpointFactory
    from tandem.factories.handoff import LeadFactory
    from tandem.factories.people import MembershipFactory, UserFactory
    from tandem.handoff import arrivals, contracts
    from tandem.handoff.models import Lead
    from tandem.handoff.tests.conftest import RULES, TIERS
    from tandem.notifications.services import notify

    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "export.csv").write_text("a,b\n")
    job = Job.objects.create(
        owner=org.marketer,
        kind="core.audit_export",
        title="Export",
        status=Job.Status.DONE,
        result_file="export.csv",
        finished_at=timezone.now(),
    )
    [notification] = notify(recipients=[org.marketer], kind="system", text="hello")
    saved_view = saved_views.save_view(
        actor=org.marketer, list_name="crm.contacts", name="Mine", query=QueryDict("q=x")
    )
    rate = set_rate(actor=org.admin, currency="EUR", valid_from=date(2026, 12, 1), rate="0.86")
    account = crm.create_account(actor=org.sales_rep, name="Acme")
    contact = crm.create_contact(
        actor=org.sales_rep, first_name="Jane", email="jane@acme.test", account=account
    )
    deal = crm.create_opportunity(actor=org.sales_rep, name="Deal", account=account)
    task = crm.log_activity(
        actor=org.sales_rep,
        kind="task",
        subject="Call back",
        contact=contact,
        due_at=timezone.now() + timedelta(days=1),
    )
    campaign = create_campaign(
        actor=org.marketer,
        name="Spring",
        type="email",
        channel="email",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
    )
    # The hand-off in force, one lead handed to Sam, and a proposal awaiting approval.
    policy = contracts.propose_sla_policy(
        actor=org.marketing_head, mqls_per_month=100, min_acceptance_rate=60, tiers=TIERS
    )
    joint.approve(actor=org.sales_head, contract=policy)
    scoring = contracts.propose_scoring_model(
        actor=org.marketing_head, threshold=50, half_life_days=30, rules=RULES
    )
    joint.approve(actor=org.sales_head, contract=scoring)
    proposal = contracts.propose_sla_policy(
        actor=org.marketing_head, mqls_per_month=120, min_acceptance_rate=60, tiers=TIERS
    )
    lead_contact = crm.create_contact(
        actor=org.marketer, first_name="Lee", email="lee@director.test", job_title="Director"
    )
    TouchpointFactory(contact=lead_contact, channel="search", kind="form")
    assert arrivals.lead_arrived([lead_contact.pk]) == 1
    lead = Lead.objects.get(pk=lead_contact.pk)
    assert lead.rep == org.sales_rep
    nurtured = LeadFactory(contact=crm.create_contact(actor=org.marketer, first_name="Nia"))
    # A joint decision waiting for both heads (a kind of approvals' tests: no app
    # registers one yet).
    approval = request_approval(actor=org.marketer, kind=kinds["two"].name, subject=org.marketing)
    token, _ = create_token(actor=org.marketer, name="script", scope="write")
    set_capture_grant(actor=org.admin, token=token, granted=True)
    # A deputy of sales, made after the lead was routed (round robin would reach them).
    deputy = MembershipFactory(team=org.sales, user=UserFactory(full_name="Dee Deputy")).user
    delegate = ReadinessDelegate.objects.create(user=deputy, appointed_by=org.sales_head)
    feed, feed_secret = create_feed(actor=org.marketer, name="Phone", filters={})
    # A brochure of Mia's with one version, Sam's pin on it, and a request from the branch.
    from tandem.collateral import asks, library
    from tandem.factories.collateral import make_asset

    asset = make_asset(org.marketer, reps=[org.sales_rep])
    pin = library.pin_comment(
        actor=org.sales_rep, version=asset.current_version, page=1, x="0.5", y="0.5", text="Hm"
    )
    collateral_request = asks.ask(actor=org.front_liner, title="A leaflet in Polish")
    from tandem.planning.services import open_period

    plan_period = open_period(actor=org.executive, year=2027)
    # Mia's budget line with a purchase order and a receipt, and Sam's line beside it.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.budget import spending
    from tandem.collateral.tests.samples import image
    from tandem.factories.budget import make_line, make_period

    budget_period = make_period(org.executive, timezone.localdate().year)
    budget_line = make_line(org.marketer, budget_period, org.marketing)
    budget_sales_line = make_line(org.sales_rep, budget_period, org.sales, name="Enablement")
    month = budget_period.months[0]
    commitment = spending.add_commitment(
        actor=org.marketer,
        line=budget_line,
        number="PO-1",
        supplier="Hall",
        amount="10",
        month=month,
    )
    budget_spend = spending.record_spend(
        actor=org.marketer, line=budget_line, amount="5", spent_on=month,
        attachment=SimpleUploadedFile("r.png", image("PNG")),
    )  # fmt: skip
    return {
        "plan_period": plan_period.pk,
        "budget_period": budget_period.pk,
        "budget_line": budget_line.pk,
        "budget_sales_line": budget_sales_line.pk,
        "budget_month": month.isoformat(),
        "commitment": commitment.pk,
        "budget_spend": budget_spend.pk,
        "asset": asset.pk,
        "pin": pin.pk,
        "collateral_request": collateral_request.pk,
        "deputy": deputy.pk,
        "delegate": delegate.pk,
        "marketing": org.marketing.pk,
        "sales": org.sales.pk,
        "marketer": org.marketer.pk,
        "front_liner": org.front_liner.pk,
        "sales_rep_id": org.sales_rep.pk,
        "sales_head_id": org.sales_head.pk,
        "membership": org.marketer.memberships.get().pk,
        "notification": notification.pk,
        "job": job.pk,
        "saved_view": saved_view.pk,
        "rate": rate.pk,
        "account": account.pk,
        "contact": contact.pk,
        "deal": deal.pk,
        "task": task.pk,
        "campaign": campaign.pk,
        "lead": lead.pk,
        "nurtured": nurtured.pk,
        "proposal": proposal.pk,
        "approval": approval.pk,
        "token": token.pk,
        "token_key": token.key_id,
        "reset_uid": urlsafe_base64_encode(force_bytes(org.marketer.pk)),
        "form_key": campaign.form_key,
        "feed": feed.pk,
        "feed_address": feed_secret,
        "feed_key": feed.key_id,
    }


# --- GET, per persona ----------------------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_each_persona_as_the_table_says(client, org, ids, persona):
    client.force_login(getattr(org, persona))
    wrong = {}
    for url, route in ROUTES.items():
        status = client.get(url.format(**ids)).status_code
        if status != route.status(persona):
            wrong[url] = (status, route.status(persona))
    assert wrong == {}, "url: (got, table)"


def test_anonymous_visitors_are_sent_to_log_in(client, ids):
    wrong = {}
    for url, route in ROUTES.items():
        response = client.get(url.format(**ids))
        if route.anonymous == LOGIN:
            if response.status_code != FOUND or not response["Location"].startswith(
                "/login/?next="
            ):
                wrong[url] = response.status_code
        elif response.status_code != route.anonymous:
            wrong[url] = response.status_code
    assert wrong == {}


# --- POST, refused -------------------------------------------------------------------------
# Rows that change as a side effect of any request: sessions, sign-in records, counters.
NOT_COMPARED = {"sessions.session", "axes.accessattempt", "axes.accesslog", "core.ratecounter"}


def _everything():
    """Every row of every table, to compare before and after a refused request."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_COMPARED or model._meta.proxy:
            continue
        state[label] = sorted(map(repr, model._base_manager.values_list()))
    return state


def _changes(before, after):
    return sorted(label for label in before if before[label] != after.get(label))


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_refused_post_is_refused_and_changes_nothing(client, org, ids, persona):
    client.force_login(getattr(org, persona))
    refused = {url: route for url, route in ROUTES.items() if persona in route.refused}
    before = _everything()  # once for all the posts: a snapshot per post costs seconds
    wrong = {}
    for url, route in refused.items():
        data = {key.format(**ids): value.format(**ids) for key, value in route.post.items()}
        status = client.post(url.format(**ids), data).status_code
        if status != route.refused[persona]:
            wrong[url] = (status, route.refused[persona])
    assert wrong == {}, "url: (got, table)"
    changed = _changes(before, _everything())
    assert not changed, f"refused posts to {sorted(refused)} changed {changed}"


# Forms anyone signed in may send, for themselves only: nobody to refuse.
ANYONE_MAY_POST = {"/logout/", "/notifications/read-all/"}


def test_every_row_that_posts_names_who_is_refused():
    """A route that only takes a POST says who may not send it, and with what form."""
    for url, route in ROUTES.items():
        if route.get is POST_ONLY and url not in ANYONE_MAY_POST:
            assert route.refused, url
        if route.refused:
            assert route.post is not None, url


# --- The office's work, and an administrator's grant ----------------------------------------
def test_the_front_line_exports_lists_and_creates_campaigns_only_once_granted(client, org, ids):
    """Every route of the office's work (whole-list exports, a new campaign) refuses the
    front line in plain words, until an administrator grants it on the person's page."""
    office = [url.format(**ids) for url, route in ROUTES.items() if route.get is OFFICE]
    # contacts, accounts, opportunities, campaigns, campaign performance (CSV and XLSX);
    # a new campaign
    assert len(office) == 7
    client.force_login(org.front_liner)
    for url in office:
        refused = client.get(url)
        assert refused.status_code == 403, url
        said = refused.content.decode()
        assert (
            "You are not allowed to export whole lists. Ask an administrator to grant it." in said
            or "You are not allowed to create campaigns. Ask an administrator to grant it." in said
        ), url
    for page in ("/contacts/", "/accounts/", "/opportunities/", "/campaigns/"):
        shown = client.get(page).content.decode()
        assert "export." not in shown and "/campaigns/new/" not in shown, page

    client.force_login(org.admin)
    granted = client.post(
        f"/people/{org.front_liner.pk}/grants/",
        {"may_export_lists": "on", "may_create_campaigns": "on"},
    )
    assert granted.status_code == 302
    client.force_login(org.front_liner)
    for url in office:
        assert client.get(url).status_code == 200, url
    assert "/campaigns/new/" in client.get("/campaigns/").content.decode()
    assert "export.csv" in client.get("/contacts/").content.decode()


# --- Records ---------------------------------------------------------------------------------
def test_every_registered_record_kind_has_history_and_visibility():
    for label in registered_labels():
        model = apps.get_model(label)
        assert hasattr(model, "history"), f"{label} has no field history"
        assert hasattr(model._default_manager, "visible_to"), f"{label} has no visible_to"


def test_error_pages_are_friendly(client, org):
    client.force_login(org.marketer)
    missing = client.get("/teams/424242/")
    assert "Not found" in missing.content.decode() and missing.status_code == 404
    from django.template.loader import render_to_string

    assert "Something went wrong on our side" in render_to_string("500.html")
