"""Writes about campaigns: the campaign, its costs and members. Each checks permission,
validates (naming the field), and records history and domain events. Touches and the
web form are captured in ``campaigns.capture``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import DateTimeField, Value
from django.utils import timezone

from tandem.campaigns.errors import CampaignError
from tandem.campaigns.models import Campaign, CampaignCost, CampaignMember, Channel, Touchpoint
from tandem.core.bulk import insert_selected
from tandem.core.dates import check_date
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.jobs import Progress, register_job_kind
from tandem.core.models import Job
from tandem.core.money import parse_amount
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.core.validation import required_text
from tandem.crm.models import Contact
from tandem.crm.querysets import CONTACT_FILTERS
from tandem.people import grants
from tandem.people.models import User


# --- Campaigns -----------------------------------------------------------------------------
def create_campaign(
    *,
    actor: User,
    name: str,
    type: str,
    channel: str,
    starts_on: date,
    ends_on: date,
    planned_budget: Any = "0",
    currency: str = "GBP",
    expected_leads_per_week: int = 0,
    audience: str = "",
    goal: str = "",
    parent: Campaign | None = None,
    region: str = "",
    confirm_warnings: bool = False,
) -> Campaign:
    """A new campaign, planned. The office's to create (marketing, sales, leadership,
    administrators), or a front-line member's an administrator granted it.
    ``region``: where it runs ("" everywhere). ``confirm_warnings``: the person saw the
    schedule's warnings (``schedule_warnings``) and plans it anyway; the checks that
    warned are told (the calendar asks the sales head), in this transaction."""
    grants.require_office(actor, Action.CREATE_CAMPAIGN)
    name = required_text(name, "name", 200, message="Name the campaign (at most 200 characters).")
    if type not in Campaign.Type.values:
        raise invalid("type", "Choose a campaign type from the list.")
    if channel not in Channel.values:
        raise invalid("channel", "Choose a channel from the list.")
    starts_on, ends_on = check_date(starts_on, "starts_on"), check_date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise invalid("ends_on", "The campaign cannot end before it starts.")
    if expected_leads_per_week < 0:
        raise invalid("expected_leads_per_week", "Expected leads cannot be negative.")
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise invalid("currency", "Use a three-letter currency code such as GBP.")
    region = str(region or "").strip()
    if len(region) > 100:
        raise invalid("region", "A region is at most 100 characters.")
    with transaction.atomic():
        campaign = Campaign(
            name=name,
            type=type,
            channel=channel,
            starts_on=starts_on,
            ends_on=ends_on,
            planned_budget=parse_amount(planned_budget, "planned_budget"),
            currency=currency,
            expected_leads_per_week=expected_leads_per_week,
            audience=audience.strip()[:300],
            region=" ".join(str(region or "").split())[:100],
            goal=goal.strip()[:300],
            parent=parent,
            owner=actor,
            team_id=actor.home_team_id(),
        )
        warned = _warned(campaign, starts_on, ends_on) if confirm_warnings else []
        campaign.save(force_insert=True)
        record_event("campaign.created", subject=campaign)
        _confirmed(actor, campaign, warned)
    return campaign


# --- Schedule checks ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduleWarning:
    """What a schedule would cause that people should see before saving it (sales over
    capacity): a warning with its figures, never a refusal."""

    message: str  # one sentence with the figures
    lines: tuple[str, ...] = ()  # what causes it, one line each
    url: str = ""  # where to read more


# Apps above campaigns weigh a proposed schedule (the calendar: sales capacity). A check
# takes the campaign (saved, or a draft not saved yet) and the proposed dates and returns
# its warnings; ``confirmed`` runs when someone goes ahead anyway, in the transaction that
# saves the schedule, with the warnings they saw.
ScheduleCheck = Callable[[Campaign, date, date], list[ScheduleWarning]]
ScheduleConfirmed = Callable[[User, Campaign, list[ScheduleWarning]], None]
_SCHEDULE_CHECKS: list[tuple[ScheduleCheck, ScheduleConfirmed | None]] = []


def register_schedule_check(
    check: ScheduleCheck, confirmed: ScheduleConfirmed | None = None
) -> None:
    if all(check is not known for known, _ in _SCHEDULE_CHECKS):
        _SCHEDULE_CHECKS.append((check, confirmed))


def draft_campaign(
    *,
    type: str,
    starts_on: date,
    ends_on: date,
    name: str = "",
    region: str = "",
    expected_leads_per_week: int = 0,
    **_: Any,
) -> Campaign:
    """A campaign not saved (the new-campaign form's), for ``schedule_warnings``."""
    return Campaign(
        name=name or "This campaign",
        type=type,
        region=str(region or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        expected_leads_per_week=max(0, expected_leads_per_week or 0),
    )


def schedule_warnings(campaign: Campaign, starts_on: date, ends_on: date) -> list[ScheduleWarning]:
    """What every registered check says about ``campaign`` running from ``starts_on`` to
    ``ends_on`` (nothing is saved; ask before saving)."""
    return [w for check, _ in _SCHEDULE_CHECKS for w in check(campaign, starts_on, ends_on)]


def _warned(
    campaign: Campaign, starts_on: date, ends_on: date
) -> list[tuple[ScheduleConfirmed, list[ScheduleWarning]]]:
    found = []
    for check, confirmed in _SCHEDULE_CHECKS:
        if confirmed is not None and (said := check(campaign, starts_on, ends_on)):
            found.append((confirmed, said))
    return found


def _confirmed(
    actor: User, campaign: Campaign, warned: list[tuple[ScheduleConfirmed, list[ScheduleWarning]]]
) -> None:
    for confirmed, said in warned:
        confirmed(actor, campaign, said)


# What must hold before a planned campaign goes live, beyond its own fields: apps above
# campaigns add checks (the calendar: sales marked it ready). Each takes the campaign
# and returns what is missing, in words ("" when nothing is).
LaunchCheck = Callable[[Campaign], str]
_LAUNCH_CHECKS: list[LaunchCheck] = []


def register_launch_check(check: LaunchCheck) -> None:
    if check not in _LAUNCH_CHECKS:
        _LAUNCH_CHECKS.append(check)


WATCHED = (("dates", "starts_on"), ("dates", "ends_on"), ("status", "status"), ("name", "name"))


def _locked(campaign: Campaign, version: int | None) -> Campaign:
    """The campaign's row, locked for this transaction; with ``version``, refused if
    someone changed it since that version was read, naming what they changed (from the
    field history of that version)."""
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if version is None or current.version == version:
        return current
    seen = current.history.filter(version=version).order_by("-history_date").first()
    changed = sorted(
        {label for label, name in WATCHED if seen and getattr(seen, name) != getattr(current, name)}
    )
    said = f" ({', '.join(changed)})" if changed else ""
    raise DomainError(
        CampaignError.EDIT_CONFLICT,
        f"Someone else changed {current.name}{said} while you were looking at it: "
        "reload it and try again.",
        field="version",
        current_version=current.version,
    )


def set_status(
    *, actor: User, campaign: Campaign, status: str, version: int | None = None
) -> Campaign:
    """planned -> live -> finished, or cut at any point; a cut campaign stays cut.
    Going live runs the launch checks (``register_launch_check``)."""
    require(actor, Action.CHANGE, campaign)
    if status not in Campaign.Status.values:
        raise invalid("status", "Choose planned, live, finished or cut.")
    with transaction.atomic():
        current = _locked(campaign, version)
        if current.status == Campaign.Status.CUT and status != Campaign.Status.CUT:
            raise DomainError(
                CampaignError.CAMPAIGN_CUT, "A cut campaign cannot be restarted.", field="status"
            )
        if status == Campaign.Status.LIVE and current.status == Campaign.Status.PLANNED:
            missing = [said for check in _LAUNCH_CHECKS if (said := check(current))]
            if missing:
                raise DomainError(
                    CampaignError.NOT_READY,
                    f"{current.name} cannot go live yet: {'; '.join(missing)}.",
                    field="status",
                )
        old = current.status
        if old != status:
            current.status = status
            current.sequence += 1
            current.version += 1
            current.save(update_fields=["status", "sequence", "version", "updated_at"])
            record_event(
                "campaign.status_changed", subject=current, data={"from": old, "to": status}
            )
    campaign.refresh_from_db()
    return campaign


def reschedule(
    *,
    actor: User,
    campaign: Campaign,
    starts_on: Any,
    ends_on: Any,
    version: int | None = None,
    today: date | None = None,
    confirm_warnings: bool = False,
) -> Campaign:
    """Move a campaign's dates (the calendar's drag, or its "Move" form). A campaign that
    has not started may not be moved into the past; a live one keeps its start; none
    ends before it starts or before today. ``version``: the one the mover saw.
    ``confirm_warnings``: the mover saw the new dates' warnings and moves it anyway (see
    ``create_campaign``)."""
    require(actor, Action.CHANGE, campaign)
    today = today or timezone.localdate()
    starts_on, ends_on = check_date(starts_on, "starts_on"), check_date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise invalid("ends_on", "The campaign cannot end before it starts.")
    with transaction.atomic():
        current = _locked(campaign, version)
        if not current.is_open:
            raise DomainError(
                CampaignError.CAMPAIGN_ENDED,
                f"{current.name} is {current.get_status_display().lower()}: its dates stay.",
                field="starts_on",
            )
        if current.status == Campaign.Status.LIVE and starts_on != current.starts_on:
            raise invalid("starts_on", f"{current.name} is live: it keeps its start date.")
        if current.status == Campaign.Status.PLANNED and starts_on < today:
            raise invalid("starts_on", "A planned campaign cannot start in the past.")
        if ends_on < today:
            raise invalid("ends_on", "A campaign cannot be moved to end in the past.")
        before = (current.starts_on, current.ends_on)
        if before != (starts_on, ends_on):
            warned = _warned(current, starts_on, ends_on) if confirm_warnings else []
            current.starts_on, current.ends_on = starts_on, ends_on
            current.sequence += 1
            current.version += 1
            current.save(
                update_fields=["starts_on", "ends_on", "sequence", "version", "updated_at"]
            )
            record_event(
                "campaign.rescheduled",
                subject=current,
                data={
                    "from": [d.isoformat() for d in before],
                    "to": [starts_on.isoformat(), ends_on.isoformat()],
                },
            )
            _confirmed(actor, current, warned)
    campaign.refresh_from_db()
    return campaign


def add_cost(
    *, actor: User, campaign: Campaign, incurred_on: date, amount: Any, description: str
) -> CampaignCost:
    require(actor, Action.CHANGE, campaign)
    _refuse_if_cut(campaign, "spend")
    description = (description or "").strip()
    if not description or len(description) > 200:
        raise invalid("description", "Say what the cost was for (at most 200 characters).")
    with transaction.atomic():
        cost = CampaignCost.objects.create(
            campaign=campaign,
            incurred_on=check_date(incurred_on, "incurred_on"),
            amount=parse_amount(amount, "amount"),
            description=description,
        )
        record_event(
            "campaign.cost_added",
            subject=campaign,
            data={"cost_id": cost.pk, "amount": str(cost.amount)},
        )
    return cost


def add_members(
    *,
    actor: User,
    campaign: Campaign,
    contacts: list[Contact],
    status: str = CampaignMember.Status.TARGETED,
) -> int:
    """Target contacts (bulk; people already in the campaign are left as they are)."""
    require(actor, Action.CHANGE, campaign)
    if status not in CampaignMember.Status.values:
        raise invalid("status", "Choose targeted or responded.")
    _refuse_if_cut(campaign, "members")
    if status == CampaignMember.Status.TARGETED:
        _refuse_if_ended(campaign)
    before = campaign.members.count()
    CampaignMember.objects.bulk_create(
        [CampaignMember(campaign=campaign, contact=c, status=status) for c in contacts],
        ignore_conflicts=True,
        batch_size=1000,
    )
    added = campaign.members.count() - before
    record_event("campaign.members_added", subject=campaign, data={"added": added})
    return added


def _refuse_if_cut(campaign: Campaign, what: str) -> None:
    """A cut campaign takes no more spend and no new members, not even late respondents
    (a finished one still records what arrives after its last day)."""
    status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
    if status == Campaign.Status.CUT:
        raise DomainError(
            CampaignError.CAMPAIGN_CUT,
            f"{campaign.name} was cut: it takes no more {what}.",
            field="campaign",
        )


def _refuse_if_ended(campaign: Campaign) -> None:
    if not campaign.is_open:
        raise invalid("campaign", "This campaign has ended; target people in a live one.")


def target_contacts(*, actor: User, campaign: Campaign, contacts: Any) -> int:
    """Make every contact of a queryset (a filtered list: a segment) a targeted member, in
    one INSERT ... SELECT; people already in the campaign keep their status."""
    require(actor, Action.CHANGE, campaign)
    _refuse_if_ended(campaign)
    select = contacts.annotate(
        _campaign=Value(campaign.pk),
        _status=Value(CampaignMember.Status.TARGETED.value),
        _added=Value(timezone.now(), output_field=DateTimeField()),
    ).values_list("_campaign", "id", "_status", "_added")
    with transaction.atomic():
        added = insert_selected(
            CampaignMember,
            ["campaign_id", "contact_id", "status", "added_at"],
            select,
            unique=["campaign_id", "contact_id"],
        )
        record_event("campaign.members_added", subject=campaign, data={"added": added})
    return added


@register_job_kind("campaigns.target_list", result_label="")
def target_list_job(job: Job, progress: Progress) -> None:
    """The background half of "target this list": the list's filters are applied again
    as the job's owner sees them now, so nobody targets what they cannot see."""
    campaign = Campaign.objects.visible_to(job.owner).filter(pk=job.params["campaign_id"]).first()
    if campaign is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The campaign is no longer there.")
    contacts = Contact.objects.visible_to(job.owner).list_filters(job.params["filters"], job.owner)
    progress(0, None, "Adding the contacts of the list")
    added = target_contacts(actor=job.owner, campaign=campaign, contacts=contacts)
    progress(added, added, f"{added:,} contacts targeted by {campaign.name}")


def start_targeting(*, actor: User, campaign: Campaign, filters: dict[str, str]) -> Job:
    from tandem.core.services import start_job

    require(actor, Action.CHANGE, campaign)
    _refuse_if_ended(campaign)
    kept = {k: str(filters.get(k, ""))[:100] for k in CONTACT_FILTERS}
    return start_job(
        owner=actor,
        kind="campaigns.target_list",
        title=f"Target a contact list: {campaign.name}"[:200],
        params={"campaign_id": campaign.pk, "filters": kept},
    )


# --- Erasure ---------------------------------------------------------------------------------
def erase_touch_visitor_ids(contact_id: int, text: str) -> None:
    """Part of erasing a contact (``crm.services.erase_contact``, registered in
    ``CampaignsConfig.ready``): the visitor ids that could follow the person across
    sites. The touches' campaigns, channels and times stay, so aggregates still add up."""
    Touchpoint.objects.filter(contact_id=contact_id).update(visitor_id="")
