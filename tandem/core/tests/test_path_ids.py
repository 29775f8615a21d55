"""Every page URL that takes a record id, with ids no record can have: a 404, never a 500.

Built from the URLconf itself, so a route added later is covered without editing this.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from tandem.core.ids import MAX_ID, RecordIdConverter

# Past what SQLite's 64-bit integers hold (it raised OverflowError), at the edge, and 0.
IMPOSSIBLE_IDS = ("99999999999999999999", str(MAX_ID + 1), "0")


def _id_routes(patterns=None, prefix=""):
    """(route template, names of its id parameters) for every page URL with an id."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("api/"):  # the API has its own test
                yield from _id_routes(entry.url_patterns, route)
            continue
        assert isinstance(entry, URLPattern)
        converters = getattr(entry.pattern, "converters", {})
        ids = [
            name
            for name, converter in converters.items()
            if isinstance(converter, IntConverter | RecordIdConverter)
        ]
        if ids:
            yield route, ids


ID_ROUTES = sorted(_id_routes())


def _url(route, ids, impossible):
    url = "/" + route
    for name in ids:
        url = url.replace(f"<id:{name}>", impossible).replace(f"<int:{name}>", impossible)
    return url.replace("<str:label>", "people.team").replace("<str:token>", "x")


def test_every_id_route_is_found():
    assert len(ID_ROUTES) >= 30, ID_ROUTES


@pytest.mark.parametrize(("route", "ids"), ID_ROUTES, ids=[r for r, _ in ID_ROUTES])
@pytest.mark.parametrize("impossible", IMPOSSIBLE_IDS)
def test_an_impossible_id_is_404_for_get_and_post(client, org, route, ids, impossible):
    client.force_login(org.admin)
    url = _url(route, ids, impossible)

    assert client.get(url).status_code == 404, url
    assert client.post(url, {}).status_code == 404, url


def test_the_largest_id_a_record_can_have_still_reaches_the_view(client, org):
    client.force_login(org.admin)

    assert client.get(f"/teams/{org.marketing.pk}/").status_code == 200
    assert client.get(f"/teams/{MAX_ID}/").status_code == 404  # matched, then not found
