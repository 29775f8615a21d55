"""Writes to the customer record. Each checks permission, validates (naming the field at
fault), and records history and a domain event."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core.dates import check_date, check_datetime
from tandem.core.errors import DomainError, invalid
from tandem.core.money import parse_amount
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.services import record_event
from tandem.crm.errors import CrmError
from tandem.crm.models import Account, Activity, Contact, Opportunity
from tandem.crm.normalise import (
    NotADomain,
    NotAPhoneNumber,
    normalise_domain,
    normalise_email,
    normalise_phone,
)
from tandem.crm.opportunity_services import apply_stage, check_currency
from tandem.crm.opportunity_services import update_opportunity as update_opportunity
from tandem.people.models import User


def _text(value: str | None, field: str, limit: int, *, required: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise invalid(field, required)
    if len(text) > limit:
        raise invalid(field, f"At most {limit} characters, please ({len(text)} given).")
    return text


def _owner_and_team(actor: User, owner: User | None) -> tuple[User, int | None]:
    """The record's owner (the actor unless given) and the id of the owner's team."""
    owner = owner or actor
    if not owner.is_active:
        raise invalid("owner", "This person's account is closed; choose someone else.")
    return owner, owner.home_team_id()


def _unique(exists: bool, code: CrmError, field: str, message: str) -> None:
    if exists:
        raise DomainError(code, message, field=field)


def _domain(value: str | None) -> str:
    try:
        return normalise_domain(_text(value, "domain", 253))
    except NotADomain as problem:
        raise invalid("domain", f"{problem}; give it as acme.co.uk or a web address.") from None


# --- Accounts ------------------------------------------------------------------------------
def create_account(
    *,
    actor: User,
    name: str,
    domain: str = "",
    industry: str = "",
    segment: str = "",
    region: str = "",
    owner: User | None = None,
) -> Account:
    """An account (company). One account per web domain, compared normalised."""
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    owner, team = _owner_and_team(actor, owner)
    account = Account(
        name=_text(name, "name", 200, required="Enter the company's name."),
        domain=_domain(domain),
        industry=_text(industry, "industry", 100),
        segment=_text(segment, "segment", 100),
        region=_text(region, "region", 100),
        owner=owner,
        team_id=team,
    )
    _unique(
        bool(account.domain) and Account.objects.with_domains([account.domain]).exists(),
        CrmError.DUPLICATE_DOMAIN,
        "domain",
        f"An account already has the domain {account.domain}.",
    )
    try:
        with transaction.atomic():
            account.save()
            record_event("account.created", subject=account)
    except IntegrityError:
        raise DomainError(
            CrmError.DUPLICATE_DOMAIN,
            f"An account already has the domain {account.domain}.",
            field="domain",
        ) from None
    return account


def update_account(*, actor: User, account: Account, **changes: Any) -> Account:
    require(actor, Action.CHANGE, account)
    fields = {"name": 200, "industry": 100, "segment": 100, "region": 100}
    for field, limit in fields.items():
        if field in changes:
            setattr(
                account,
                field,
                _text(
                    changes[field],
                    field,
                    limit,
                    required="Enter the company's name." if field == "name" else "",
                ),
            )
    if "domain" in changes:
        account.domain = _domain(changes["domain"])
        _unique(
            bool(account.domain)
            and Account.objects.with_domains([account.domain]).exclude(pk=account.pk).exists(),
            CrmError.DUPLICATE_DOMAIN,
            "domain",
            f"An account already has the domain {account.domain}.",
        )
    with transaction.atomic():
        account.save()
        record_event("account.updated", subject=account)
    return account


# --- Contacts ------------------------------------------------------------------------------
def _clean_email(email: str) -> str:
    email = normalise_email(email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise invalid("email", f"{email[:80]!r} is not a valid e-mail address.") from None
    return email


def _phone(value: str | None) -> tuple[str, str]:
    """(the number as written, its E.164 spelling); a number that cannot be read is
    refused, naming the phone field."""
    written = _text(value, "phone", 40)
    try:
        return written, normalise_phone(written)
    except NotAPhoneNumber as problem:
        raise DomainError(
            CrmError.INVALID_PHONE,
            f"{problem}; write it as 07700 900123 or +44 7700 900123.",
            field="phone",
        ) from None


def create_contact(
    *,
    actor: User,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    job_title: str = "",
    account: Account | None = None,
    owner: User | None = None,
) -> Contact:
    """A person. Needs a name or an e-mail; one contact per e-mail address; a phone
    number must be one (kept as written, compared in E.164)."""
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    owner, team = _owner_and_team(actor, owner)
    phone, phone_e164 = _phone(phone)
    contact = Contact(
        first_name=_text(first_name, "first_name", 100),
        last_name=_text(last_name, "last_name", 100),
        email=_clean_email(email),
        phone=phone,
        phone_e164=phone_e164,
        job_title=_text(job_title, "job_title", 120),
        account=account,
        owner=owner,
        team_id=team,
    )
    if not (contact.first_name or contact.last_name or contact.email):
        raise invalid("last_name", "Give the contact a name or an e-mail address.")
    duplicate = f"A contact already has the e-mail {contact.email}."
    _unique(
        bool(contact.email) and Contact.objects.with_emails([contact.email]).exists(),
        CrmError.DUPLICATE_EMAIL,
        "email",
        duplicate,
    )
    try:
        with transaction.atomic():
            contact.save()
            record_event("contact.created", subject=contact)
    except IntegrityError:
        raise DomainError(CrmError.DUPLICATE_EMAIL, duplicate, field="email") from None
    return contact


def update_contact(*, actor: User, contact: Contact, **changes: Any) -> Contact:
    require(actor, Action.CHANGE, contact)
    limits = {"first_name": 100, "last_name": 100, "job_title": 120}
    for field, limit in limits.items():
        if field in changes:
            setattr(contact, field, _text(changes[field], field, limit))
    if "phone" in changes:
        contact.phone, contact.phone_e164 = _phone(changes["phone"])
    if "email" in changes:
        contact.email = _clean_email(changes["email"])
        _unique(
            bool(contact.email)
            and Contact.objects.with_emails([contact.email]).exclude(pk=contact.pk).exists(),
            CrmError.DUPLICATE_EMAIL,
            "email",
            f"A contact already has the e-mail {contact.email}.",
        )
    if "account" in changes:
        contact.account = changes["account"]
    if not (contact.first_name or contact.last_name or contact.email):
        raise invalid("last_name", "Give the contact a name or an e-mail address.")
    with transaction.atomic():
        contact.save()
        record_event("contact.updated", subject=contact)
    return contact


# --- Opportunities -------------------------------------------------------------------------
def _money(amount: Any, currency: str) -> tuple[Decimal, str]:
    return parse_amount(amount, "amount"), check_currency(currency)


def create_opportunity(
    *,
    actor: User,
    name: str,
    account: Account,
    amount: Any = "0",
    currency: str = "GBP",
    close_date: date | None = None,
    contact: Contact | None = None,
    owner: User | None = None,
) -> Opportunity:
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    owner, team = _owner_and_team(actor, owner)
    value, currency = _money(amount, currency)
    if contact is not None and contact.account_id not in (None, account.pk):
        raise invalid("contact", f"{contact} works for another account.")
    with transaction.atomic():
        opportunity = Opportunity.objects.create(
            name=_text(name, "name", 200, required="Name the opportunity."),
            account=account,
            contact=contact,
            amount=value,
            currency=currency,
            close_date=None if close_date is None else check_date(close_date, "close_date"),
            owner=owner,
            team_id=team,
        )
        record_event(
            "opportunity.created",
            subject=opportunity,
            data={"amount": str(value), "currency": currency},
        )
    return opportunity


def move_opportunity(
    *, actor: User, opportunity: Opportunity, stage: str, reason: str = ""
) -> Opportunity:
    """Change the stage (the stage form, the pipeline board, the API). Closing as won or
    lost records when and why, and dates the deal to that day; lost needs a reason
    (``opportunity_services.apply_stage``)."""
    require(actor, Action.CHANGE, opportunity)
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        old = apply_stage(locked, stage, reason)
        locked.save(
            update_fields=["stage", "closed_at", "outcome_reason", "close_date", "updated_at"]
        )
        if old is not None:
            record_event(
                "opportunity.stage_changed", subject=locked, data={"from": old, "to": stage}
            )
    return locked


# --- Activities ----------------------------------------------------------------------------
def log_activity(
    *,
    actor: User,
    kind: str,
    subject: str,
    body: str = "",
    contact: Contact | None = None,
    account: Account | None = None,
    opportunity: Opportunity | None = None,
    occurred_at: datetime | None = None,
    due_at: datetime | None = None,
) -> Activity:
    """A call, e-mail, meeting, note, task or branch visit on a contact, account or
    opportunity, owned by the actor in their team."""
    require(actor, Action.CREATE_RECORD, ORGANISATION)
    if kind not in Activity.Kind.values:
        raise invalid("kind", "Choose call, e-mail, meeting, note, task or branch visit.")
    if contact is None and account is None and opportunity is None:
        raise invalid("contact", "Say which contact, account or opportunity this is about.")
    if kind == Activity.Kind.TASK and due_at is None:
        raise invalid("due_at", "A task needs a due date.")
    occurred_at = (
        timezone.now() if occurred_at is None else check_datetime(occurred_at, "occurred_at")
    )
    due_at = None if due_at is None else check_datetime(due_at, "due_at")
    account = (
        account
        or (contact.account if contact else None)
        or (opportunity.account if opportunity else None)
    )
    owner, team = _owner_and_team(actor, None)
    with transaction.atomic():
        activity = Activity.objects.create(
            kind=kind,
            subject=_text(subject, "subject", 200, required="Give it a subject."),
            body=_text(body, "body", 10000),
            contact=contact,
            account=account,
            opportunity=opportunity,
            occurred_at=occurred_at,
            due_at=due_at,
            owner=owner,
            team_id=team,
        )
        record_event("activity.logged", subject=activity, data={"kind": kind})
    return activity


def add_activity_note(*, actor: User, activity: Activity, note: str) -> Activity:
    """Notes written after the fact on an activity (a call or branch visit logged in one
    click, then described): added below what it already says, never replacing it."""
    require(actor, Action.CHANGE, activity)
    note = _text(note, "note", 10000, required="Write the note first.")
    body = f"{activity.body}\n\n{note}" if activity.body else note
    if len(body) > 10000:
        raise invalid("note", "The activity's notes would pass 10,000 characters.")
    with transaction.atomic():
        activity.body = body
        activity.save(update_fields=["body", "updated_at"])
        record_event("activity.note_added", subject=activity)
    return activity


def complete_task(*, actor: User, activity: Activity) -> Activity:
    require(actor, Action.CHANGE, activity)
    if activity.kind != Activity.Kind.TASK:
        raise invalid("kind", "Only tasks are completed.")
    if activity.done_at is None:
        with transaction.atomic():
            activity.done_at = timezone.now()
            activity.save(update_fields=["done_at", "updated_at"])
            record_event("activity.task_done", subject=activity)
    return activity


# --- Consent and erasure -------------------------------------------------------------------
def set_consent(*, actor: User, contact: Contact, consent: bool | None, source: str) -> Contact:
    """Record whether the person agreed to marketing, where they said so, and when.
    Consent the person withdrew comes back only when they confirm (``crm.consent``)."""
    require(actor, Action.CHANGE, contact)
    source = _text(
        source, "consent_source", 200, required="Say where the person gave or withdrew consent."
    )
    if consent is not False and contact.marketing_consent is False:
        raise DomainError(
            CrmError.CONSENT_WITHDRAWN,
            f"{contact} withdrew consent ({contact.consent_source}); only they can give it "
            "back. E-mail them an opt-in link: consent returns when they confirm.",
            field="consent",
        )
    with transaction.atomic():
        contact.marketing_consent = consent
        contact.consent_source = source
        contact.consent_at = timezone.now()
        contact.save(
            update_fields=["marketing_consent", "consent_source", "consent_at", "updated_at"]
        )
        record_event("contact.consent_changed", subject=contact, data={"consent": consent})
    return contact


ERASED = "[erased]"


def erase_contact(*, actor: User, contact: Contact) -> Contact:
    """Remove a person's personal data everywhere (GDPR right to erasure).

    Kept, so aggregates still add up: the contact row (anonymous), its activities'
    kinds and times, its touchpoints' campaigns, channels and times, campaign
    memberships. Removed: names, e-mail, phone, job, consent details, activity notes,
    visitor ids, comments on the contact, notification texts about it, what sales wrote
    about them in the hand-off, and every field-history row that held the old values.
    The erasure itself is an audit event.
    """
    from tandem.core.records import record_url
    from tandem.crm.erasure import erase_elsewhere
    from tandem.notifications.models import Comment, Notification

    require(actor, Action.ERASE, contact)
    if contact.erased_at:
        return contact
    url = record_url(contact)
    with transaction.atomic():
        for name in (
            *("first_name", "last_name", "email", "phone", "phone_e164", "job_title"),
            "consent_source",
            "import_key",  # a hash of the imported row: personal data too
        ):
            setattr(contact, name, "")
        contact.marketing_consent = None
        contact.consent_at = None
        contact.erased_at = timezone.now()
        contact.save()
        activities = Activity.objects.filter(contact=contact)
        Activity.history.filter(id__in=activities.values("id")).delete()
        activities.update(subject=ERASED, body="")
        comments = Comment.objects.on(contact)
        Comment.history.filter(id__in=comments.values("id")).delete()
        for comment in comments:
            comment.mentions.clear()
        comments.update(body=ERASED)
        if url:
            Notification.objects.filter(url=url).update(text=f"{ERASED} (a contact was erased)")
        # What the apps above crm hold about them: touch visitor ids, the lead's notes.
        erase_elsewhere(contact.pk, f"{ERASED} (a contact was erased)")
        contact.history.all().delete()  # including the row the save above just wrote
        record_event("contact.erased", subject=contact)
    return contact


# --- A web form's contact (campaigns' capture; crm writes contacts) ----------------------
def contact_from_form(*, email: str, names: dict[str, str]) -> tuple[Contact, bool]:
    """The contact a web form names (``email`` already normalised), locked until the
    caller's transaction ends: created with ``names``, or an existing one's empty names
    filled in (what sales typed is never overwritten by a form). Returns (contact,
    created). Call inside a transaction."""
    contact, created = (
        Contact.objects.with_emails([email])
        .select_for_update()
        .get_or_create(email=email, defaults=names)
    )
    if not created:
        changed = [k for k, v in names.items() if v and not getattr(contact, k)]
        for k in changed:
            setattr(contact, k, names[k])
        if changed:
            contact.save(update_fields=[*changed, "updated_at"])
    return contact, created
