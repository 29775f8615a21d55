"""The customer record in the search box (``core.search``): contacts by name, e-mail or
phone, accounts by name or domain, opportunities by name; each the first few in index
order (``first_matches`` in ``crm.querysets``), within what the searcher may see."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from tandem.core.search import Hit, SearchSource
from tandem.crm.models import Account, Contact, Opportunity


def _joined(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def contact_hits(user: Any, text: str, limit: int) -> list[Hit]:
    found = Contact.objects.visible_to(user).select_related("account").first_matches(text, limit)
    return [
        Hit(
            str(c),
            reverse("crm:contact", args=[c.pk]),
            _joined(c.email, c.phone, c.account.name if c.account_id else ""),
        )
        for c in found
    ]


def account_hits(user: Any, text: str, limit: int) -> list[Hit]:
    found = Account.objects.visible_to(user).first_matches(text, limit)
    return [
        Hit(a.name, reverse("crm:account", args=[a.pk]), _joined(a.domain, a.region)) for a in found
    ]


def opportunity_hits(user: Any, text: str, limit: int) -> list[Hit]:
    found = (
        Opportunity.objects.visible_to(user).select_related("account").first_matches(text, limit)
    )
    return [
        Hit(
            o.name,
            reverse("crm:opportunity", args=[o.pk]),
            _joined(o.account.name, o.get_stage_display(), f"{o.amount:,.2f} {o.currency}"),
        )
        for o in found
    ]


def _list(url_name: str) -> Any:
    return lambda text: f"{reverse(url_name)}?{urlencode({'q': text})}"


SOURCES = (
    SearchSource("contacts", "Contacts", 10, contact_hits, _list("crm:contacts")),
    SearchSource("accounts", "Accounts", 20, account_hits, _list("crm:accounts")),
    SearchSource("opportunities", "Opportunities", 30, opportunity_hits),
)
