"""Referrals: a colleague (the front line, in a branch or on the phone) sends a customer
to sales, from the customer's contact page or as a new walk-in or caller.

A referral becomes a lead through the same hand-off as an MQL (``routing.hand_off``
with ``ByHand``): the same routing (the customer's sales owner if free, else a fair
turn), the same SLA clocks, an urgent referral in the SLA's fastest tier. Its source is
where the referrer meets customers (their front-line team's desk: branch or call
centre; a colleague in no front-line team makes a "colleague referral"). A customer
already with sales is not referred twice. What sales then does with the lead is
recorded on the referral, and told to the referrer, by ``referral_outcomes``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from tandem.core.errors import DomainError, invalid
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.services import record_event
from tandem.core.validation import required_text
from tandem.crm import services as crm
from tandem.crm.consent import consent_in_person
from tandem.crm.models import Account, Contact
from tandem.crm.normalise import is_email, normalise_email
from tandem.handoff.errors import HandoffError
from tandem.handoff.models import OPEN_STAGES, Lead, Referral, ReferralSource, Stage
from tandem.handoff.models.leads import source_label
from tandem.handoff.routing import ByHand, hand_off
from tandem.handoff.scoring_runs import ensure_leads, score_contacts, scoring_in_force
from tandem.people.models import Team, User

MAX_INTEREST = 200
MAX_NOTE = 2000


@dataclass
class Referred:
    """What a referral did: the referral (and its lead), whether a new customer's
    e-mail was already a contact's, and what became of what they said about
    marketing ("recorded", "unchanged", "opt_in_sent", "opt_in_waiting"; "" not asked)."""

    referral: Referral
    contact_existed: bool = False
    consent: str = ""


def referral_source(actor: User) -> tuple[str, int | None, str]:
    """Where the referrer meets customers: (the lead's source, the referral's team, the
    team's name). Their first front-line team's desk (a branch unless it is a call
    centre); someone in no front-line team refers as a colleague, for their first team."""
    front_line = sorted(
        t for t, f in actor.team_functions().items() if f == Team.Function.FRONT_LINE
    )
    if front_line:
        team = Team.objects.only("name", "function", "desk").get(pk=front_line[0])
        return team.front_line_desk, team.pk, team.name
    home = actor.home_team_id()
    name = Team.objects.filter(pk=home).values_list("name", flat=True).first() if home else None
    return ReferralSource.COLLEAGUE, home, name or ""


def refusal_for(lead: Lead) -> DomainError | None:
    """Why this lead cannot be referred now, if it cannot: it is with sales already
    (handed over or accepted), or sales qualified it (a deal) or it is a customer. The
    error carries the lead's id, so pages link it."""
    contact = lead.contact
    if lead.stage in OPEN_STAGES:
        who = lead.rep or "the sales team"
        waiting = "to accept it" if lead.stage == Stage.MQL else "working it"
        return DomainError(
            HandoffError.ALREADY_WITH_SALES,
            f"{contact} is already with sales: {who} has their lead ({waiting}). Add what "
            "you learnt as a comment on the lead instead.",
            lead_id=lead.pk,
        )
    if lead.stage in (Stage.SQL, Stage.CUSTOMER):
        said = "a customer" if lead.stage == Stage.CUSTOMER else "in a deal with sales"
        return DomainError(
            HandoffError.ALREADY_IN_A_DEAL,
            f"{contact} is already {said}"
            + (f" ({lead.rep} has it)" if lead.rep_id else "")
            + ". Add what you learnt as a comment on the lead instead.",
            lead_id=lead.pk,
        )
    return None


def _checked(interest: str, note: str, urgency: str) -> tuple[str, str]:
    interest = required_text(
        interest,
        "interest",
        MAX_INTEREST,
        message=f"Say what they would like from sales (at most {MAX_INTEREST} characters).",
    )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise invalid("note", f"At most {MAX_NOTE} characters, please ({len(note)} given).")
    if urgency not in Referral.Urgency.values:
        raise invalid("urgency", "Choose normal or urgent.")
    return interest, note


def refer_contact(
    *,
    actor: User,
    contact: Contact,
    interest: str,
    note: str = "",
    urgency: str = Referral.Urgency.NORMAL,
    consent: bool | None = None,
) -> Referred:
    """Refer a known customer to sales: a lead (made now if they have none), scored if
    scoring is in force, handed over as an MQL (``hand_off`` with ``ByHand``) and
    recorded with who referred them, what they want, the note and the urgency. What
    they said about marketing is recorded as said in person (``consent_in_person``).
    Refused, naming the lead, for a customer with sales already (``refusal_for``):
    the lead's row is locked while it is read and handed over, so two colleagues
    referring the same customer at once make one referral."""
    require(actor, Action.REFER, ORGANISATION)
    interest, note = _checked(interest, note, urgency)
    if contact.erased_at:
        raise invalid("contact", "This person's data was erased: refer them as a new customer.")
    source, team_id, team_name = referral_source(actor)
    urgent = urgency == Referral.Urgency.URGENT
    now = timezone.now()
    with transaction.atomic():
        ensure_leads(Contact.objects.filter(pk=contact.pk), now)
        lead = Lead.objects.select_for_update().get(pk=contact.pk)
        lead.contact = contact
        refused = refusal_for(lead)
        if refused is not None:
            raise refused
        rules = scoring_in_force()
        if rules is not None:  # the rep sees why the person scores what they do
            score_contacts(rules, now, {"in": [contact.pk]})
        where = team_name or source_label(source)
        by = ByHand(
            actor=actor,
            source=source,
            why=f"Referred by {actor} ({where}){', urgent' if urgent else ''}"[:300],
            named=f"{contact}, referred by {actor} ({where}){', urgent' if urgent else ''}",
            top_tier=urgent,
        )
        if not hand_off([lead.pk], now=now, by=by):  # the lock makes this a can't-happen
            raise DomainError(HandoffError.ALREADY_WITH_SALES, f"{contact} is with sales now.")
        lead.refresh_from_db()
        lead.contact = contact
        referral = Referral.objects.create(
            lead=lead,
            referrer=actor,
            team_id=team_id,
            source=source,
            interest=interest,
            note=note,
            urgency=urgency,
            created_at=now,
        )
        said = ""
        if consent is not None:
            told = f"{source_label(source).lower()}, told {actor}"
            said = consent_in_person(actor=actor, contact=contact, consent=consent, source=told)
        record_event(
            "lead.referred",
            subject=contact,
            data={"referral": referral.pk, "source": source, "urgency": urgency},
        )
    return Referred(referral, consent=said)


def _account_named(actor: User, company: str) -> Account | None:
    """The account of a company named by a walk-in: one with that name (any case), else
    a new one; none when no company was given."""
    name = (company or "").strip()
    if not name:
        return None
    found = (
        Account.objects.alias(lowered=Lower("name"))  # the name's expression index
        .filter(lowered=name.lower())
        .order_by("id")
        .first()
    )
    return found or crm.create_account(actor=actor, name=name)


def refer_new_customer(
    *,
    actor: User,
    interest: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    company: str = "",
    note: str = "",
    urgency: str = Referral.Urgency.NORMAL,
    consent: bool | None = None,
) -> Referred:
    """Refer a walk-in or a caller: a name, and an e-mail or a phone number (a company
    if they gave one). A contact who has their e-mail already is the one referred (one
    contact per e-mail, as everywhere): their record is not changed. Otherwise a new
    contact, owned by the referrer, is made first, in the same transaction, so a
    refused referral leaves no contact behind."""
    require(actor, Action.REFER, ORGANISATION)
    _checked(interest, note, urgency)
    email = normalise_email(email)
    if email and not is_email(email):
        raise invalid("email", f"{email[:80]!r} is not a valid e-mail address.")
    if not (first_name or "").strip() and not (last_name or "").strip():
        raise invalid("last_name", "Give the customer's name.")
    if not email and not (phone or "").strip():
        raise invalid("email", "Give an e-mail address or a phone number, so sales can reach them.")
    with transaction.atomic():
        existing = (
            Contact.objects.with_emails([email]).filter(erased_at__isnull=True).first()
            if email
            else None
        )
        contact = existing or crm.create_contact(
            actor=actor,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            account=_account_named(actor, company),
        )
        referred = refer_contact(
            actor=actor,
            contact=contact,
            interest=interest,
            note=note,
            urgency=urgency,
            consent=consent,
        )
    referred.contact_existed = existing is not None
    return referred
