"""The two-step contact import in the browser: upload, then confirm the column mapping."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tandem.core import import_files
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.forms import error_message, form_error
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.crm import imports
from tandem.people.auth import signed_in

SESSION_KEY = "crm_imports"  # token -> original file name, for this person only


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="CSV (UTF-8) or XLSX: our layout, or a HubSpot or "
        "Salesforce contacts export. First row: column names."
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    form = UploadForm(request.POST or None, request.FILES or None)
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
            return redirect("crm:import_mapping", token=staged.token)
    return render(
        request, "crm/import_upload.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def mapping(request: HttpRequest, token: str) -> HttpResponse:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    name = request.session.get(SESSION_KEY, {}).get(token)
    if name is None:  # someone else's upload, or a guessed token
        raise DomainError(ErrorCode.NOT_FOUND, "This upload is no longer available.")
    path = imports.staged_path(token)
    headers = import_files.headers_of(path)
    chosen = imports.suggest_mapping(headers)
    error = ""
    if request.method == "POST":
        chosen = {h: request.POST.get(f"map-{i}", "") for i, h in enumerate(headers)}
        try:
            job = imports.start_contact_import(
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
        {"name": name, "columns": columns, "fields": imports.FIELDS, "error": error},
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
