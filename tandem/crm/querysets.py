"""Named reads of the customer record. Everyone who works here sees the shared record;
``visible_to`` mirrors the "view" rows of the permission table."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.core.permissions import is_staff


class CustomerQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.all() if is_staff(user) else self.none()

    def owned_by(self, user_id: int) -> Any:
        return self.filter(owner_id=user_id)

    def of_team(self, team_id: int) -> Any:
        return self.filter(team_id=team_id)


class AccountQuerySet(CustomerQuerySet):
    def with_domains(self, domains: Any) -> AccountQuerySet:
        """Accounts with these normalised domains. Saying "domain <> ''" as well lets both
        databases use the partial unique index (one account per domain) for the lookup."""
        return self.filter(domain__in=domains).exclude(domain="")

    def search(self, text: str) -> AccountQuerySet:
        text = text.strip()[:100]
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(domain__icontains=text.lower()))


class ContactQuerySet(CustomerQuerySet):
    def with_emails(self, emails: Any) -> ContactQuerySet:
        """Contacts with these normalised e-mails, through the partial unique index (see
        ``AccountQuerySet.with_domains``)."""
        return self.filter(email__in=emails).exclude(email="")

    def list_filters(self, params: Any, user: Any) -> ContactQuerySet:
        """The contact list's filters (q, account, mine) from a query string; the list,
        its exports and "target this list" in a campaign all read them here."""
        found = self.search(str(params.get("q", "")))
        account = str(params.get("account", ""))
        if account.isdigit() and len(account) < 19:
            found = found.filter(account_id=int(account))
        if params.get("mine") == "1":
            found = found.owned_by(user.pk)
        return found

    def search(self, text: str) -> ContactQuerySet:
        text = text.strip()[:100]
        if not text:
            return self
        return self.filter(
            Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text.lower())
        )


class OpportunityQuerySet(CustomerQuerySet):
    def open(self) -> OpportunityQuerySet:
        return self.exclude(stage__in=["won", "lost"])


class ActivityQuerySet(CustomerQuerySet):
    """Timelines read activities together with touches: see tandem.crm.timeline."""
