"""A new password ends every other way in.

Whatever a person holds beside their password (API tokens today) is revoked when the
password changes, whether they changed it or chose a new one through a reset link: a
password changed because it leaked must not leave a token made with it working. Apps
above ``people`` say what they hold through ``register_credential`` in their
``AppConfig.ready`` (the API registers its tokens), so ``people`` imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.db import transaction

from tandem.core import audit
from tandem.core.services import record_event

if TYPE_CHECKING:
    from tandem.people.models import User


@dataclass(frozen=True)
class Credential:
    key: str  # names the count in the audit trail, e.g. "api_tokens"
    singular: str  # "API token"
    plural: str  # "API tokens"
    live_count: Callable[[User], int]
    revoke_all: Callable[[User], int]  # revokes every live one; returns how many

    def describe(self, count: int) -> str:
        return f"{count} {self.singular if count == 1 else self.plural}"


_credentials: dict[str, Credential] = {}


def register_credential(credential: Credential) -> None:
    _credentials[credential.key] = credential


def live_credentials(user: User) -> list[str]:
    """What a new password would revoke, in words ("2 API tokens"), for the page before."""
    counts = ((c, c.live_count(user)) for c in _credentials.values())
    return [credential.describe(n) for credential, n in counts if n]


def password_changed(*, user: User, how: Literal["change", "reset"]) -> list[str]:
    """Revoke every registered credential of ``user`` after their password changed, in
    the same transaction as the change, and record it; returns what was revoked in words.

    The person is the actor either way: they knew the old password or held the link.
    """
    with transaction.atomic(), audit.acting_as(user, audit.current_source()):
        revoked = {key: c.revoke_all(user) for key, c in _credentials.items()}
        record_event("user.password_changed", subject=user, data={"how": how, "revoked": revoked})
    return [_credentials[key].describe(n) for key, n in revoked.items() if n]
