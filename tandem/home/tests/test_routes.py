"""Every route in the URLconf, for every persona: the status each one gets.

The table below is walked against Django's URL resolver, so a route added without a row
here fails, and adding a route means deciding here who may see it. The API under
/api/v1/ is the one exception: its operations are walked from the OpenAPI schema by
tandem/api/tests/test_contract.py and test_schema_probe.py, so here each API route only
has to be an operation of that schema (its pages, the docs and the schema, are rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from tandem.approvals import contracts as joint
from tandem.conftest import PERSONA_NAMES
from tandem.core.records import registered_labels

PERSONAS = list(PERSONA_NAMES)
LOGIN = "log in"  # an anonymous visitor is sent to /login/?next=...
OK, MOVED, FOUND, FORBIDDEN, MISSING, NOT_ALLOWED = 200, 301, 302, 403, 404, 405
API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Route:
    """What a GET gets per persona ("*": everyone not named), and for an anonymous
    visitor; for a route that changes something, ``post`` is a form that would be
    accepted from someone allowed, and ``refused`` the personas whose POST of it must
    be refused (403, or 404 when they may not know the record is there) changing
    nothing."""

    get: dict[str, int]
    anonymous: int | str = LOGIN
    post: dict[str, str] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)

    def status(self, persona: str) -> int:
        return self.get.get(persona, self.get["*"])


EVERYONE = {"*": OK}
STAFF = {"outsider": FORBIDDEN, "*": OK}
STAFF_RECORD = {"outsider": MISSING, "*": OK}  # a record outsiders may not know exists
# The hand-off and attribution answer outsiders as if nothing were there (require_staff).
STAFF_ONLY = STAFF_RECORD
EDITORS = {"sales_rep": OK, "sales_head": OK, "admin": OK, "outsider": MISSING, "*": FORBIDDEN}
NOT_EDITORS = {p: s for p, s in EDITORS.items() if s != OK and p != "*"} | {
    p: FORBIDDEN for p in ("marketer", "marketing_head", "front_liner", "executive")
}
POST_ONLY = {"*": NOT_ALLOWED}
NOT_STAFF = {"outsider": FORBIDDEN}
HEADS = ("marketing_head", "sales_head")
NOT_HEADS = {p: FORBIDDEN for p in PERSONAS if p not in HEADS}
NOT_ADMIN = {p: FORBIDDEN for p in PERSONAS if p != "admin"}
# Sam, whose lead it is, and his head work it; everyone else working here is refused.
NOT_WORKING_THE_LEAD = {p: FORBIDDEN for p in PERSONAS if p not in ("sales_rep", "sales_head")} | {
    "outsider": MISSING
}
SLA_FORM = {"mqls_per_month": "120", "min_acceptance_rate": "60"} | {
    f"{tier}_{name}": value
    for tier, score in (("high", "80"), ("medium", "50"), ("low", "0"))
    for name, value in (("min_score", score), ("accept", "4"), ("follow_up", "8"))
}
SCORING_FORM = {
    "threshold": "60",
    "half_life_days": "30",
    "rules-TOTAL_FORMS": "1",
    "rules-INITIAL_FORMS": "0",
    "rules-0-kind": "engagement",
    "rules-0-field": "form",
    "rules-0-points": "30",
}
NOT_MARKETING = {p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}

# url (with {ids} from the fixture) -> who gets what. Several rows may share a route.
ROUTES: dict[str, Route] = {
    # --- Signing in, out and passwords ---------------------------------------------------
    "/login/": Route({"*": FOUND}, anonymous=OK),  # signed in: sent on home
    "/logout/": Route(POST_ONLY, anonymous=NOT_ALLOWED),
    "/password/change/": Route(EVERYONE),
    "/password/change/done/": Route(EVERYONE),
    "/password/reset/": Route(EVERYONE, anonymous=OK),
    "/password/reset/sent/": Route(EVERYONE, anonymous=OK),
    "/password/reset/{reset_uid}/not-a-token/": Route(EVERYONE, anonymous=OK),
    "/password/reset/done/": Route(EVERYONE, anonymous=OK),
    "/favicon.ico": Route({"*": MOVED}, anonymous=MOVED),
    # --- People, teams, notifications ---------------------------------------------------
    "/": Route(EVERYONE),
    "/profile/": Route(EVERYONE),
    "/people/": Route(EVERYONE),
    "/people/new/": Route(
        {"admin": OK, "*": FORBIDDEN},
        post={"email": "new@example.test", "full_name": "New Person", "time_zone": "UTC"},
        refused=NOT_ADMIN,
    ),
    "/people/{marketer}/": Route(STAFF_RECORD),
    "/people/999999/": Route({"*": MISSING}),
    "/people/{marketer}/active/": Route(
        POST_ONLY,
        post={"active": "0"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "marketer")},
            "outsider": MISSING,
        },
    ),
    "/teams/": Route(EVERYONE),
    "/teams/{marketing}/": Route(STAFF_RECORD),
    "/teams/999999/": Route({"*": MISSING}),
    "/teams/{marketing}/members/": Route(
        POST_ONLY,
        post={"email": "sid@example.test", "role": "member"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "marketing_head")},
            "outsider": MISSING,
        },
    ),
    "/teams/{marketing}/members/{membership}/": Route(
        POST_ONLY,
        post={"action": "remove"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "marketing_head")},
            "outsider": MISSING,
        },
    ),
    "/notifications/": Route(EVERYONE),
    "/notifications/read-all/": Route(POST_ONLY),
    "/notifications/{notification}/open/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "marketer"}
    ),
    "/records/people.team/{marketing}/comments/": Route(
        STAFF_RECORD, post={"body": "Hello"}, refused={"outsider": MISSING}
    ),
    "/records/people.team/{marketing}/history/": Route(STAFF_RECORD),
    "/records/people.user/{marketer}/history/": Route(STAFF_RECORD),
    # --- Jobs, history, the audit log, saved views --------------------------------------
    "/jobs/{job}/": Route({"marketer": OK, "admin": OK, "*": MISSING}),
    "/jobs/999999/": Route({"*": MISSING}),
    "/jobs/{job}/download/": Route({"marketer": OK, "admin": OK, "*": MISSING}),
    "/jobs/{job}/resume/": Route(
        POST_ONLY,
        post={},
        refused={**{p: MISSING for p in PERSONAS if p != "marketer"}, "admin": FORBIDDEN},
    ),
    "/audit/": Route({"admin": OK, "*": FORBIDDEN}),
    "/audit/export/": Route(POST_ONLY, post={}, refused=NOT_ADMIN),
    "/views/crm.contacts/save/": Route(
        POST_ONLY, post={"name": "North", "query": "region=North"}, refused=NOT_STAFF
    ),
    "/views/{saved_view}/delete/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "marketer"}
    ),
    # --- The customer record -------------------------------------------------------------
    "/accounts/": Route(STAFF),
    "/accounts/new/": Route(STAFF, post={"name": "Newco"}, refused=NOT_STAFF),
    "/accounts/{account}/": Route(STAFF_RECORD),
    "/accounts/{account}/edit/": Route(
        EDITORS,
        post={"name": "Acme renamed"},
        refused=NOT_EDITORS,
    ),
    "/accounts/{account}/opportunities/new/": Route(
        STAFF, post={"name": "Another deal"}, refused=NOT_STAFF
    ),
    "/accounts/export.xlsx": Route(STAFF),
    "/contacts/": Route(STAFF),
    "/contacts/new/": Route(STAFF, post={"first_name": "Nia"}, refused=NOT_STAFF),
    "/contacts/import/": Route(STAFF),
    "/contacts/import/not-my-upload/": Route({"outsider": FORBIDDEN, "*": MISSING}),
    "/contacts/export.csv": Route(STAFF),
    "/contacts/{contact}/": Route(STAFF_RECORD),
    "/contacts/{contact}/edit/": Route(
        EDITORS,
        post={"first_name": "Janet"},
        refused=NOT_EDITORS,
    ),
    "/contacts/{contact}/consent/": Route(
        POST_ONLY,
        post={"consent": "no", "source": "phone call"},
        refused={"marketer": FORBIDDEN, "front_liner": FORBIDDEN, "outsider": MISSING},
    ),
    "/contacts/{contact}/consent/opt-in/": Route(
        POST_ONLY,
        post={},
        refused={"marketer": FORBIDDEN, "front_liner": FORBIDDEN, "outsider": MISSING},
    ),
    "/contacts/{contact}/erase/": Route(
        POST_ONLY,
        post={"confirm": "ERASE"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "sales_head")},
            "outsider": MISSING,
        },
    ),
    "/consent/confirm/not-a-token/": Route({"*": MISSING}, anonymous=MISSING),
    "/opportunities/": Route(STAFF),
    "/opportunities/export.csv": Route(STAFF),
    "/opportunities/{deal}/": Route(STAFF_RECORD),
    "/records/crm.account/{account}/history/": Route(STAFF_RECORD),
    "/records/crm.contact/{contact}/comments/": Route(STAFF_RECORD),
    "/records/crm.contact/{contact}/activities/": Route(
        POST_ONLY,
        post={"kind": "note", "subject": "Called"},
        refused={"outsider": MISSING},
    ),
    "/activities/{task}/done/": Route(
        POST_ONLY,
        post={},
        refused={"marketer": FORBIDDEN, "front_liner": FORBIDDEN, "outsider": MISSING},
    ),
    # --- Campaigns and touches -----------------------------------------------------------
    "/campaigns/": Route(STAFF),
    "/campaigns/new/": Route(
        STAFF,
        post={
            "name": "Autumn",
            "type": "email",
            "channel": "email",
            "starts_on": "2026-09-01",
            "ends_on": "2026-09-30",
        },
        refused=NOT_STAFF,
    ),
    "/campaigns/export.xlsx": Route(STAFF),
    # Capturing touches is marketing's (and administrators'): they move scores.
    "/campaigns/touchpoints/import/": Route(
        {"marketer": OK, "marketing_head": OK, "admin": OK, "*": FORBIDDEN},
        post={},
        refused={**NOT_MARKETING, "outsider": FORBIDDEN},
    ),
    "/campaigns/{campaign}/": Route(
        STAFF_RECORD,
        post={"status": "active"},
        refused={p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}
        | {"outsider": MISSING},
    ),
    "/records/campaigns.campaign/{campaign}/comments/": Route(STAFF_RECORD),
    "/campaigns/target/": Route(
        POST_ONLY, post={"campaign": "{campaign}"}, refused={"outsider": MISSING}
    ),
    "/campaigns/members/add/": Route(
        POST_ONLY,
        post={"campaign": "{campaign}", "contact": "{contact}"},
        refused={"outsider": MISSING},
    ),
    # The web form customers fill in on their own pages: anyone may post it.
    "/f/{form_key}/": Route(EVERYONE, anonymous=OK),
    # --- The hand-off --------------------------------------------------------------------
    "/leads/": Route(STAFF_ONLY),
    "/leads/board/": Route(STAFF_ONLY),
    "/leads/{lead}/": Route(STAFF_ONLY),
    "/leads/{lead}/accept/": Route(
        POST_ONLY,
        post={},
        refused=NOT_WORKING_THE_LEAD,
    ),
    "/leads/{lead}/reject/": Route(
        POST_ONLY,
        post={"reason": "no-budget", "note": "No budget this year"},
        refused=NOT_WORKING_THE_LEAD,
    ),
    "/leads/{lead}/follow-up/": Route(
        POST_ONLY,
        post={"kind": "call", "subject": "Called"},
        refused=NOT_WORKING_THE_LEAD,
    ),
    "/leads/{lead}/reassign/": Route(
        POST_ONLY,
        post={"rep": "{sales_head_id}"},
        refused={p: FORBIDDEN for p in PERSONAS if p != "sales_head"} | {"outsider": MISSING},
    ),
    # A lead still in nurture (Nia, the marketer's contact): whoever may change the
    # contact disqualifies it. (An MQL has no stage to move to by hand.)
    "/leads/{nurtured}/stage/": Route(
        POST_ONLY,
        post={"stage": "disqualified", "why": "A competitor"},
        refused={p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}
        | {"outsider": MISSING},
    ),
    "/sla/": Route(STAFF_ONLY),
    "/sla/contract/": Route(STAFF_ONLY),
    "/sla/contract/sla/new/": Route(
        STAFF_ONLY, post=SLA_FORM, refused={**NOT_HEADS, "outsider": MISSING}
    ),
    "/sla/contract/scoring/new/": Route(
        STAFF_ONLY, post=SCORING_FORM, refused={**NOT_HEADS, "outsider": MISSING}
    ),
    "/sla/reasons/": Route(
        STAFF_ONLY,
        post={"code": "too-small", "label": "Too small"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in HEADS} | {"outsider": MISSING},
    ),
    "/sla/routing/": Route(
        STAFF_ONLY,
        post={"name": "North", "position": "1", "team": "{sales}", "active": "on"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("admin", *HEADS)}
        | {"outsider": MISSING},
    ),
    "/sla/routing/capacity/{sales_rep_id}/": Route(
        POST_ONLY,
        post={"lead_capacity": "5"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("admin", "sales_head")}
        | {"outsider": MISSING},
    ),
    "/sla/routing/teams/{sales}/": Route(
        POST_ONLY,
        post={
            "what": "holiday",
            "holiday-{sales}-day": "2026-12-28",
            "holiday-{sales}-name": "Boxing Day",
        },
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("admin", "sales_head")}
        | {"outsider": MISSING},
    ),
    # --- Attribution ---------------------------------------------------------------------
    "/attribution/": Route(STAFF_ONLY),
    "/attribution/refresh/": Route(POST_ONLY, post={}, refused={"outsider": MISSING}),
    "/attribution/export.csv": Route({"outsider": MISSING, "*": FOUND}),  # to the report: computing
    "/attribution/model/new/": Route(
        STAFF_ONLY,
        post={"model": "linear", "lookback_days": "90"},
        refused={**NOT_HEADS, "outsider": MISSING},
    ),
    # A campaign's return is computed on asking: anyone working here may ask.
    "/attribution/campaigns/{campaign}/return/": Route(
        POST_ONLY, post={}, refused={"outsider": MISSING}
    ),
    # --- Joint decisions -----------------------------------------------------------------
    # Made in the open: everyone working here reads them; who may decide is the request's
    # requirements' business (approvals' tests), so only outsiders are refused here.
    "/decisions/": Route(STAFF_ONLY),
    "/decisions/{approval}/": Route(STAFF_ONLY),
    "/decisions/{approval}/decide/": Route(
        POST_ONLY,
        post={"outcome": "approve", "version": "1", "comment": "Fine"},
        refused={"outsider": MISSING},
    ),
    "/decisions/{approval}/withdraw/": Route(POST_ONLY, post={}, refused={"outsider": MISSING}),
    "/decisions/{approval}/override/": Route(
        POST_ONLY, post={"reason": "Urgent"}, refused={"outsider": MISSING}
    ),
    # --- API tokens, and the API's own pages ---------------------------------------------
    "/settings/tokens/": Route(EVERYONE),
    "/settings/tokens/{token}/revoke/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "marketer"}
    ),
    "/settings/tokens/capture/": Route(POST_ONLY, post={"key": "{token_key}"}, refused=NOT_ADMIN),
    "/settings/tokens/{token}/capture/withdraw/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "admin"}
    ),
    "/api/v1/docs": Route(EVERYONE),
    "/api/v1/openapi.json": Route(EVERYONE, anonymous=401),  # as the API answers
    "/api/v1/": Route({"*": MISSING}, anonymous=MISSING),
}


# --- The walk ------------------------------------------------------------------------------
def walk(patterns=None, prefix=""):
    """(route, pattern) for every pattern in the URLconf, included ones too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), pattern


SAMPLE_IDS = {
    key: "1"
    for key in (
        "marketing",
        "sales",
        "marketer",
        "sales_rep_id",
        "sales_head_id",
        "membership",
        "notification",
        "job",
        "saved_view",
        "account",
        "contact",
        "deal",
        "task",
        "campaign",
        "lead",
        "nurtured",
        "proposal",
        "approval",
        "token",
    )
} | {"reset_uid": "MQ", "form_key": "abc", "token_key": "x"}


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
    from tandem.campaigns.services import create_campaign
    from tandem.core import saved_views
    from tandem.core.models import Job
    from tandem.crm import services as crm
    from tandem.factories.campaigns import TouchpointFactory
    from tandem.factories.handoff import LeadFactory
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
    return {
        "marketing": org.marketing.pk,
        "sales": org.sales.pk,
        "marketer": org.marketer.pk,
        "sales_rep_id": org.sales_rep.pk,
        "sales_head_id": org.sales_head.pk,
        "membership": org.marketer.memberships.get().pk,
        "notification": notification.pk,
        "job": job.pk,
        "saved_view": saved_view.pk,
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
