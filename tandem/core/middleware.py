"""Per-request context: the user's time zone and who is acting for the audit trail; and
input no text may hold, refused before any view runs."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

from tandem.core.api_errors import error_response
from tandem.core.audit import Source, acting_as


class UserTimezoneMiddleware:
    """Times are stored in UTC and shown in the zone the person chose in their profile."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        time_zone = str(getattr(request.user, "time_zone", "") or "")
        if request.user.is_authenticated and time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class AuditContextMiddleware:
    """Marks every write made while serving this request as coming from the web or API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        # The API authenticates by token inside the view and sets the actor there.
        user = None if is_api else request.user
        with acting_as(user, Source.API if is_api else Source.WEB):
            return self.get_response(request)


class DomainErrorMiddleware:
    """A DomainError that escapes a page view becomes the matching friendly error page.

    Views that show a form catch DomainError themselves to put the message on the field;
    everything else (a guessed id, an action the user may not take) lands here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from tandem.core.errors import DomainError

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        template = {404: "404.html", 403: "403.html"}.get(exception.status, "400.html")
        return render(request, template, {"message": exception.message}, status=exception.status)


NUL = "\x00"


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in text for key, values in data.lists() for text in (key, *values))


class RefuseNulMiddleware:
    """PostgreSQL cannot store the NUL character in text, so a value holding one failed
    deep inside a write or a filter with a 500 (and SQLite stored it, where no name or
    note should have one). Refused here, naming the field: form posts and addresses get
    a 400 page, the API's query strings a 422 in its error shape. (Django's forms refuse
    NUL as well, but not every input goes through one; the API's JSON bodies are checked
    by ``core.schemas.InputSchema``.) A page's query string only reads, and is
    forgiving: there a NUL is a space, so a search for "tom\\x00fle" finds Tom Fletcher
    as it did when the search split words on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        if not is_api and _has_nul(request.GET):
            spaced = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                spaced.setlist(key.replace(NUL, " "), [v.replace(NUL, " ") for v in values])
            spaced._mutable = False  # as Django's own; the stubs type it separately
            request.GET = spaced  # type: ignore[assignment]
        field = self.field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = f"“{field}” contains a NUL character (\\u0000), which no text may hold."
        if is_api:
            details = {"field": field, "errors": [{"field": field, "message": message}]}
            return error_response(request, 422, "invalid", message, details)
        from django.shortcuts import render

        return render(request, "400.html", {"message": message}, status=400)

    @staticmethod
    def field_with_nul(request: HttpRequest) -> str | None:
        if NUL in request.path:
            return "address"
        sources = [request.GET]
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if NUL in key or any(NUL in value for value in values):
                    return key.replace(NUL, "")
        return None
