"""One search over the records of every app, grouped by kind, for the search page and
the shell's search box.

Core knows no domain app; each app registers a ``SearchSource`` in ``AppConfig.ready``:
its kind and label, its place among the groups, and a function
``hits(user, text, limit)`` that returns at most ``limit`` ``Hit``s the user may see
(through the model's ``visible_to(user)``), best first. A source asked for ``limit``
may return one more, to say that there are more than it shows. ``see_all`` gives the
list page that shows every match, where one exists.

Orders in use: 10 contacts, 20 accounts, 30 opportunities, 40 leads, 50 campaigns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

MIN_CHARACTERS = 2  # one letter matches a twentieth of every table: not worth a query
MAX_CHARACTERS = 100  # longer text is cut (a pasted page is not a search)
HITS_PER_KIND = 5


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""  # the line under the title: e-mail and phone, account, stage


@dataclass(frozen=True)
class SearchSource:
    kind: str  # "contacts": the group's id in the page
    label: str  # "Contacts"
    order: int
    hits: Callable[[Any, str, int], Sequence[Hit]]  # (user, text, limit) -> hits
    see_all: Callable[[str], str] | None = None  # text -> the list page of every match


@dataclass
class Group:
    source: SearchSource
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # more matches than shown
    see_all: str = ""  # the list page of every match, if there is one


_SOURCES: list[SearchSource] = []


def register_search_source(source: SearchSource) -> None:
    if all(s.kind != source.kind for s in _SOURCES):
        _SOURCES.append(source)
        _SOURCES.sort(key=lambda s: s.order)


def sources() -> list[SearchSource]:
    return list(_SOURCES)


def clean_query(text: str | None) -> str:
    """What is searched for: printable text, spaces collapsed, at most MAX_CHARACTERS."""
    text = "".join(c if c.isprintable() else " " for c in (text or "")[: MAX_CHARACTERS * 4])
    return " ".join(text.split())[:MAX_CHARACTERS].strip()


def search(user: Any, text: str, limit: int = HITS_PER_KIND) -> list[Group]:
    """Each source's first ``limit`` hits for ``text`` (already cleaned), the groups
    with hits only, in the sources' order. Text shorter than MIN_CHARACTERS asks none."""
    if len(text) < MIN_CHARACTERS:
        return []
    groups = []
    for source in _SOURCES:
        hits = list(source.hits(user, text, limit + 1))
        if hits:
            see_all = source.see_all(text) if source.see_all else ""
            groups.append(Group(source, hits[:limit], more=len(hits) > limit, see_all=see_all))
    return groups
