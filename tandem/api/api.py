"""The one NinjaAPI at /api/v1/: mounts every app's router, maps errors to one shape.

Every error body is ``{"code", "message", "details"}``; ``code`` is a stable value a
client can branch on: a generic one (tandem.core.errors.ErrorCode) or an app's specific
one (``tandem/<app>/errors.py``), each with its one HTTP status (``errors.HTTP_STATUS``).
"""

import logging
from functools import partial
from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.views import openapi_json
from ninja.operation import Operation
from ninja.params.models import BodyModel, FileModel, FormModel

from tandem.api.auth import TokenAuth, TokenRateThrottle
from tandem.api.schemas import ErrorOut
from tandem.core.api_errors import error_response
from tandem.core.errors import CoreError, DomainError, ErrorCode
from tandem.core.uploads import ceiling, upload_refused

log = logging.getLogger(__name__)


def _docs_page(view: Any) -> Any:
    """Ninja wraps both the schema and the docs page with this; they differ.

    The docs page is for people: signed in, or sent to log in. The schema is also for
    scripts and code generators, which hold a token rather than a session, so it takes
    either; an anonymous caller gets the API's 401, not a login page in HTML.
    """
    if isinstance(view, partial) and view.func is openapi_json:
        return _session_or_token(view)
    # Swagger UI styles itself inline; allow that on the docs page only.
    return login_required(csp_update({"style-src": ["'unsafe-inline'"]})(view))


def _session_or_token(view: Any) -> Any:
    def schema(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if not (user is not None and user.is_authenticated and user.is_active):
            try:
                token = TokenAuth()(request)
            except DomainError as exc:
                return on_domain_error(request, exc)
            if token is None:
                return on_unauthenticated(request, AuthenticationError())
        return view(request, *args, **kwargs)

    return schema


api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=(
        "Everything in Tandem, for scripts and integrations. Authenticate with a personal "
        "access token (Profile → API tokens): `Authorization: Bearer tdm_…`. Lists are "
        "cursor-paginated (`limit`, `cursor` → `next_cursor`). Errors are "
        "`{code, message, details}`; a rate-limited call gets 429 with `Retry-After`."
    ),
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    urls_namespace="api",
    docs_decorator=_docs_page,
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code.value, exc.message, exc.details)


# Where ninja says an input came from: the first element of every error's ``loc``.
_PARAM_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
# Routes name their request-body schema parameter ``payload``.
_PAYLOAD_PARAM = "payload"


def field_of(loc: Any) -> str:
    """The client's name for the input at fault, from ninja's ``loc``.

    ``("body", "payload", "body")`` is the field ``body``; ``("query", "limit")`` is
    ``limit``. Only the leading source and the payload parameter are dropped, by
    position, so a field that happens to be called ``body`` or ``path`` keeps its name.
    """
    parts = list(loc or ())
    if parts and parts[0] in _PARAM_SOURCES:
        source = parts.pop(0)
        if source in ("body", "form") and len(parts) > 1 and parts[0] == _PAYLOAD_PARAM:
            parts.pop(0)
    return ".".join(str(p) for p in parts)


# A path id outside tandem.core.ids.RecordId's range names no record that could exist.
_OUT_OF_RANGE = frozenset({"greater_than", "less_than_equal"})


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if upload_refused(request):
        # The file was stopped at the ceiling as it streamed in, so it is "missing".
        return error_response(
            request,
            413,
            CoreError.UPLOAD_TOO_LARGE.value,
            f"The file is larger than the {ceiling() // (1024 * 1024)} MB any upload may be.",
            {"field": "file"},
        )
    if any(
        tuple(err.get("loc", ()))[:1] == ("path",) and err.get("type") in _OUT_OF_RANGE
        for err in exc.errors
    ):
        return on_not_found(request, exc)
    fields = [field_of(err.get("loc", ())) for err in exc.errors]
    message = "Some input is not valid: " + ", ".join(f or "request" for f in fields)
    errors = [
        {"field": f, "message": e.get("msg", "")} for f, e in zip(fields, exc.errors, strict=True)
    ]
    # ``field`` names the first, as a service's DomainError does: one place to look.
    details = {"field": fields[0] if fields else "", "errors": errors}
    return error_response(request, 422, ErrorCode.INVALID.value, message, details)


@api.exception_handler(RawPostDataException)
def on_form_body(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A form (multipart) body sent to an operation that takes JSON: the form was read
    before the operation ran (RefuseNulMiddleware looks for NUL characters in it), so the
    body cannot be read again as JSON."""
    return error_response(
        request,
        400,
        ErrorCode.INVALID.value,
        "This operation takes JSON: send the body as application/json.",
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        401,
        ErrorCode.UNAUTHENTICATED.value,
        "Send a valid token: Authorization: Bearer tdm_…",
    )


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(
        request,
        429,
        ErrorCode.RATE_LIMITED.value,
        "Too many requests for this token; wait as Retry-After says.",
    )


# Ninja's own HttpErrors (e.g. 400 "Cannot parse request body") answered with the same
# enum codes as everything else, so a client never meets a code outside ErrorCode.
_CODE_FOR_STATUS = {
    400: ErrorCode.INVALID,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT,
    422: ErrorCode.INVALID,
    429: ErrorCode.RATE_LIMITED,
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _CODE_FOR_STATUS.get(exc.status_code)
    return error_response(request, exc.status_code, code.value if code else "http_error", str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, ErrorCode.NOT_FOUND.value, "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def on_missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return on_not_found(request, exc)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path)
    return error_response(
        request,
        500,
        ErrorCode.SERVER_ERROR.value,
        "Something went wrong on our side; it has been logged.",
    )


def error_statuses(operation: Operation) -> set[int]:
    """The error statuses this operation can answer with, each as ``{code, message,
    details}``. Every call can lack a token (401), be refused (403: a read-only token on
    a write, a permission) or be rate-limited (429); one with inputs can have them wrong
    (422), or a body that is not JSON at all (400); a path naming a record can name one
    that is not there or not visible (404); a write can conflict with what is stored
    (409)."""
    statuses = {401, 403, 429}
    writes = bool(set(operation.methods) - {"GET", "HEAD"})
    if operation.models or writes:
        statuses.add(422)
    if any(issubclass(m, BodyModel | FormModel | FileModel) for m in operation.models):
        statuses.add(400)
    if any(issubclass(m, FileModel) for m in operation.models):
        statuses.add(413)  # over TANDEM_UPLOAD_MAX_BYTES (tandem.core.uploads)
    if "{" in operation.path:
        statuses.add(404)
    if writes:
        statuses.add(409)
    return statuses


def document_errors(router: Router) -> None:
    """Declare each route's error responses in the OpenAPI schema, so a client (and the
    schema probe) knows them; a route's own declaration of a status wins."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            model = operation._create_response_model(ErrorOut)
            for status in error_statuses(operation):
                operation.response_models.setdefault(status, model)


def _mount() -> None:
    from tandem.api.tokens import router as tokens_router
    from tandem.approvals.api import router as approvals_router
    from tandem.attribution.api import router as attribution_router
    from tandem.budget.api import router as budget_router
    from tandem.calendar.api import router as calendar_router
    from tandem.calendar.capacity_api import router as capacity_router
    from tandem.calendar.kill_api import router as kill_router
    from tandem.campaigns.api import router as campaigns_router
    from tandem.collateral.api import router as collateral_router
    from tandem.collateral.library_api import router as collateral_library_router
    from tandem.core.api import router as core_router
    from tandem.crm.api import router as crm_router
    from tandem.handoff.api import router as handoff_router
    from tandem.handoff.referral_api import router as referrals_router
    from tandem.notifications.api import router as notifications_router
    from tandem.people.api import router as people_router
    from tandem.planning.api import router as planning_router

    for router in (
        people_router,
        notifications_router,
        approvals_router,
        core_router,
        crm_router,
        campaigns_router,
        handoff_router,
        referrals_router,
        attribution_router,
        calendar_router,
        capacity_router,
        kill_router,
        collateral_router,
        collateral_library_router,
        planning_router,
        budget_router,
        tokens_router,
    ):
        document_errors(router)
        api.add_router("/", router)


_mount()
