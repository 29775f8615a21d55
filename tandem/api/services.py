"""Creating, checking and revoking personal access tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.api.errors import ApiError
from tandem.api.models import TOKEN_PREFIX, ApiToken
from tandem.core.credentials import hash_secret, matches
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.permissions import Action, Scope, require
from tandem.core.services import record_event

MAX_LIVE_TOKENS = 20


# Granting permissions to tokens as a whole, before any one token is found.
TOKEN_GRANTS = Scope("api.apitoken", "token", noun="tokens")
LAST_USED_PRECISION = timedelta(minutes=1)


def create_token(*, actor: Any, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token for the actor; the full token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(ErrorCode.INVALID, "Name the token after what will use it.", field="name")
    if len(name) > 100:
        raise DomainError(
            ErrorCode.INVALID, "Token names are at most 100 characters.", field="name"
        )
    if scope not in ApiToken.Scope.values:
        raise DomainError(ErrorCode.INVALID, "Choose read or write.", field="scope")
    if ApiToken.objects.visible_to(actor).live().count() >= MAX_LIVE_TOKENS:
        raise DomainError(
            ApiError.TOO_MANY_TOKENS,
            f"You have {MAX_LIVE_TOKENS} live tokens; revoke one first.",
            field="name",
        )
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, scope=scope, key_id=key_id, secret_hash=hash_secret(secret)
        )
        record_event("api_token.created", subject=token, data={"scope": scope})
    return token, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    require(actor, Action.REVOKE, token)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event("api_token.revoked", subject=token)
    return token


def find_token_for_grant(*, actor: Any, key: str) -> ApiToken:
    """A live token by its public id (``tdm_1a2b3c4d5e6f`` or the id alone), for an
    administrator to grant; anyone else is told there is no such token."""
    require(actor, Action.GRANT, TOKEN_GRANTS)
    key_id = (key or "").strip().removeprefix(f"{TOKEN_PREFIX}_").split("_")[0][:16]
    token = ApiToken.objects.live().select_related("user").filter(key_id=key_id).first()
    if not key_id or token is None:
        raise DomainError(ErrorCode.INVALID, f"No live token has the id {key[:40]!r}.", field="key")
    return token


def set_capture_grant(*, actor: Any, token: ApiToken, granted: bool) -> ApiToken:
    """Grant or withdraw touch capture on an integration's token (administrators only).
    Only a read-write token can capture; the grant is in the audit trail and on the
    token's row in its owner's list."""
    require(actor, Action.GRANT, token)
    if granted and not token.can_write:
        raise DomainError(
            ErrorCode.INVALID,
            "Only a live read-write token can capture touches; ask for a read-write one.",
            field="key",
        )
    if granted == (token.capture_granted_at is not None):
        return token
    with transaction.atomic():
        token.capture_granted_at = timezone.now() if granted else None
        token.capture_granted_by = actor if granted else None
        token.save(update_fields=["capture_granted_at", "capture_granted_by"])
        record_event(
            "api_token.capture_granted" if granted else "api_token.capture_withdrawn",
            subject=token,
            data={"key_id": token.key_id, "owner_id": token.user_id},
        )
    return token


def revoke_tokens_of(*, user: Any, reason: str) -> int:
    """Revoke every live token of ``user`` (their password changed, say): no permission
    check, as only the person's own password flow calls it. One event per token, as
    for a revocation by hand, with the reason. Returns how many were revoked."""
    with transaction.atomic():
        live = list(ApiToken.objects.filter(user=user).live().select_for_update())
        if live:
            now = timezone.now()
            ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
            for token in live:
                record_event("api_token.revoked", subject=token, data={"reason": reason})
    return len(live)


def authenticate_token(raw: str) -> ApiToken | None:
    """The live token matching ``raw``, with its user loaded, or None."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.live().select_related("user").filter(key_id=parts[1][:16]).first()
    if token is None or not token.user.is_active:
        return None
    if not matches(token.secret_hash, parts[2]):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
