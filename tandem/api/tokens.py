"""API routes about the caller's own tokens."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from tandem.api import services
from tandem.api.models import ApiToken
from tandem.api.schemas import CaptureGrantIn, TokenOut
from tandem.core.api_pagination import CursorPagination
from tandem.core.ids import RecordId

router = Router(tags=["tokens"])
# The literal /tokens/capture-grants routes come before /tokens/{token_id}, which would
# otherwise take "capture-grants" as an id.


@router.get("/tokens", response=list[TokenOut], summary="Your personal access tokens")
@paginate(CursorPagination)
def list_tokens(request: HttpRequest) -> Any:
    return ApiToken.objects.visible_to(request.user)


@router.post(
    "/tokens/capture-grants",
    response=TokenOut,
    summary="Grant touch capture to an integration's token (administrators)",
)
def grant_capture(request: HttpRequest, payload: CaptureGrantIn) -> ApiToken:
    token = services.find_token_for_grant(actor=request.user, key=payload.key)
    return services.set_capture_grant(actor=request.user, token=token, granted=True)


@router.delete(
    "/tokens/capture-grants/{key_id}",
    response=TokenOut,
    summary="Withdraw a token's touch capture (administrators)",
)
def withdraw_capture(request: HttpRequest, key_id: str) -> ApiToken:
    token = get_object_or_404(ApiToken.objects.capturing(request.user), key_id=key_id[:16])
    return services.set_capture_grant(actor=request.user, token=token, granted=False)


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke one of your tokens")
def revoke(request: HttpRequest, token_id: RecordId) -> ApiToken:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=token_id)
    return services.revoke_token(actor=request.user, token=token)
