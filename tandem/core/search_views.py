"""The search page: every app's records that match, grouped by kind (``core.search``).
One URL answers the page and, for htmx as one types, the results alone."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from tandem.core import search as searching
from tandem.core.htmx import render_page_or_partial


@login_required
def search(request: HttpRequest) -> HttpResponse:
    text = searching.clean_query(request.GET.get("q"))
    groups = searching.search(request.user, text)
    context = {
        "q": text,
        "groups": groups,
        "too_short": 0 < len(text) < searching.MIN_CHARACTERS,
        "kinds": [s.label.lower() for s in searching.sources()],
        "min_characters": searching.MIN_CHARACTERS,
    }
    return render_page_or_partial(request, "core/search.html", "core/_search_results.html", context)
