"""The notification centre and the comment thread of any record."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import error_message
from tandem.core.htmx import render_page_or_partial
from tandem.core.pagination import paginate
from tandem.core.permissions import Action, can
from tandem.core.records import access_record, record_label, record_url
from tandem.notifications import services
from tandem.notifications.mentions import handles_in, render_with_mentions
from tandem.notifications.models import Comment, Notification

COMMENTS_PER_PAGE = 20


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.visible_to(request.user).select_related("actor")
    if request.GET.get("show") == "unread":
        notifications = notifications.unread()
    page = paginate(request, notifications.newest_first())
    return render_page_or_partial(
        request,
        "notifications/centre.html",
        "notifications/_rows.html",
        {"page": page, "show": request.GET.get("show", "all")},
    )


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_read(actor=request.user, notification=notification)
    if (
        request.POST.get("go")
        and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
        and notification.url
    ):
        return redirect(notification.url)
    return redirect("notifications:centre")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(actor=request.user)
    return redirect("notifications:centre")


def thread_context(request: HttpRequest, record: Any, **extra: Any) -> dict[str, Any]:
    """Context for the comment thread partial; used by every record's detail page."""
    from tandem.people.models import User

    page = paginate(
        request,
        Comment.objects.on(record).select_related("author").newest_first(),
        per_page=COMMENTS_PER_PAGE,
    )
    handles = {h for c in page for h in handles_in(c.body)}
    people = (
        {
            u.handle: (u.full_name, f"/people/{u.pk}/")
            for u in User.objects.filter(handle__in=handles).only("handle", "full_name")
        }
        if handles
        else {}
    )
    comments = [{"comment": c, "html": render_with_mentions(c.body, people)} for c in page]
    return {
        "record": record,
        "label": record_label(record),
        "comments": comments,
        "comments_page": page,
        "can_comment": can(request.user, Action.COMMENT, record),
        **extra,
    }


@login_required
def comments(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """GET: the thread (partial for htmx). POST: add a comment, answer with the thread."""
    record = access_record(request.user, label, pk)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            posted = services.post_comment(
                actor=request.user, record=record, body=request.POST.get("body", "")
            )
        except DomainError as exc:
            extra = {"error": error_message(exc), "draft": request.POST.get("body", "")[:6000]}
            status = 422
        else:
            extra = {"notified": posted.notified, "cannot_see": posted.cannot_see}
            if not request.htmx:  # type: ignore[attr-defined]
                return redirect(record_url(record) or "home")
    context = thread_context(request, record, **extra)
    context["record_url"] = record_url(record)
    return render_page_or_partial(
        request, "notifications/comments_page.html", "notifications/_thread.html", context, status
    )
