"""The shared customer record: accounts, contacts, opportunities and activities.

Each record has an owner and a team. Everyone who works here can read the whole record
(one record both teams trust); the owner, the team's members and heads, and
administrators change it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from tandem.core.audit import field_history
from tandem.crm.querysets import (
    AccountQuerySet,
    ActivityQuerySet,
    ContactQuerySet,
    OpportunityQuerySet,
)


class OwnedByTeam(models.Model):
    """Owner and team of a customer record, and what permissions read from them.

    Owner and team get no single-column index: every subclass indexes (owner, ...) and
    (team, ...) for its lists, which serves those lookups too, and each index is one
    more write on every insert of a bulk import or ingest."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def permission_owner_id(self) -> int | None:
        return self.owner_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.team_id,) if self.team_id else ()


class Account(OwnedByTeam):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, blank=True, help_text="e.g. acme.co.uk")
    industry = models.CharField(max_length=100, blank=True)
    segment = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)

    objects = AccountQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="one_account_per_domain"
            )
        ]
        indexes = [
            models.Index(fields=["name"]),
            # AccountQuerySet.search and first_matches (which reads it in its order: the
            # row id follows each entry on SQLite, and ties of one name are few).
            models.Index(Lower("name"), name="account_name_search"),
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["team", "name"]),
            models.Index(fields=["region"]),
            models.Index(fields=["segment"]),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(OwnedByTeam):
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField("e-mail", max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)  # as written, for display
    # The same number in E.164 ("+447700900123"), which every write fills
    # (crm.normalise.normalise_phone) and search compares; blank without a phone.
    phone_e164 = models.CharField(
        "phone (E.164)", max_length=16, blank=True, default="", db_default="", editable=False
    )
    job_title = models.CharField(max_length=120, blank=True)
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        db_index=False,  # (account, last_name) below serves it
    )
    # GDPR: whether this person agreed to marketing, where and when they said so.
    marketing_consent = models.BooleanField(null=True, blank=True)
    consent_source = models.CharField(max_length=200, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # A contact imported without an e-mail: a hash of the row it came from
    # (crm.imports.row_key), so running the file again, or resuming it, adds it once.
    # db_default: set-wise inserts (core.bulk, the demo loader) that leave it out.
    import_key = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )

    objects = ContactQuerySet.as_manager()
    history = field_history(excluded_fields=["phone_e164"])  # the phone's history has it

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="one_contact_per_email"
            ),
            models.UniqueConstraint(
                fields=["import_key"],
                condition=~Q(import_key=""),
                name="one_contact_per_import_key",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"]),  # the list's order
            # Search by word prefix (ContactQuerySet.search); e-mail uses the unique index.
            # Each name leads one index and the other follows, so a search box's "tom fle"
            # (or "fletcher t") is one range read in index order (crm.querysets
            # .contact_shapes), with no table row read to test the second word.
            models.Index(
                Lower("first_name"), Lower("last_name"), "id", name="contact_first_last_search"
            ),
            models.Index(
                Lower("last_name"), Lower("first_name"), "id", name="contact_last_first_search"
            ),
            # Search by phone in any spelling (ContactQuerySet.search_phone): a range on
            # the E.164 prefix, in this order; partial, as many contacts have none.
            models.Index(
                fields=["phone_e164", "id"],
                condition=~Q(phone_e164=""),
                name="contact_phone_search",
            ),
            models.Index(fields=["account", "last_name"]),
            models.Index(fields=["owner", "last_name"]),
            models.Index(fields=["team", "last_name"]),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return f"Erased contact #{self.pk}"
        return self.full_name or self.email or f"Contact {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Opportunity(OwnedByTeam):
    class Stage(models.TextChoices):
        QUALIFICATION = "qualification", "Qualification"
        PROPOSAL = "proposal", "Proposal"
        NEGOTIATION = "negotiation", "Negotiation"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    name = models.CharField(max_length=200)
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="opportunities",
        db_index=False,  # (account, stage) below serves it
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.QUALIFICATION)
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, default="GBP")
    close_date = models.DateField(null=True, blank=True)
    outcome_reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was won or lost."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # An imported deal: a hash of its source system's id, or of its row when the file has
    # none (crm.opportunity_imports.row_key), so running the file again adds it once.
    import_key = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )

    objects = OpportunityQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["close_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="opportunity_amount_not_negative"
            ),
            models.UniqueConstraint(
                fields=["import_key"],
                condition=~Q(import_key=""),
                name="one_opportunity_per_import_key",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "close_date"]),
            models.Index(fields=["account", "stage"]),
            models.Index(fields=["owner", "stage"]),
            models.Index(fields=["team", "stage"]),
            # Attribution's conversions: opportunities created (pipeline) or won
            # (revenue) in a period.
            models.Index(fields=["stage", "closed_at"]),
            # The list's sorts (opportunity_views.OPPORTUNITY_SORTS), read in index order
            # instead of sorting every opportunity for each page; on PostgreSQL "newest
            # first" sorted them all with created_at alone in the index (figures in
            # bench/README.md). That one also serves attribution's pipeline periods.
            models.Index(fields=["created_at", "id"], name="opportunity_created_sort_idx"),
            models.Index(fields=["close_date", "id"], name="opportunity_close_sort_idx"),
            models.Index(fields=["-amount", "id"], name="opportunity_amount_sort_idx"),
            # OpportunityQuerySet.first_matches: a name's prefix, in this order.
            models.Index(Lower("name"), name="opportunity_name_search"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in (self.Stage.WON, self.Stage.LOST)


class Activity(OwnedByTeam):
    """Something staff did with a customer: a call, e-mail, meeting, note, a task with a
    due date, or serving them in a branch. (A marketing touch is a ``Touchpoint``:
    campaigns' "branch_visit" touch is the customer coming in answer to a campaign; an
    ``IN_BRANCH`` activity is a colleague at the branch serving them.)"""

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting"
        NOTE = "note", "Note"
        TASK = "task", "Task"
        IN_BRANCH = "in_branch", "Served in branch"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=10000)
    occurred_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # No single-column indexes: the (x, occurred_at) indexes below serve these lookups.
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        db_index=False,
    )
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        db_index=False,
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        db_index=False,
    )

    objects = ActivityQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["contact", "occurred_at"]),
            models.Index(fields=["account", "occurred_at"]),
            models.Index(fields=["opportunity", "occurred_at"]),
            models.Index(fields=["owner", "kind", "done_at"]),
            models.Index(fields=["team", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return self.subject
