from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tandem.core.navigation import grouped, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation's entries, read (with their badge counts) only if the template
    shows them: an htmx partial, which never does, pays no query for them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_top": [], "nav_groups": [], "nav_user": []}
    items = SimpleLazyObject(lambda: nav_for(user, request.path))
    main = SimpleLazyObject(lambda: [i for i in items if i["section"] == "main"])
    return {
        "nav_top": SimpleLazyObject(lambda: [i for i in main if not i["group"]]),
        "nav_groups": SimpleLazyObject(lambda: grouped(list(main))),
        "nav_user": SimpleLazyObject(lambda: [i for i in items if i["section"] == "user"]),
    }
