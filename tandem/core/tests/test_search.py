"""The search registry: sources in their order, their hits grouped, "more" when a source
has more than it shows, and text cleaned (and too short text asking no source)."""

import pytest

from tandem.core import search
from tandem.core.search import Hit, SearchSource


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(search, "_SOURCES", [])
    asked = []

    def numbers(user, text, limit):
        asked.append((text, limit))
        return [Hit(f"{text} {n}", f"/n/{n}/") for n in range(8)][:limit]

    search.register_search_source(SearchSource("b", "Bees", 20, lambda u, t, n: []))
    search.register_search_source(SearchSource("a", "Numbers", 10, numbers, lambda t: f"/n/?q={t}"))
    search.register_search_source(SearchSource("a", "Again", 5, numbers))  # once per kind
    return asked


def test_groups_in_order_with_more_and_see_all(registry):
    groups = search.search(None, "ab", limit=5)
    assert [g.source.label for g in groups] == ["Numbers"]  # empty groups left out
    assert len(groups[0].hits) == 5 and groups[0].more and groups[0].see_all == "/n/?q=ab"
    assert registry == [("ab", 6)]  # one more than shown, to know there are more
    assert [s.kind for s in search.sources()] == ["a", "b"]


def test_text_shorter_than_two_characters_asks_no_source(registry):
    assert search.search(None, "a") == [] and search.search(None, "") == []
    assert registry == []


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("  tom   fle ", "tom fle"),
        ("tom\x00fle\n", "tom fle"),
        ("x" * 10_000, "x" * 100),
        ("<b>'; drop table", "<b>'; drop table"),
        (None, ""),
    ],
)
def test_text_is_cleaned(typed, searched):
    assert search.clean_query(typed) == searched
