"""Named reads of the customer record. Everyone who works here sees the shared record;
``visible_to`` mirrors the "view" rows of the permission table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Collate, Lower, TruncMonth

from tandem.core.ids import parse_id
from tandem.core.permissions import is_staff
from tandem.crm.normalise import phone_prefix
from tandem.crm.probability import CLOSED_STAGES, percent_of_stage

MAX_SEARCH_WORDS = 5
# The contact list's filters in its query string (see ContactQuerySet.list_filters).
CONTACT_FILTERS = ("q", "account", "mine")


def search_words(text: str) -> list[str]:
    """The lower-cased words of a search, at most MAX_SEARCH_WORDS of 100 characters."""
    # NUL separates words too: PostgreSQL refuses it in any text it is sent.
    words = [w for w in text.replace("\x00", " ").lower().split() if w][:MAX_SEARCH_WORDS]
    return [w[:100] for w in words]


def starts_with(name: str, prefix: str, *, byte_order: bool) -> Q:
    """``name`` (an alias of a lower-cased expression) starts with ``prefix``: a range
    (``>= 'fle' AND < 'flf'``) that an index on the expression answers, plus a LIKE
    where the range alone is not exact (see ``prefix_search``)."""
    last = ord(prefix[-1])
    bounds = {"gte": prefix, **({"lt": prefix[:-1] + chr(last + 1)} if last < 0x10FFFF else {})}
    exact = byte_order and "lt" in bounds
    return Q(**{f"{name}__{op}": value for op, value in bounds.items()}) & (
        Q() if exact else Q(**{f"{name}__startswith": prefix})
    )


def prefix_search(
    queryset: Any,
    text: str,
    fields: dict[str, Any],
    partial: dict[str, Q] | None = None,
    *,
    byte_order: bool | None = None,
) -> Any:
    """Records where every word of ``text`` starts one of ``fields`` (alias -> lower-cased
    expression), as HubSpot and Salesforce search do: "tom fle" finds Tom Fletcher.

    Each word is a range on the lower-cased value (``>= 'fle' AND < 'flf'``), which both
    databases answer from an index on that expression. Substring search ("%fle%") cannot
    use a B-tree index and read all million contacts on every keystroke. The range is
    exact where text compares byte by byte (``byte_order``: SQLite, PostgreSQL with the C
    collation); under a linguistic collation a LIKE on top drops what sorts into the
    range without starting with the word. (Only there: the planner multiplies the two
    selectivities, underestimates the matches and walks the whole list order instead.)
    ``partial`` adds, per field, the condition of a partial index that serves it.

    This finds every match, for a list to sort and page through; ``ranked_prefixes``
    finds the first few, for a search box, from the same ranges.
    """
    words = search_words(text)
    if not words:
        return queryset
    if byte_order is None:
        byte_order = compares_bytes()
    queryset = queryset.alias(**fields)
    for word in words:
        either = Q()
        for name in fields:
            either |= starts_with(name, word, byte_order=byte_order) & (partial or {}).get(
                name, Q()
            )
        queryset = queryset.filter(either)
    return queryset


@dataclass(frozen=True)
class Shape:
    """One way a search's words can meet a record: each field alias given must start
    with its text. ``order``: the columns of the index that holds those fields first,
    in that order, so the first few matches are read off the index without a sort."""

    starts: dict[str, str]
    order: tuple[Any, ...]
    also: Q = field(default_factory=Q)  # e.g. the condition of the partial index serving it


def ranked_prefixes(
    queryset: Any, fields: dict[str, Any], shapes: Sequence[Shape], limit: int
) -> list[Any]:
    """The first ``limit`` records of the shapes in turn (a record once), each shape
    read in its index's order up to ``limit``: at most one short index range per shape,
    however many records match, where ``prefix_search`` sorted all of them (two-word
    searches of common names took 300-500 ms at a million contacts; bench/README.md).

    SQLite runs in this process, so each shape is a query of its own, and shapes that
    cannot add to a full answer are not asked. PostgreSQL is a round trip and a plan
    away: there the shapes' ids come in one UNION ALL and the records in a second
    query (figures in bench/README.md)."""
    byte_order = compares_bytes()
    matching = queryset.alias(**fields)
    reads = []
    for shape in shapes:
        where = shape.also
        for name, prefix in shape.starts.items():
            where &= starts_with(name, prefix, byte_order=byte_order)
        reads.append(matching.filter(where).order_by(*shape.order))
    if len(reads) > 1 and connection.features.supports_slicing_ordering_in_compound:
        return _in_one_round_trip(queryset, reads, limit)
    found: dict[Any, Any] = {}
    for read in reads:
        if len(found) >= limit:
            break
        for record in read[:limit]:
            found.setdefault(record.pk, record)
    return list(found.values())[:limit]


def _in_one_round_trip(queryset: Any, reads: list[Any], limit: int) -> list[Any]:
    ranked = [
        read.annotate(search_rank=Value(rank)).values_list("pk", "search_rank")[:limit]
        for rank, read in enumerate(reads)
    ]
    rows = ranked[0].union(*ranked[1:], all=True)
    ids = list(dict.fromkeys(pk for pk, _ in sorted(rows, key=itemgetter(1))))[:limit]
    if not ids:
        return []
    records = queryset.in_bulk(ids)
    return [records[pk] for pk in ids if pk in records]


def sort_matches(model: Any, order: Sequence[str]) -> list[Any]:
    """The ORDER BY of search results. On PostgreSQL, text columns sort under the "C"
    collation, which no index provides, so the planner sorts the matches it finds through
    the search indexes. Otherwise it walks the whole list in name order expecting to meet
    matches early, as if they were spread evenly; a surname's matches sit together, and
    a search for "wright" read a million contacts first (figures in bench/README.md).
    Under a C-collated database (as here) the order is the list's own."""
    if connection.vendor != "postgresql":
        return list(order)
    out: list[Any] = []
    for name in order:
        field = name.lstrip("-")
        if not isinstance(model._meta.get_field(field), models.CharField):
            out.append(name)
            continue
        collated = Collate(F(field), "C")
        out.append(collated.desc() if name.startswith("-") else collated.asc())
    return out


_COLLATIONS: dict[str, bool] = {}


def compares_bytes() -> bool:
    """Whether the database orders text by code point (SQLite's BINARY; PostgreSQL
    databases created with the C or POSIX collation), asked once per database."""
    if connection.vendor != "postgresql":
        return True
    key = f"{connection.settings_dict.get('HOST')}/{connection.settings_dict.get('NAME')}"
    if key not in _COLLATIONS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            collation = str(cursor.fetchone()[0])
        _COLLATIONS[key] = collation in ("C", "POSIX") or collation.startswith("C.")
    return _COLLATIONS[key]


class CustomerQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> Any:
        return self.all() if is_staff(user) else self.none()

    def owned_by(self, user_id: int) -> Any:
        return self.filter(owner_id=user_id)

    def of_team(self, team_id: int) -> Any:
        return self.filter(team_id=team_id)


class AccountQuerySet(CustomerQuerySet):
    def with_domains(self, domains: Any) -> AccountQuerySet:
        """Accounts with these normalised domains, unordered (a lookup, not a list).
        Saying "domain <> ''" as well lets both databases use the partial unique index
        (one account per domain) for the lookup."""
        return self.filter(domain__any_of=domains).exclude(domain="").order_by()

    def search(self, text: str) -> AccountQuerySet:
        """Word prefixes of the name or the domain (see ``prefix_search``)."""
        return prefix_search(
            self,
            text,
            {"search_name": Lower("name"), "search_domain": F("domain")},
            {"search_domain": ~Q(domain="")},  # served by one_account_per_domain
        )

    def first_matches(self, text: str, limit: int) -> list[Any]:
        """The first ``limit`` accounts a search box shows: the name starts with the
        text ("acme so"), else the domain does."""
        prefix = " ".join(search_words(text))
        if not prefix:
            return []
        shapes = [Shape({"search_name": prefix}, ("search_name", "id"))]
        if " " not in prefix:
            shapes.append(Shape({"search_domain": prefix}, ("search_domain",), ~Q(domain="")))
        fields = {"search_name": Lower("name"), "search_domain": F("domain")}
        return ranked_prefixes(self, fields, shapes, limit)


class ContactQuerySet(CustomerQuerySet):
    def with_emails(self, emails: Any) -> ContactQuerySet:
        """Contacts with these normalised e-mails, through the partial unique index (see
        ``AccountQuerySet.with_domains``)."""
        return self.filter(email__any_of=emails).exclude(email="").order_by()

    def list_filters(self, params: Any, user: Any) -> ContactQuerySet:
        """The contact list's filters (q, account, mine) from a query string; the list,
        its exports and "target this list" in a campaign all read them here."""
        found = self.search(str(params.get("q", "")))
        account = parse_id(params.get("account"))
        if account is not None:
            found = found.filter(account_id=account)
        if params.get("mine") == "1":
            found = found.owned_by(user.pk)
        return found

    def search(self, text: str) -> ContactQuerySet:
        """Word prefixes of the first name, last name or e-mail (see ``prefix_search``),
        or the start of a phone number in any spelling (``phone_prefix``)."""
        phone = phone_prefix(text)
        if phone:
            return self.alias(search_phone=F("phone_e164")).filter(
                starts_with("search_phone", phone, byte_order=compares_bytes()) & ~Q(phone_e164="")
            )
        return prefix_search(
            self,
            text,
            {
                "search_first": Lower("first_name"),
                "search_last": Lower("last_name"),
                "search_email": F("email"),  # stored lower-case
            },
            {"search_email": ~Q(email="")},  # served by one_contact_per_email
        )

    def first_matches(self, text: str, limit: int) -> list[Any]:
        """The first ``limit`` contacts a search box shows for ``text`` (see
        ``contact_shapes``)."""
        fields, shapes = contact_shapes(text)
        return ranked_prefixes(self, fields, shapes, limit)


def contact_shapes(text: str, path: str = "") -> tuple[dict[str, Any], list[Shape]]:
    """How a search box's text meets contacts (those at ``path``, e.g. "contact__" from
    leads), best first: the start of a phone number in any spelling; else the words
    split in two, the first part starting the first name and the rest the last name
    ("tom fle", "mary ann smi"), or the other way round ("fletcher t"); a single word
    also starts the e-mail. Each shape is one range of one index: (first, last, id),
    (last, first, id), the e-mail's, the phone's."""
    fields = {
        "search_first": Lower(f"{path}first_name"),
        "search_last": Lower(f"{path}last_name"),
        "search_email": F(f"{path}email"),  # stored lower-case
        "search_phone": F(f"{path}phone_e164"),
    }
    phone = phone_prefix(text)
    if phone:
        has_phone = ~Q(**{f"{path}phone_e164": ""})
        return fields, [Shape({"search_phone": phone}, ("search_phone", f"{path}id"), has_phone)]
    words = search_words(text)
    by_first = ("search_first", "search_last", f"{path}id")
    by_last = ("search_last", "search_first", f"{path}id")
    shapes = []
    for split in range(1, len(words) + 1):
        head, tail = " ".join(words[:split]), " ".join(words[split:])
        shapes.append(
            Shape({"search_first": head, **({"search_last": tail} if tail else {})}, by_first)
        )
        shapes.append(
            Shape({"search_last": head, **({"search_first": tail} if tail else {})}, by_last)
        )
    if len(words) == 1:
        has_email = ~Q(**{f"{path}email": ""})  # served by one_contact_per_email
        shapes.append(Shape({"search_email": words[0]}, ("search_email",), has_email))
    return fields, shapes


class OpportunityQuerySet(CustomerQuerySet):
    def open(self) -> OpportunityQuerySet:
        return self.exclude(stage__in=["won", "lost"])

    def first_matches(self, text: str, limit: int) -> list[Any]:
        """The first ``limit`` opportunities whose name starts with the text."""
        prefix = " ".join(search_words(text))
        if not prefix:
            return []
        shape = Shape({"search_name": prefix}, ("search_name", "id"))
        return ranked_prefixes(self, {"search_name": Lower("name")}, [shape], limit)

    def owned_as(self, user: Any, owner: str) -> OpportunityQuerySet:
        """The board's and forecast's owner filter: "mine" (owned by ``user``), "team"
        (the deals of ``user``'s teams) or anything else: every deal they see."""
        if owner == "mine":
            return self.filter(owner_id=user.pk)
        if owner == "team":
            return self.filter(team_id__in=list(user.team_roles()))
        return self

    def closing_between(self, first: date, after: date) -> OpportunityQuerySet:
        """Deals whose close date is from ``first`` up to, not including, ``after``."""
        return self.filter(close_date__gte=first, close_date__lt=after)

    def stage_totals(self) -> OpportunityQuerySet:
        """One row per (stage, currency): ``count``, ``total`` and ``weighted_x100`` (the
        sum of amount x the stage's percent; divide by 100). Amounts in different
        currencies are never added together."""
        return (
            self.order_by()
            .values("stage", "currency")
            .annotate(
                count=Count("id"),
                total=Sum("amount"),
                weighted_x100=Sum(F("amount") * percent_of_stage(), output_field=_MONEY_X100),
            )
        )

    def forecast(self, first: date, after: date) -> OpportunityQuerySet:
        """One row per (close month, currency) for deals closing from ``first`` to
        ``after``: ``pipeline`` and ``weighted_x100`` of the open deals, ``won`` and the
        counts, all summed by the database (``TruncMonth`` of the close date)."""
        open_ = ~Q(stage__in=CLOSED_STAGES)
        return (
            self.closing_between(first, after)
            .order_by()
            .annotate(month=TruncMonth("close_date"))
            .values("month", "currency")
            .annotate(**_forecast_sums(open_))
        )

    def slipped(self, first: date) -> OpportunityQuerySet:
        """Open deals that should have closed before ``first`` or have no close date, per
        currency: ``overdue``/``undated`` totals and counts (what the forecast misses)."""
        overdue, undated = Q(close_date__lt=first), Q(close_date__isnull=True)
        return (
            self.open()
            .filter(overdue | undated)
            .order_by()
            .values("currency")
            .annotate(
                overdue=Sum("amount", filter=overdue),
                overdue_count=Count("id", filter=overdue),
                undated=Sum("amount", filter=undated),
                undated_count=Count("id", filter=undated),
            )
        )


_MONEY_X100: models.DecimalField[Any, Any] = models.DecimalField(max_digits=20, decimal_places=2)


def _forecast_sums(open_: Q) -> dict[str, Any]:
    won = Q(stage="won")
    return {
        "pipeline": Sum("amount", filter=open_),
        "open_count": Count("id", filter=open_),
        "weighted_x100": Sum(
            F("amount") * percent_of_stage(), filter=open_, output_field=_MONEY_X100
        ),
        "won": Sum("amount", filter=won),
        "won_count": Count("id", filter=won),
    }


class ActivityQuerySet(CustomerQuerySet):
    """Timelines read activities together with touches: see tandem.crm.timeline."""
