"""API routes for the customer record: the same services and rules as the pages."""

import json
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tandem.core import exchange_rates
from tandem.core.api import job_out
from tandem.core.api_pagination import CursorPagination, OffsetCursorPagination
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import RecordId
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.schemas import JobOut
from tandem.crm import consent, imports, opportunity_imports, pipeline, services
from tandem.crm.models import Account, Activity, Contact, Opportunity
from tandem.crm.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    ActivityIn,
    ActivityOut,
    ConsentIn,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactsBulkIn,
    ContactsBulkOut,
    ForecastFilterIn,
    ForecastOut,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    OpportunityStageIn,
    OptInOut,
    PipelineFilterIn,
    PipelineOut,
    TimelineEntryOut,
)
from tandem.crm.timeline import timeline
from tandem.people.auth import signed_in
from tandem.people.models import User

router = Router(tags=["customer record"])


def _visible(request: HttpRequest, model: Any, pk: int | None, field: str) -> Any:
    """A related record the caller can see, or a 422 naming the field (not a 404)."""
    if pk is None:
        return None
    found = model.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise DomainError(ErrorCode.INVALID, f"No {model._meta.verbose_name} {pk}.", field=field)
    return found


# --- Accounts ------------------------------------------------------------------------------
@router.get("/accounts", response=list[AccountOut], summary="Accounts, filterable")
@paginate(CursorPagination)
def list_accounts(
    request: HttpRequest,
    q: str = "",
    region: str = "",
    segment: str = "",
    owner_id: RecordId | None = None,
) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Account.objects.visible_to(request.user).search(q)
    if region:
        found = found.filter(region=region)
    if segment:
        found = found.filter(segment=segment)
    return found.owned_by(owner_id) if owner_id else found


@router.post("/accounts", response={201: AccountOut})
def create_account(request: HttpRequest, payload: AccountIn) -> Status[Account]:
    return Status(201, services.create_account(actor=signed_in(request), **payload.dict()))


@router.get("/accounts/{account_id}", response=AccountOut)
def get_account(request: HttpRequest, account_id: RecordId) -> Account:
    return get_object_or_404(Account.objects.visible_to(request.user), pk=account_id)


@router.patch("/accounts/{account_id}", response=AccountOut)
def update_account(request: HttpRequest, account_id: RecordId, payload: AccountPatch) -> Account:
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=account_id)
    return services.update_account(
        actor=signed_in(request), account=account, **payload.dict(exclude_none=True)
    )


@router.get(
    "/accounts/{account_id}/timeline",
    response=list[TimelineEntryOut],
    summary="Sales activities and marketing touches of the account's people, newest first",
)
@paginate(OffsetCursorPagination)
def account_timeline(
    request: HttpRequest, account_id: RecordId, kind: str = "", side: str = ""
) -> Any:
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=account_id)
    return timeline(account_id=account.pk, kind=kind, side=side)


# --- Contacts ------------------------------------------------------------------------------
@router.get("/contacts", response=list[ContactOut], summary="Contacts, filterable")
@paginate(CursorPagination)
def list_contacts(
    request: HttpRequest,
    q: str = "",
    account_id: RecordId | None = None,
    owner_id: RecordId | None = None,
) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Contact.objects.visible_to(request.user).search(q)
    if account_id:
        found = found.filter(account_id=account_id)
    return found.owned_by(owner_id) if owner_id else found


@router.post("/contacts", response={201: ContactOut})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    data = payload.dict()
    account = _visible(request, Account, data.pop("account_id"), "account_id")
    return Status(201, services.create_contact(actor=signed_in(request), account=account, **data))


@router.post(
    "/contacts/bulk",
    response=ContactsBulkOut,
    summary="Create or update up to 1,000 contacts, matched on e-mail",
)
def bulk_upsert(request: HttpRequest, payload: ContactsBulkIn) -> dict[str, Any]:
    return imports.bulk_upsert_contacts(actor=signed_in(request), rows=payload.contacts)


@router.get("/contacts/{contact_id}", response=ContactOut)
def get_contact(request: HttpRequest, contact_id: RecordId) -> Contact:
    return get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut)
def update_contact(request: HttpRequest, contact_id: RecordId, payload: ContactPatch) -> Contact:
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)
    return services.update_contact(
        actor=signed_in(request), contact=contact, **payload.dict(exclude_none=True)
    )


@router.get(
    "/contacts/{contact_id}/timeline",
    response=list[TimelineEntryOut],
    summary="The contact's sales activities and marketing touches, newest first",
)
@paginate(OffsetCursorPagination)
def contact_timeline(
    request: HttpRequest, contact_id: RecordId, kind: str = "", side: str = ""
) -> Any:
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)
    return timeline(contact_id=contact.pk, kind=kind, side=side)


@router.post(
    "/contacts/{contact_id}/consent/opt-in-request",
    response={202: OptInOut},
    summary="E-mail a person who withdrew consent a link to confirm it again",
)
def request_opt_in(request: HttpRequest, contact_id: RecordId) -> Status[dict[str, bool]]:
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)
    return Status(202, {"sent": consent.ask_to_opt_in(actor=signed_in(request), contact=contact)})


@router.post(
    "/contacts/{contact_id}/consent",
    response=ContactOut,
    summary=(
        "Record marketing consent: true, false or null (not asked), and where; consent the "
        "person withdrew returns only by their opt-in link (409)"
    ),
)
def set_consent(request: HttpRequest, contact_id: RecordId, payload: ConsentIn) -> Contact:
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)
    return services.set_consent(
        actor=signed_in(request), contact=contact, consent=payload.consent, source=payload.source
    )


@router.post(
    "/contacts/{contact_id}/erase",
    response=ContactOut,
    summary="Erase the person's personal data everywhere (GDPR); cannot be undone",
)
def erase(request: HttpRequest, contact_id: RecordId) -> Contact:
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)
    return services.erase_contact(actor=signed_in(request), contact=contact)


# --- Opportunities -------------------------------------------------------------------------
@router.get("/opportunities", response=list[OpportunityOut])
@paginate(CursorPagination)
def list_opportunities(
    request: HttpRequest, stage: str = "", account_id: RecordId | None = None
) -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Opportunity.objects.visible_to(request.user)
    if stage == "open":
        found = found.open()
    elif stage:
        found = found.filter(stage=stage)
    return found.filter(account_id=account_id) if account_id else found


@router.post("/opportunities", response={201: OpportunityOut})
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Status[Opportunity]:
    data = payload.dict()
    account = _visible(request, Account, data.pop("account_id"), "account_id")
    contact = _visible(request, Contact, data.pop("contact_id"), "contact_id")
    return Status(
        201,
        services.create_opportunity(
            actor=signed_in(request), account=account, contact=contact, **data
        ),
    )


@router.get(
    "/opportunities/pipeline",
    response=PipelineOut,
    summary="Count, total and weighted total per stage, per currency and converted into one",
)
def pipeline_totals(request: HttpRequest, filters: Query[PipelineFilterIn]) -> dict[str, Any]:
    """The board's columns without their cards: the open stages (every open deal, or
    those closing in ``month``), then won and lost closing in ``month`` (this month if
    none). ``owner``: all, mine or team (the caller's teams). Totals per currency, and
    in ``totals_in`` at today's exchange rates (what has no rate is in ``left_out``)."""
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Opportunity.objects.visible_to(request.user).owned_as(request.user, filters.owner)
    first = pipeline.parse_month(filters.month)
    rates = exchange_rates.rates_on(timezone.localdate())
    columns = pipeline.board_columns(found, month=first, today=rates.on, cards=False)
    into = exchange_rates.chosen_currency(filters.totals_in, rates, pipeline.currencies_of(columns))
    whole = pipeline.convert_board(columns, into, rates)
    return {
        "month": filters.month if first else "",
        "rates_on": rates.on,
        "stages": [
            {
                "stage": c.stage,
                "label": c.label,
                "probability": c.percent,
                "closed": c.closed,
                "count": c.count,
                "totals": [vars(t) for t in c.totals],
                "in_currency": _one_total(c.shown),
            }
            for c in columns
        ],
        "open": [vars(t) for t in pipeline.open_pipeline(columns)],
        "open_in_currency": _one_total(whole),
    }


def _one_total(total: Any) -> dict[str, Any]:
    """A ``pipeline.OneTotal`` (a column's, after ``convert_board``) as the API's."""
    return {**vars(total), "left_out": [vars(t) for t in total.left_out]}


@router.get(
    "/opportunities/forecast",
    response=ForecastOut,
    summary="Open, weighted and won amounts by close month, in one currency",
)
def forecast(request: HttpRequest, filters: Query[ForecastFilterIn]) -> dict[str, Any]:
    """From this month on, in ``currency`` (default: the reporting currency); deals in
    other currencies are converted at today's exchange rates (``converted``), those in
    a currency without a rate are left out and listed (``left_out``). ``currencies``
    lists every currency with deals."""
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Opportunity.objects.visible_to(request.user).owned_as(request.user, filters.owner)
    rates = exchange_rates.rates_on(timezone.localdate())
    result = pipeline.forecast(
        found,
        first=pipeline.first_of_month(rates.on),
        rates=rates,
        months=filters.months,
        currency=filters.currency.upper(),
    )
    names = ("currency", "currencies", "overdue", "undated", "rates_on", "converted", "left_out")
    return {
        **{k: getattr(result, k) for k in names},
        "overdue_count": result.overdue_count,
        "undated_count": result.undated_count,
        "months": [{**vars(r), "month": r.month.strftime("%Y-%m")} for r in result.rows],
    }


@router.get("/opportunities/{opportunity_id}", response=OpportunityOut)
def get_opportunity(request: HttpRequest, opportunity_id: RecordId) -> Opportunity:
    return get_object_or_404(Opportunity.objects.visible_to(request.user), pk=opportunity_id)


@router.patch(
    "/opportunities/{opportunity_id}",
    response=OpportunityOut,
    summary="Change an opportunity's name, amount, currency, close date, stage or owner",
)
def update_opportunity(
    request: HttpRequest, opportunity_id: RecordId, payload: OpportunityPatch
) -> Opportunity:
    found = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=opportunity_id)
    changes = payload.dict(exclude_unset=True)
    if "owner_id" in changes:
        owner_id = changes.pop("owner_id")
        changes["owner"] = _visible(request, User, owner_id, "owner_id") if owner_id else None
    try:
        return services.update_opportunity(actor=signed_in(request), opportunity=found, **changes)
    except DomainError as exc:
        if exc.field == "owner":  # the body names the owner by id
            exc.field = exc.details["field"] = "owner_id"
        raise


@router.get(
    "/opportunities/{opportunity_id}/timeline",
    response=list[TimelineEntryOut],
    summary="Activities, changes and comments on the opportunity, newest first",
)
@paginate(OffsetCursorPagination)
def opportunity_timeline(
    request: HttpRequest, opportunity_id: RecordId, kind: str = "", side: str = ""
) -> Any:
    """A change's ``detail`` is its event's data as JSON: the fields changed and, for
    figures, their old and new values; a stage change's from and to."""
    found = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=opportunity_id)
    return timeline(opportunity_id=found.pk, kind=kind, side=side)


@router.post(
    "/opportunities/{opportunity_id}/stage",
    response=OpportunityOut,
    summary="Move to a stage; lost needs a reason",
)
def move_opportunity(
    request: HttpRequest, opportunity_id: RecordId, payload: OpportunityStageIn
) -> Opportunity:
    found = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=opportunity_id)
    return services.move_opportunity(
        actor=signed_in(request), opportunity=found, stage=payload.stage, reason=payload.reason
    )


# --- Activities ----------------------------------------------------------------------------
@router.post(
    "/activities", response={201: ActivityOut}, summary="Log a call, e-mail, meeting, note or task"
)
def log_activity(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    data = payload.dict()
    related = {
        "contact": _visible(request, Contact, data.pop("contact_id"), "contact_id"),
        "account": _visible(request, Account, data.pop("account_id"), "account_id"),
        "opportunity": _visible(request, Opportunity, data.pop("opportunity_id"), "opportunity_id"),
    }
    return Status(201, services.log_activity(actor=signed_in(request), **related, **data))


@router.post(
    "/activities/{activity_id}/done",
    response=ActivityOut,
    summary="Mark a task done (again is harmless); only tasks are completed",
)
def complete_task(request: HttpRequest, activity_id: RecordId) -> Activity:
    task = get_object_or_404(Activity.objects.visible_to(request.user), pk=activity_id)
    return services.complete_task(actor=signed_in(request), activity=task)


# --- Import --------------------------------------------------------------------------------
@router.post(
    "/imports/contacts",
    response={202: JobOut},
    summary="Import contacts from CSV or XLSX; follow the job for progress and report",
)
def import_contacts(
    request: HttpRequest,
    file: File[UploadedFile],
    mapping: Form[str] = "",
) -> Status[dict[str, Any]]:
    """``mapping`` is optional JSON {column: field}; without it the layout is recognised
    from the headers (ours, HubSpot's or Salesforce's)."""
    actor = signed_in(request)
    staged = imports.stage_file(
        actor=actor, name=file.name or "", chunks=file.chunks(), size=file.size or 0
    )
    chosen = _mapping(mapping) if mapping else staged.suggested
    job = imports.start_contact_import(
        actor=actor, token=staged.token, mapping=chosen, original_name=staged.original_name
    )
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.post(
    "/imports/opportunities",
    response={202: JobOut},
    summary="Import opportunities from CSV or XLSX; follow the job for progress and report",
)
def import_opportunities(
    request: HttpRequest,
    file: File[UploadedFile],
    mapping: Form[str] = "",
) -> Status[dict[str, Any]]:
    """``mapping`` is optional JSON {column: field}; without it the layout is recognised
    from the headers (ours, a HubSpot deals export or a Salesforce opportunities export).
    Fields: name, account_name, amount, currency, close_date, stage, owner, reason,
    source_id."""
    actor = signed_in(request)
    staged = imports.stage_file(
        actor=actor, name=file.name or "", chunks=file.chunks(), size=file.size or 0
    )
    chosen = _mapping(mapping) if mapping else opportunity_imports.suggest(staged.headers)
    job = opportunity_imports.start_import(
        actor=actor, token=staged.token, mapping=chosen, original_name=staged.original_name
    )
    job.refresh_from_db()
    return Status(202, job_out(job))


def _mapping(text: str) -> dict[str, str]:
    try:
        chosen = json.loads(text)
        if not isinstance(chosen, dict):
            raise ValueError("not an object")
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "mapping must be a JSON object {column: field}.", field="mapping"
        ) from None
    return chosen
