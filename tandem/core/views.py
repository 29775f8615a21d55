"""Core pages: job progress, record history, the audit log, CSRF failure."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_POST

from tandem.core import services
from tandem.core.audit_log import readable
from tandem.core.errors import DomainError
from tandem.core.forms import report_error
from tandem.core.history import describe_page, history_rows
from tandem.core.htmx import render_page_or_partial
from tandem.core.models import DomainEvent, Job
from tandem.core.pagination import paginate
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.records import access_record, record_url


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return _job_page(request, job)


def _job_page(request: HttpRequest, job: Job, status: int = 200) -> HttpResponse:
    context = {
        "job": job,
        "expired": services.job_result_expired(job),
        "retention_days": settings.FILE_RETENTION_DAYS,
    }
    return render_page_or_partial(
        request, "core/job_detail.html", "core/_job_progress.html", context, status=status
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if services.job_result_expired(job):
        return _job_page(request, job, status=410)  # the page says it expired
    relative = services.job_result_path(job)  # NOT_FOUND: the 404 page, with its message
    media_root = Path(settings.MEDIA_ROOT).resolve()
    path = (media_root / relative).resolve()
    if media_root not in path.parents or not path.is_file():
        raise Http404("The file of this job is no longer available.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
@require_POST
def job_resume(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    services.resume_job(actor=request.user, job=job)
    return redirect("core:job", pk=job.pk)


@login_required
def record_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Field history (old -> new) and domain events of any registered record."""
    record = access_record(request.user, label, pk)
    history = paginate(request, history_rows(record), per_page=20)
    changes = describe_page(list(history))
    events = DomainEvent.objects.about(record).select_related("actor").newest_first()[:50]
    context = {
        "record": record,
        "record_url": record_url(record),
        "page": history,
        "changes": changes,
        "events": events,
    }
    return render_page_or_partial(request, "core/history.html", "core/_history_rows.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT_LOG, ORGANISATION)
    events = DomainEvent.objects.visible_to(request.user).select_related("actor").newest_first()
    name = request.GET.get("event", "").strip()
    if name:
        events = events.filter(name__startswith=name[:80])
    page = paginate(request, events, per_page=50)
    rows = readable(list(page.object_list), request.user)
    return render_page_or_partial(
        request,
        "core/audit_log.html",
        "core/_audit_rows.html",
        {"page": page, "rows": rows, "event": name},
    )


@login_required
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse:
    job = services.start_audit_export(actor=request.user)
    return redirect("core:job", pk=job.pk)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the real one."""
    return redirect(static("tandem/favicon.svg"), permanent=True)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "403.html",
        {"message": "Your form expired or came from another site. Go back, reload and try again."},
        status=403,
    )


@login_required
@require_POST
def save_view(request: HttpRequest, list_name: str) -> HttpResponse:
    from django.contrib import messages
    from django.http import QueryDict
    from django.urls import reverse

    from tandem.core import saved_views

    query = QueryDict(request.POST.get("query", "")[:1000])
    try:
        view = saved_views.save_view(
            actor=request.user,
            list_name=list_name,
            name=request.POST.get("name", ""),
            query=query,
            shared=request.POST.get("shared") == "1",
        )
    except DomainError as exc:
        report_error(request, exc)
        return redirect(reverse(saved_views.LISTS[list_name][0]) + "?" + query.urlencode())
    messages.success(request, f"View {view.name} saved.")
    return redirect(reverse(saved_views.LISTS[list_name][0]) + "?" + view.query)


@login_required
@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    from django.urls import reverse

    from tandem.core import saved_views
    from tandem.core.models import SavedView

    view = get_object_or_404(SavedView.objects.visible_to(request.user), pk=pk)
    saved_views.delete_view(actor=request.user, view=view)
    return redirect(reverse(saved_views.LISTS[view.list_name][0]))
