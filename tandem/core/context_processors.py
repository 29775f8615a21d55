from typing import Any

from django.http import HttpRequest

from tandem.core.navigation import grouped, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_top": [], "nav_groups": [], "nav_user": []}
    items = nav_for(user, request.path)
    main = [i for i in items if i["section"] == "main"]
    return {
        "nav_top": [i for i in main if not i["group"]],
        "nav_groups": grouped(main),
        "nav_user": [i for i in items if i["section"] == "user"],
    }
