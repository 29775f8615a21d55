"""Calendar feeds: the page where people make and revoke theirs, and the feed itself, a
secret URL their calendar app polls without signing in. Writes through
``calendar.feeds``; the feed's reads too (one aggregate before any body is built)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_POST, require_safe

from tandem.calendar import feeds, reads
from tandem.calendar.forms import FeedForm
from tandem.calendar.models import FeedToken
from tandem.core.errors import DomainError
from tandem.core.forms import form_error
from tandem.core.permissions import require_works_here
from tandem.people.auth import signed_in


def _urls(secret: str) -> dict[str, str]:
    """The feed's URL as the site names it, and its webcal:// form (which opens the
    subscribe dialogue of Apple Calendar and Outlook)."""
    https = settings.SITE_URL + reverse("calendar:feed", args=[secret])
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@login_required
def feed_list(request: HttpRequest) -> HttpResponse:
    """The person's feeds, and the form making a new one (its filters, at first, those
    the calendar was showing when they chose "Subscribe")."""
    require_works_here(request.user, "the calendar")
    choices = reads.filter_choices()
    new_urls: dict[str, str] = {}
    new_feed: FeedToken | None = None
    if request.method == "POST":
        form = FeedForm(request.POST, choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new_feed, secret = feeds.create_feed(
                    actor=signed_in(request),
                    name=data["name"],
                    filters={name: data[name] for name in reads.FILTERS if data.get(name)},
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                new_urls = _urls(secret)
                form = FeedForm(choices=choices)
    else:
        form = FeedForm(initial={"name": "", **reads.clean_filters(request.GET)}, choices=choices)
    listed = list(
        FeedToken.objects.visible_to(request.user).order_by("revoked_at", "-created_at")[:100]
    )
    said = feeds.describe_filters(listed)
    context: dict[str, Any] = {
        "form": form,
        "feeds": [(feed, said[feed.pk]) for feed in listed],
        "new_feed": new_feed,
        "new_urls": new_urls,
    }
    response = render(request, "calendar/feeds.html", context, status=422 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the page may hold a URL shown once
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(FeedToken.objects.visible_to(request.user), pk=pk)
    feeds.revoke_feed(actor=signed_in(request), token=token)
    messages.success(
        request, f"Feed {token.name} is revoked: calendars subscribed to it stop updating now."
    )
    return redirect("calendar:feeds")


@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed: anyone holding the URL reads it without signing in (calendar apps
    cannot). An unknown, guessed or revoked secret and an inactive owner all get the
    same plain 404; a client whose copy is current gets a 304 before any body is built."""
    token = feeds.find_feed(secret)
    if token is None:
        return HttpResponseNotFound(feeds.NOT_FOUND_BODY, content_type="text/plain; charset=utf-8")
    feeds.note_use(token)
    today = timezone.localdate()
    state = feeds.feed_state(token, today)
    modified = int(state.last_modified.timestamp())
    response = get_conditional_response(request, etag=state.etag, last_modified=modified)
    if response is None:
        body = b"" if request.method == "HEAD" else feeds.feed_body(token, state, today)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    response["ETag"] = state.etag
    response["Last-Modified"] = http_date(modified)
    # The URL is a credential: no shared cache keeps it, and each poll asks again (a 304).
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
