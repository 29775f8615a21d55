"""Collateral: the library's full-text search over ``--assets`` (50,000) published assets,
server time in-process with Django's test client (no network), against a floor.

For each kind of query (a common word, a word in a quarter of the assets, a rare word,
two words, a prefix, a word that matches nothing) it times (a) ``search.matching_ids(q,
limit=250)`` alone; (b) the whole library page ``/collateral/library/?q=...`` as a
front-line person (staff) sees it, with this process's CPU time beside (the machine is
shared); (c) the floor, the least work the job needs, through a raw cursor: one bare
ranked read of a page's worth of ids from the index (SQLite: ``SELECT rowid ... MATCH ?
ORDER BY rank LIMIT 25`` on the FTS5 table; PostgreSQL: ``SELECT asset_id ... WHERE
document @@ to_tsquery(...) ORDER BY ts_rank(...) DESC LIMIT 25``), with every match
ranked, and again with only the newest ``search.RANKED`` matches ranked, as ``search``
ranks them. It ends with the page without a search and the page's region list alone.

The library is written once into the database the environment names and kept, so later
runs measure without rebuilding (``--fresh`` drops and re-creates the database first,
``--drop`` drops it at the end; both only for a database whose name says "bench", and
on SQLite for the file under ``TANDEM_VAR_DIR``, which defaults to a folder under /tmp
here, never the work tree's var/).

How the library is built, and why it is what ``search.index`` would have stored:

- Each asset is a published brochure (or deck, case study, ...) with one published
  ``AssetVersion`` (a PDF of 3 pages, its first-page preview named; the files themselves
  are not written: the page only names them) whose ``text`` is the body, a title and
  two to four tags. Rows go in as tuples through ``core.bulk.insert_rows`` (COPY on
  PostgreSQL, executemany on SQLite), ids reserved up front. Left out, because the
  library page never reads them: the history rows, review policies, sign-off requests
  and usage or feedback (the page's per-card figures are then zeros).
- The words: 150-450 per body (mean 300), drawn with a Zipf law (s = 1.05) over a
  vocabulary of about 57,000 words, ranked: marketing words of the trade first
  ("energy", "heating", "installation", ...), then Faker's English words and names,
  then a long tail of product and place names made of syllables. So a common word is
  in nearly every asset and a rare one in a few dozen, as in a real library.
- ``AssetText.body`` is the version's text, as ``search.index`` sets it from
  ``asset.published_version.text``.
- PostgreSQL: ``document`` is computed by the database in one UPDATE with the very
  expression ``search.index`` uses (``SearchVector(title, weight="A") +
  SearchVector(tags, weight="B") + SearchVector("body", weight="C")``, config
  "english"); the title and tags come from a subquery on the asset's row where
  ``index`` passes them as values, which is the same text under the same functions.
- SQLite: the FTS5 rows are written with ``search.FTS_INSERT`` itself (rowid, title,
  tags, body) in one executemany; ``index`` deletes the rowid first, and there is none.
- After building, a few assets are indexed again through ``search.index`` and their
  stored row (the tsvector, or the FTS5 columns) must come out unchanged; the script
  stops if not.

``--explain`` prints PostgreSQL's plan (EXPLAIN ANALYZE, BUFFERS) of each query's
``matching_ids``.
"""

import argparse
import logging
import os
import statistics
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

os.environ.setdefault("TANDEM_VAR_DIR", str(Path(tempfile.gettempdir()) / "bench-collateral"))
from common import (
    database,
    migrated,
    percentile,
    recreate_database,
    setup,
    summary,
    timed,
)

TRADE_WORDS = """energy heating heat pump installation boiler solar panel battery greenhouse
winter offer save grower customer branch finance warranty efficient insulation thermostat
radiator ventilation cooling service engineer survey quote grant carbon emissions tariff
smart meter controls hybrid commercial domestic upgrade replacement maintenance annual
renewable electricity gas oil biomass underfloor cylinder compressor refrigerant airflow
humidity crop yield harvest glasshouse polytunnel irrigation lighting led payback return
investment subsidy scheme eligible approved certified accredited installer installed
installing installs brochure guide specification datasheet case study testimonial
""".split()  # noqa: SIM905 - a paragraph of words reads better than a list of strings
QUERIES = {  # kind -> text; the rare word is filled in from the vocabulary's tail
    "common word": "energy",
    "middling word": "budget",  # in about a quarter of the assets
    "rare word": None,
    "two words": "winter offer",
    "prefix": "instal",
    "no match": "zzqxv",
}


def vocabulary() -> list[str]:
    """Words in the order of how often they are used (rank 1 first)."""
    import random

    from faker.providers.address.en_US import Provider as Address
    from faker.providers.lorem.en_US import Provider as Lorem
    from faker.providers.person.en_US import Provider as Person

    rng = random.Random(16)
    english = [w.lower() for w in Lorem.word_list if w.lower() not in TRADE_WORDS]
    rng.shuffle(english)
    names = sorted(
        {w.lower() for w in [*Person.last_names, *Person.first_names, *Address.city_suffixes]}
    )
    rng.shuffle(names)
    onsets = ["b", "br", "c", "d", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r",
              "s", "st", "t", "tr", "v", "w", "z"]  # fmt: skip
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
    codas = ["", "n", "r", "s", "x", "l", "m", "nd", "rk", "th"]
    made: set[str] = set()
    seen = set(TRADE_WORDS) | set(english) | set(names)
    while len(made) < 55_000:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.choice((2, 3)))
        )
        if word not in seen:
            made.add(word)
    tail = sorted(made)
    rng.shuffle(tail)
    return [*TRADE_WORDS, *english, *names, *tail]


def build(count: int, *, seed: int = 16) -> None:
    """Write ``count`` published assets, their versions, texts and index rows."""
    import hashlib
    import uuid

    import numpy as np
    from django.contrib.postgres.search import SearchVector
    from django.db import connection, transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from tandem.collateral import search
    from tandem.collateral.models import Asset, AssetText, AssetVersion
    from tandem.core import bulk
    from tandem.people.models import Membership, Team, User

    words = vocabulary()
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    weights = ranks**-1.05
    weights /= weights.sum()
    rng = np.random.default_rng(seed)
    kinds = [k for k in Asset.Kind.values]
    regions = ["", "", "", "North", "South", "Scotland", "Wales", "Midlands"]
    audiences = ["Growers", "Homeowners", "Landlords", "Farms", "Schools", "Installers", ""]
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    began = time.perf_counter()
    with transaction.atomic():
        team = Team.objects.create(name="Bench library marketing", function="marketing")
        marketer = User.objects.create(
            email="bench-library-marketing@example.test",
            full_name="Bench Library Marketing",
            handle="bench-library-marketing",
        )
        Membership.objects.create(user=marketer, team=team, role="member")
        branch = Team.objects.create(name="Bench library branch", function="front_line")
        reader = User.objects.create(
            email="bench-library@example.test", full_name="Bench Branch", handle="bench-library"
        )
        Membership.objects.create(user=reader, team=branch, role="member")
        asset_ids = bulk.reserve_ids(Asset, count)
        version_ids = bulk.reserve_ids(AssetVersion, count)
        lengths = rng.integers(150, 451, size=count)
        drawn = rng.choice(len(words), size=int(lengths.sum()), p=weights)
        trade = len(TRADE_WORDS)
        assets, versions, texts = [], [], []
        at = 0
        for n in range(count):
            picks = drawn[at : at + lengths[n]]
            at += lengths[n]
            body = " ".join(words[i] for i in picks)
            title = " ".join(words[i] for i in rng.choice(trade * 4, size=rng.integers(3, 7)))
            title = title.capitalize()
            tags = ", ".join(dict.fromkeys(TRADE_WORDS[i] for i in rng.integers(0, trade, 3)))
            key = uuid.UUID(bytes=rng.bytes(16), version=4)
            published_at = now - timedelta(seconds=int(rng.integers(0, 3 * 365 * 86400)))
            assets.append(
                {
                    "id": asset_ids[n],
                    "title": title,
                    "kind": kinds[n % len(kinds)],
                    "audience": audiences[n % len(audiences)],
                    "region": regions[n % len(regions)],
                    "tags": tags,
                    "status": "published",
                    "current_version_id": version_ids[n],
                    "published_version_id": version_ids[n],
                    "version_count": 1,
                    "published_at": published_at,
                    "owner_id": marketer.pk,
                    "team_id": team.pk,
                }
            )
            versions.append(
                {
                    "id": version_ids[n],
                    "asset_id": asset_ids[n],
                    "number": 1,
                    "key": key if postgres else key.hex,  # Django's SQLite column: hex
                    "file": f"collateral/files/{key.hex}.pdf",
                    "name": f"{title[:190]}.pdf",
                    "file_kind": "pdf",
                    "content_type": "application/pdf",
                    "extension": ".pdf",
                    "size": int(rng.integers(200_000, 20_000_000)),
                    "sha256": hashlib.sha256(key.bytes).hexdigest(),
                    "pages": 3,
                    "preview": f"collateral/pages/{key.hex}/1.png",
                    "text": body,
                    "uploaded_by_id": marketer.pk,
                    "uploaded_at": published_at,
                }
            )
            texts.append((asset_ids[n], body))
        del drawn
        made = time.perf_counter()
        print(f"  generated {count:,} assets' words in {made - began:.1f} s")
        for model, rows in ((Asset, assets), (AssetVersion, versions)):
            columns = list(rows[0])
            rest = bulk.column_defaults(model, columns, now)
            rest.pop("document", None)
            names = [*columns, *rest]
            tail = tuple(rest.values())
            bulk.insert_rows(
                model,
                names,
                ((*(r[c] for c in columns), *tail) for r in rows),
            )
        bulk.insert_rows(AssetText, ["asset_id", "body"], texts)
        written = time.perf_counter()
        print(f"  wrote the assets, versions and texts in {written - made:.1f} s")
        if connection.vendor == "postgresql":
            title = Subquery(Asset.objects.filter(pk=OuterRef("pk")).values("title")[:1])
            tags = Subquery(Asset.objects.filter(pk=OuterRef("pk")).values("tags")[:1])
            AssetText.objects.filter(pk__in=asset_ids).update(  # one UPDATE (a range of ids)
                document=SearchVector(title, weight="A", config="english")
                + SearchVector(tags, weight="B", config="english")
                + SearchVector("body", weight="C", config="english")
            )
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    search.FTS_INSERT,
                    [
                        (a["id"], a["title"], a["tags"], v["text"])
                        for a, v in zip(assets, versions, strict=True)
                    ],
                )
        print(f"  indexed them in {time.perf_counter() - written:.1f} s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            began_vacuum = time.perf_counter()
            cursor.execute("VACUUM ANALYZE collateral_asset")
            cursor.execute("VACUUM ANALYZE collateral_assetversion")
            cursor.execute("VACUUM ANALYZE collateral_assettext")  # and flushes the GIN list
            print(
                f"  VACUUM ANALYZE (autovacuum would) in {time.perf_counter() - began_vacuum:.1f} s"
            )
        else:
            cursor.execute("ANALYZE")
    print(f"built {count:,} assets in {time.perf_counter() - began:.1f} s")


def stored_row(asset_id: int) -> tuple[object, ...]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT body, document::text FROM collateral_assettext WHERE asset_id = %s",
                [asset_id],
            )
        else:
            cursor.execute(
                "SELECT t.body, f.title, f.tags, f.body FROM collateral_asset_fts f"
                " JOIN collateral_assettext t ON t.asset_id = f.rowid WHERE f.rowid = %s",
                [asset_id],
            )
        return tuple(cursor.fetchall())


def check_as_indexed(asset_ids: list[int]) -> None:
    """Index a few assets again through ``search.index``: nothing stored may change."""
    from django.db import transaction

    from tandem.collateral import search
    from tandem.collateral.models import Asset

    for asset_id in asset_ids:
        before = stored_row(asset_id)
        with transaction.atomic():
            search.index(Asset.objects.select_related("published_version").get(pk=asset_id))
            after = stored_row(asset_id)
            transaction.set_rollback(True)
        assert before and before == after, f"asset {asset_id}: the bulk row differs from index()"
    print(f"checked: {len(asset_ids)} assets indexed again by search.index, rows unchanged")


def database_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


def floor_for(text: str, page: int, newest: int | None = None) -> tuple[str, list[object]]:
    """The bare ranked read of one page of ids, as each engine's query would be typed:
    every match ranked, or (``newest``) only the newest that many, as ``search`` ranks."""
    from django.db import connection

    from tandem.collateral import search

    found = search.words(text)
    if connection.vendor == "postgresql":
        query = " & ".join(f"{w}:*" for w in found)
        source = "collateral_assettext"
        if newest:
            source = (
                "(SELECT asset_id, document FROM collateral_assettext"
                " WHERE document @@ to_tsquery('english', %s) ORDER BY asset_id DESC LIMIT %s) c"
            )
        return (
            f"SELECT asset_id FROM {source} WHERE document @@ to_tsquery('english', %s)"  # noqa: S608
            " ORDER BY ts_rank(document, to_tsquery('english', %s)) DESC LIMIT %s",
            [*([query, newest] if newest else []), query, query, page],
        )
    match = " ".join(f'"{w}"*' for w in found)
    bound = (
        " AND rowid >= coalesce((SELECT min(rowid) FROM (SELECT rowid FROM collateral_asset_fts"
        " WHERE collateral_asset_fts MATCH %s ORDER BY rowid DESC LIMIT %s)), 0)"
    )
    return (
        "SELECT rowid FROM collateral_asset_fts WHERE collateral_asset_fts MATCH %s"  # noqa: S608
        f"{bound if newest else ''} ORDER BY rank LIMIT %s",
        [match, *([match, newest] if newest else []), page],
    )


def matches(text: str) -> int:
    """How many assets the index says match (all of them, not capped)."""
    from django.db import connection

    sql, params = floor_for(text, 1)
    sql = sql.replace("SELECT asset_id", "SELECT count(*)").replace(
        "SELECT rowid", "SELECT count(*)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql.split(" ORDER BY")[0], params[:1])
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query and step")
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--explain", action="store_true", help="PostgreSQL's plans")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client

    from tandem.collateral import search
    from tandem.collateral.models import Asset
    from tandem.core.pagination import PAGE_SIZE
    from tandem.people.models import User

    if args.fresh:
        recreate_database()
    migrated(static=True)
    have = Asset.objects.filter(team__name="Bench library marketing").count()
    if have == 0:
        build(args.assets)
        check_as_indexed(list(Asset.objects.order_by("?").values_list("pk", flat=True)[:3]))
    elif have != args.assets:
        raise SystemExit(f"the database holds {have:,} bench assets, not {args.assets:,}: --fresh")
    published = Asset.objects.published().count()
    words = vocabulary()
    queries = {k: v or words[-1000] for k, v in QUERIES.items()}
    print(
        f"database={database()} ({database_name()}) published assets={published:,} "
        f"vocabulary={len(words):,} words; queries: "
        + ", ".join(f"{k} {q!r} matches {matches(q):,}" for k, q in queries.items())
    )

    logging.getLogger("axes").setLevel(logging.WARNING)  # its line per sign-in
    reader = User.objects.get(email="bench-library@example.test")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    response = client.get("/collateral/library/", {"q": queries["common word"]})
    assert response.status_code == 200, response.status_code
    assert response.content.count(b'class="library-card"') == PAGE_SIZE, "a full page of cards"

    def page(text: str) -> None:
        response = client.get("/collateral/library/", {"q": text})
        assert response.status_code == 200, response.status_code

    def floor(text: str, newest: int | None = None) -> None:
        sql, params = floor_for(text, PAGE_SIZE, newest)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def cpu_timed(work: object, runs: int) -> tuple[list[float], list[float]]:
        """Wall-clock and this process's CPU milliseconds per run, after a warm-up (the
        machine is shared: CPU time is this process's own work without the waits)."""
        work()  # type: ignore[operator]
        wall, cpu = [], []
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            work()  # type: ignore[operator]
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        return wall, cpu

    def p(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} / {percentile(values, 95):.1f}"

    ranked = search.RANKED if hasattr(search, "RANKED") else None
    rows = []
    for kind, text in queries.items():
        ids = timed(partial(search.matching_ids, text, limit=250), args.runs)
        served, cpu = cpu_timed(partial(page, text), args.runs)
        least = timed(partial(floor, text), args.runs)
        least_newest = timed(partial(floor, text, ranked), args.runs) if ranked else least
        print(f"{kind} {text!r} ({matches(text):,} matches):")
        print(summary("  matching_ids(limit=250)", ids))
        print(
            summary("  library page", served)
            + f"; this process's CPU p50 {statistics.median(cpu):.1f} ms"
        )
        print(summary(f"  floor: every match ranked, LIMIT {PAGE_SIZE}", least))
        if ranked:
            print(
                summary(
                    f"  floor: the newest {ranked:,} matches ranked, LIMIT {PAGE_SIZE}",
                    least_newest,
                )
            )
        rows.append((kind, text, ids, served, cpu, least, least_newest))
    print(
        "| query | matches | matching_ids p50 / p95 | page p50 / p95 (CPU p50) "
        "| floor, all ranked | floor, newest ranked | page / floors (p50) |"
    )
    for kind, text, ids, served, cpu, least, least_newest in rows:
        ratios = [
            statistics.median(served) / max(statistics.median(f), 0.001)
            for f in (least, least_newest)
        ]
        print(
            f"| {kind} ({text!r}) | {matches(text):,} | {p(ids)} "
            f"| {p(served)} ({statistics.median(cpu):.1f}) | {p(least)} | {p(least_newest)} "
            f"| {ratios[0]:.1f}x / {ratios[1]:.1f}x |"
        )
    everything = [m for row in rows for m in row[3]]
    print(summary("library page, all queries", everything))
    print(
        summary("library page without a search (newest first)", timed(lambda: page(""), args.runs))
    )
    from tandem.collateral.library_views import _regions

    print(
        summary(
            "  of which its region list (every library page reads it)", timed(_regions, args.runs)
        )
    )

    if args.explain and connection.vendor == "postgresql":
        from django.test.utils import CaptureQueriesContext

        for kind, text in queries.items():
            with CaptureQueriesContext(connection) as captured:
                search.matching_ids(text, limit=250)
            for query in captured.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = "\n".join(r[0] for r in cursor.fetchall())
                print(f"-- {kind} {text!r}: {query['sql']}\n{plan}")
    if args.drop:
        recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
