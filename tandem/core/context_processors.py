from typing import Any

from django.http import HttpRequest

from tandem.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_main": [], "nav_user": []}
    items = nav_for(user, request.path)
    return {
        "nav_main": [i for i in items if i["section"] == "main"],
        "nav_user": [i for i in items if i["section"] == "user"],
    }
