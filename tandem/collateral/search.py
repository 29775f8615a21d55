"""The library's full-text index: the published version's words with the asset's title
and tags, on each database's own engine.

- SQLite: an FTS5 table (``collateral_asset_fts``, made in migration 0002) whose rowid is
  the asset's id, ranked by bm25 with the title weighted above the tags and the body.
- PostgreSQL: ``AssetText.document``, a tsvector (title A, tags B, body C) under a GIN
  index, matched with ``SearchQuery`` and ranked with ``SearchRank``.

Only published assets are in it (``index`` on publish and on edits while published,
``unindex`` on retire), so a search never reads a draft's words. Every word typed must
match, each as a prefix ("broch" finds "brochure"), as in HubSpot's and Showpad's search.

A search ranks at most ``RANKED`` matches, the newest (highest ids). Ranking reads every
ranked asset's words again (bm25 on SQLite; ts_rank on PostgreSQL, which also fetches
and unpacks each stored tsvector), so its cost grows with the matches, while the newest
matches are found by reading in id order and stopping. With 50,000 assets
(bench/collateral_search.py, 2026-12-05, 2 shared cores), ranking every asset for a word
in all of them took 80-130 ms on SQLite and 350-450 ms on PostgreSQL; the newest 2,000,
12-20 ms and 17-24 ms (up to about 50 ms on PostgreSQL for a word in a quarter of them,
where it tests rows one by one from the newest). A search with fewer matches is ranked
exactly as before; one with more shows the best of the newest ``RANKED``, and older
assets matching only such common words are left out (another word narrows it).
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Value

from tandem.collateral.models import Asset, AssetText

FTS_TABLE = "collateral_asset_fts"  # the statements below name it as they are written
FTS_DELETE = "DELETE FROM collateral_asset_fts WHERE rowid = %s"
FTS_INSERT = "INSERT INTO collateral_asset_fts (rowid, title, tags, body) VALUES (%s, %s, %s, %s)"
# The rowid bound is the RANKED-th newest match's: FTS5 walks the doclist backwards to
# find it and ranks only the rows at or above it.
FTS_MATCH = (
    "SELECT rowid FROM collateral_asset_fts WHERE collateral_asset_fts MATCH %s"
    " AND rowid >= coalesce((SELECT min(rowid) FROM (SELECT rowid FROM collateral_asset_fts"
    " WHERE collateral_asset_fts MATCH %s ORDER BY rowid DESC LIMIT %s)), 0)"
    " ORDER BY bm25(collateral_asset_fts, 10.0, 5.0, 1.0) LIMIT %s OFFSET %s"
)
RANKED = 2000  # more than count_matching's cap, so a count up to it is exact
# The best matches a library page or the API reads: ten pages of 25, as a person refines
# the words before paging further (a 250-value IN checks them against what they may see).
SEARCHED = 250
MAX_WORDS = 8
WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words typed, lower-cased, at most MAX_WORDS (punctuation and operators of either
    engine's query language never reach it: only word characters do)."""
    return [w.lower() for w in WORD.findall(str(text or ""))][:MAX_WORDS]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def index(asset: Asset) -> None:
    """Put the asset's published words in the index (replacing what was there)."""
    body = asset.published_version.text if asset.published_version is not None else ""
    AssetText.objects.update_or_create(asset=asset, defaults={"body": body})
    if _postgres():
        AssetText.objects.filter(pk=asset.pk).update(
            document=SearchVector(Value(asset.title), weight="A", config="english")
            + SearchVector(Value(asset.tags), weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(FTS_DELETE, [asset.pk])
        cursor.execute(FTS_INSERT, [asset.pk, asset.title, asset.tags, body])


def unindex(asset_id: int) -> None:
    AssetText.objects.filter(pk=asset_id).delete()
    if not _postgres():
        with connection.cursor() as cursor:
            cursor.execute(FTS_DELETE, [asset_id])


def matching_ids(text: str, *, limit: int, offset: int = 0) -> list[int]:
    """The ids of published assets matching every word of ``text``, best first, from
    the newest ``RANKED`` matches."""
    found = words(text)
    if not found:
        return []
    if _postgres():
        query = SearchQuery(
            " & ".join(f"{w}:*" for w in found), search_type="raw", config="english"
        )
        newest = AssetText.objects.filter(document=query).order_by("-pk").values("pk")[:RANKED]
        return list(
            AssetText.objects.filter(pk__in=newest)
            .annotate(rank=SearchRank(F("document"), query))
            .order_by("-rank", "-pk")
            .values_list("pk", flat=True)[offset : offset + limit]
        )
    match = " ".join(f'"{w}"*' for w in found)
    with connection.cursor() as cursor:
        cursor.execute(FTS_MATCH, [match, match, RANKED, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def count_matching(text: str, *, cap: int = 1000) -> int:
    """How many published assets match, counted up to ``cap`` (a page says "1,000+")."""
    return len(matching_ids(text, limit=cap + 1))
