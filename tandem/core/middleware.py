"""Per-request context: the user's time zone and who is acting for the audit trail."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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

        from tandem.core.errors import DomainError, ErrorCode

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        template = {ErrorCode.NOT_FOUND: "404.html", ErrorCode.FORBIDDEN: "403.html"}.get(
            exception.code, "400.html"
        )
        return render(request, template, {"message": exception.message}, status=exception.status)
