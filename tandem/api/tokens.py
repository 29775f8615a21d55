"""API routes about the caller's own tokens."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from tandem.api import services
from tandem.api.models import ApiToken
from tandem.api.pagination import CursorPagination
from tandem.api.schemas import TokenOut
from tandem.core.ids import RecordId

router = Router(tags=["tokens"])


@router.get("/tokens", response=list[TokenOut], summary="Your personal access tokens")
@paginate(CursorPagination)
def list_tokens(request: HttpRequest) -> Any:
    return ApiToken.objects.visible_to(request.user)


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke one of your tokens")
def revoke(request: HttpRequest, token_id: RecordId) -> ApiToken:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=token_id)
    return services.revoke_token(actor=request.user, token=token)
