"""The two-step import in the browser, for contacts and for opportunities: upload, then
confirm the column mapping. Both kinds share the staging, the mapping page, the job's
progress page and its report of rejected rows; each has its fields, layouts and job."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tandem.core import import_files
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.forms import error_message, form_error
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.crm import imports, opportunity_imports
from tandem.people.auth import signed_in

SESSION_KEY = "crm_imports"  # token -> original file name, for this person only


@dataclass(frozen=True)
class Importable:
    """What the pages need of a kind of import."""

    title: str
    file_help: str
    intro: str
    fields: dict[str, tuple[str, int]]
    suggest: Callable[[list[str]], dict[str, str]]
    start: Callable[..., Any]
    mapping_url: str


KINDS = {
    "contacts": Importable(
        title="Import contacts",
        file_help="CSV (UTF-8) or XLSX: our layout, or a HubSpot or Salesforce contacts "
        "export. First row: column names.",
        intro="Duplicates are matched on e-mail (and companies on their website), so "
        "importing the same file twice adds nothing.",
        fields=imports.FIELDS,
        suggest=imports.suggest_mapping,
        start=imports.start_contact_import,
        mapping_url="crm:import_mapping",
    ),
    "opportunities": Importable(
        title="Import opportunities",
        file_help="CSV (UTF-8) or XLSX: our export, a HubSpot deals export or a Salesforce "
        "opportunities export. First row: column names.",
        intro="Companies are matched by name (or added); owners by e-mail or full name; "
        "HubSpot's and Salesforce's stage names become ours. A deal already imported "
        "(by its HubSpot or Salesforce id, or the same row) is not added twice.",
        fields=opportunity_imports.FIELDS,
        suggest=opportunity_imports.suggest,
        start=opportunity_imports.start_import,
        mapping_url="crm:import_opportunities_mapping",
    ),
}


class UploadForm(forms.Form):
    file = forms.FileField()


@login_required
def upload(request: HttpRequest, kind: str = "contacts") -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    what = KINDS[kind]
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].help_text = what.file_help
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            staged = imports.stage_file(
                actor=signed_in(request),
                name=uploaded.name,
                chunks=uploaded.chunks(),
                size=uploaded.size,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            mine = request.session.get(SESSION_KEY, {})
            mine[staged.token] = staged.original_name
            request.session[SESSION_KEY] = dict(list(mine.items())[-20:])
            return redirect(what.mapping_url, token=staged.token)
    return render(
        request,
        "crm/import_upload.html",
        {"form": form, "what": what},
        status=422 if form.errors else 200,
    )


@login_required
def mapping(request: HttpRequest, token: str, kind: str = "contacts") -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    what = KINDS[kind]
    name = request.session.get(SESSION_KEY, {}).get(token)
    if name is None:  # someone else's upload, or a guessed token
        raise DomainError(ErrorCode.NOT_FOUND, "This upload is no longer available.")
    path = imports.staged_path(token)
    headers = import_files.headers_of(path)
    chosen = what.suggest(headers)
    error = ""
    if request.method == "POST":
        chosen = {h: request.POST.get(f"map-{i}", "") for i, h in enumerate(headers)}
        try:
            job = what.start(
                actor=signed_in(request), token=token, mapping=chosen, original_name=name
            )
        except DomainError as exc:
            error = error_message(exc)
        else:
            request.session[SESSION_KEY] = {
                t: n for t, n in request.session.get(SESSION_KEY, {}).items() if t != token
            }
            return redirect("core:job", pk=job.pk)
    preview = _preview(path, len(headers))
    columns: list[dict[str, Any]] = [
        {"index": i, "header": h, "field": chosen.get(h, ""), "samples": [r[i] for r in preview]}
        for i, h in enumerate(headers)
    ]
    return render(
        request,
        "crm/import_mapping.html",
        {"name": name, "columns": columns, "fields": what.fields, "error": error, "what": what},
        status=422 if error else 200,
    )


def _preview(path: Any, width: int, rows: int = 3) -> list[list[str]]:
    sample = []
    reader = import_files.rows_of(path)
    next(reader, None)
    for row in reader:
        sample.append([*row, *[""] * width][:width])
        if len(sample) == rows:
            break
    return sample
