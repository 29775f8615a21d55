"""Login details shared by the login form and the lockout (django-axes)."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tandem.people.models import User


def lockout_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """Count failures per e-mail regardless of case, as login itself ignores case."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()[:254]


def signed_in(request: Any) -> "User":
    """The signed-in person, typed. Only for views behind login or API token auth."""
    from tandem.people.models import User

    user = request.user
    if not isinstance(user, User):
        raise TypeError("signed_in() used on a request without a signed-in user")
    return user
