"""Every page and partial, for every persona: the status each one gets.

One table, so adding a route means deciding here who may see it.
"""

from datetime import date

import pytest
from django.apps import apps

from tandem.campaigns.services import create_campaign
from tandem.conftest import PERSONA_NAMES
from tandem.core.models import Job
from tandem.core.records import registered_labels
from tandem.crm import services

ANON_REDIRECT = 302
OK, FORBIDDEN, MISSING = 200, 403, 404

PERSONAS = list(PERSONA_NAMES)

# route -> expected status per persona (same order as PERSONAS); "*" = all the same.
ROUTES = {
    "/": {"*": OK},
    "/profile/": {"*": OK},
    "/notifications/": {"*": OK},
    "/settings/tokens/": {"*": OK},
    "/api/v1/docs": {"*": OK},
    "/teams/": {"*": OK},
    "/people/": {"*": OK},
    "/teams/{marketing}/": {"outsider": MISSING, "*": OK},
    "/people/{marketer}/": {"outsider": MISSING, "*": OK},
    "/records/people.team/{marketing}/history/": {"outsider": MISSING, "*": OK},
    "/records/people.team/{marketing}/comments/": {"outsider": MISSING, "*": OK},
    "/records/people.user/{marketer}/history/": {"outsider": MISSING, "*": OK},
    "/people/new/": {"admin": OK, "*": FORBIDDEN},
    "/audit/": {"admin": OK, "*": FORBIDDEN},
    "/decisions/": {"outsider": MISSING, "*": OK},
    "/jobs/{job}/": {"marketer": OK, "admin": OK, "*": MISSING},
    "/accounts/": {"outsider": FORBIDDEN, "*": OK},
    "/contacts/": {"outsider": FORBIDDEN, "*": OK},
    "/opportunities/": {"outsider": FORBIDDEN, "*": OK},
    "/accounts/new/": {"outsider": FORBIDDEN, "*": OK},
    "/accounts/{account}/": {"outsider": MISSING, "*": OK},
    "/contacts/{contact}/": {"outsider": MISSING, "*": OK},
    "/opportunities/{deal}/": {"outsider": MISSING, "*": OK},
    "/records/crm.account/{account}/history/": {"outsider": MISSING, "*": OK},
    "/records/crm.contact/{contact}/comments/": {"outsider": MISSING, "*": OK},
    "/contacts/import/": {"outsider": FORBIDDEN, "*": OK},
    "/contacts/export.csv": {"outsider": FORBIDDEN, "*": OK},
    "/accounts/export.xlsx": {"outsider": FORBIDDEN, "*": OK},
    "/opportunities/export.csv": {"outsider": FORBIDDEN, "*": OK},
    "/campaigns/export.xlsx": {"outsider": FORBIDDEN, "*": OK},
    "/campaigns/": {"outsider": FORBIDDEN, "*": OK},
    "/campaigns/new/": {"outsider": FORBIDDEN, "*": OK},
    # Capturing touches is marketing's (and administrators'): they move scores.
    "/campaigns/touchpoints/import/": {
        "marketer": OK,
        "marketing_head": OK,
        "admin": OK,
        "*": FORBIDDEN,
    },
    "/campaigns/{campaign}/": {"outsider": MISSING, "*": OK},
    "/records/campaigns.campaign/{campaign}/comments/": {"outsider": MISSING, "*": OK},
    "/teams/999999/": {"*": MISSING},
    "/people/999999/": {"*": MISSING},
    "/jobs/999999/": {"*": MISSING},
}


def _expected(rule, persona):
    return rule.get(persona, rule["*"])


@pytest.fixture
def ids(org):
    job = Job.objects.create(owner=org.marketer, kind="core.audit_export", title="Export")
    account = services.create_account(actor=org.sales_rep, name="Acme")
    contact = services.create_contact(actor=org.sales_rep, first_name="Jane", account=account)
    deal = services.create_opportunity(actor=org.sales_rep, name="Deal", account=account)
    campaign = create_campaign(
        actor=org.marketer,
        name="Spring",
        type="email",
        channel="email",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
    )
    return {
        "marketing": org.marketing.pk,
        "marketer": org.marketer.pk,
        "job": job.pk,
        "account": account.pk,
        "contact": contact.pk,
        "deal": deal.pk,
        "campaign": campaign.pk,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_each_persona_as_the_table_says(client, org, ids, persona):
    client.force_login(getattr(org, persona))
    wrong = {}
    for route, rule in ROUTES.items():
        url = route.format(**ids)
        status = client.get(url).status_code
        if status != _expected(rule, persona):
            wrong[url] = status
    assert wrong == {}


def test_anonymous_visitors_are_sent_to_log_in(client, ids):
    for route in ROUTES:
        response = client.get(route.format(**ids))
        assert response.status_code == ANON_REDIRECT, route
        assert response["Location"].startswith("/login/?next="), route


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
