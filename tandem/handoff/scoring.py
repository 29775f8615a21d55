"""Joint lead scoring: fit rules on who a person is, engagement rules on what they did.

Score = fit points + engagement points, where each touch of a kind with a rule is worth
that rule's points halved every ``half_life_days`` since it happened. Everything is
computed by the database as expressions (``Case``/``When`` for fit, an aggregate over
touches for engagement; ``scoring_runs.score_contacts`` joins the two in one UPDATE), so
rescoring a million leads is a statement per range of contacts rather than a loop per
contact, and ``explain`` answers "why this score?" with the same expressions for one
lead at the moment it was scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Power, Round

from tandem.campaigns.models import Touchpoint
from tandem.core.errors import DomainError, ErrorCode
from tandem.crm.models import Contact

# Fields fit rules may test: name -> (label, lookup from the contact).
FIT_FIELDS: dict[str, tuple[str, str]] = {
    "job_title": ("Job title", "job_title"),
    "email": ("E-mail", "email"),
    "phone": ("Phone", "phone"),
    "account.name": ("Company name", "account__name"),
    "account.domain": ("Company domain", "account__domain"),
    "account.industry": ("Industry", "account__industry"),
    "account.segment": ("Segment", "account__segment"),
    "account.region": ("Region", "account__region"),
}
# Touches older than this many half-lives are worth under 0.01 % of their points.
HORIZON_HALF_LIVES = 14


class DaysBetween(Func):
    """Days from ``start`` to ``end`` (two datetimes) as a float, on both databases."""

    output_field = FloatField()
    arity = 2

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        return end[0], start[0], [*end[1], *start[1]]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        end, start, params = self._parts(compiler, connection)
        return f"(julianday({end}) - julianday({start}))", params

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        end, start, params = self._parts(compiler, connection)
        # EXTRACT gives numeric, and numeric POWER is slow: aggregating a million leads'
        # touches in numeric took many times as long as in double precision (figures in
        # bench/README.md).
        return f"(EXTRACT(EPOCH FROM ({end} - {start}))::float8 / 86400.0::float8)", params


@dataclass(frozen=True)
class Rule:
    """A rule as the engine sees it (validated; ``ScoringRule`` rows become these)."""

    kind: str  # "fit" or "engagement"
    field: str
    operator: str
    value: str
    points: int
    id: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "engagement":
            return f"Each {touch_label(self.field).lower()} (decaying)"
        name = FIT_FIELDS[self.field][0]
        if self.operator == "is_set":
            return f"{name} is filled in"
        verb = "is" if self.operator == "equals" else "contains"
        return f"{name} {verb} “{self.value}”"


def touch_label(kind: str) -> str:
    return str(dict(Touchpoint.Kind.choices).get(kind, kind))


def describe_rule(row: Any) -> str:
    return rule_of(row).label


def rule_of(row: Any) -> Rule:
    return Rule(row.kind, row.field, row.operator, row.value, row.points, row.pk)


def check_rule(*, kind: str, field: str, operator: str, value: str, points: Any) -> Rule:
    """A rule, or DomainError naming what is wrong (a field that does not exist, ...)."""
    try:
        number = int(points)
    except (TypeError, ValueError):
        raise DomainError(
            ErrorCode.INVALID, "Points must be a whole number.", field="points"
        ) from None
    if not -1000 <= number <= 1000:
        raise DomainError(ErrorCode.INVALID, "Points go from -1000 to 1000.", field="points")
    value = (value or "").strip()
    if kind == "fit":
        if field not in FIT_FIELDS:
            known = ", ".join(FIT_FIELDS)
            raise DomainError(
                ErrorCode.INVALID,
                f"There is no field “{field[:40]}” to score on; use one of {known}.",
                field="field",
            )
        if operator not in ("equals", "contains", "is_set"):
            raise DomainError(
                ErrorCode.INVALID, "Choose is, contains or is filled in.", field="operator"
            )
        if operator != "is_set" and not value:
            raise DomainError(ErrorCode.INVALID, "Say what the field should hold.", field="value")
        if len(value) > 200:
            raise DomainError(ErrorCode.INVALID, "At most 200 characters.", field="value")
        return Rule("fit", field, operator, value if operator != "is_set" else "", number)
    if kind == "engagement":
        if field not in Touchpoint.Kind.values:
            raise DomainError(
                ErrorCode.INVALID,
                f"There is no touch kind “{field[:40]}”; use one of "
                f"{', '.join(Touchpoint.Kind.values)}.",
                field="field",
            )
        return Rule("engagement", field, "", "", number)
    raise DomainError(ErrorCode.INVALID, "A rule is about fit or engagement.", field="kind")


# --- Expressions -------------------------------------------------------------------------
def fit_condition(rule: Rule, prefix: str = "") -> Q:
    lookup = prefix + FIT_FIELDS[rule.field][1]
    if rule.operator == "is_set":
        return Q(**{f"{lookup}__gt": ""})
    if rule.operator == "equals":
        return Q(**{f"{lookup}__iexact": rule.value})
    return Q(**{f"{lookup}__icontains": rule.value})


def fit_points(rules: list[Rule], prefix: str = "") -> Any:
    """Sum of the fit rules' points that hold for the row (0 when none does)."""
    terms = [
        Case(When(fit_condition(r, prefix), then=Value(r.points)), default=Value(0))
        for r in rules
        if r.kind == "fit"
    ]
    if not terms:
        return Value(0, output_field=IntegerField())
    total: Any = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def decayed(points: int, half_life_days: float, as_of: datetime) -> Any:
    """``points`` halved every half-life since the touch happened."""
    age = DaysBetween(Value(as_of), "occurred_at")
    return _float(points) * Power(_float(0.5), age / _float(half_life_days))


def _float(number: float) -> Cast:
    """A double-precision constant (a bare 0.5 is numeric to PostgreSQL)."""
    return Cast(Value(float(number)), FloatField())


def engagement_touches(as_of: datetime, half_life_days: float) -> Any:
    """The touches that count toward a score at ``as_of``: known by then, happened by
    then, and within the decay horizon (the caller narrows them to its contacts)."""
    horizon = as_of - timedelta(days=half_life_days * HORIZON_HALF_LIVES)
    return Touchpoint.objects.filter(
        occurred_at__lte=as_of, occurred_at__gt=horizon, recorded_at__lte=as_of
    )


def _weight(points: dict[str, int], half_life_days: float, as_of: datetime) -> Case:
    """A touch's decayed points under the engagement rules (0 for kinds without one)."""
    return Case(
        *(When(kind=k, then=decayed(p, half_life_days, as_of)) for k, p in points.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )


def engagement_totals(
    rules: list[Rule], half_life_days: float, as_of: datetime, contacts: dict[str, Any]
) -> Any:
    """(contact_id, total) for each of ``contacts`` (lookups on the contact id, such as
    ``{"in": ids}`` or ``{"gte": a, "lt": b}``) with engagement; None when no rule is
    about engagement."""
    points = {r.field: r.points for r in rules if r.kind == "engagement"}
    if not points:
        return None
    return (
        engagement_touches(as_of, half_life_days)
        .filter(kind__in=list(points), **{f"contact_id__{k}": v for k, v in contacts.items()})
        .order_by()
        .values("contact_id")
        .annotate(total=Sum(_weight(points, half_life_days, as_of)))
    )


def contact_scores(rules: list[Rule], half_life_days: float, as_of: datetime) -> dict[str, Any]:
    """``Contact.objects.filter(...).annotate(**contact_scores(...))``: fit and engagement
    per contact, the same numbers ``scoring_runs.score_contacts`` joins over a range, here
    with a subquery per contact. For a few contacts (speed to lead) these are index
    lookups, read before a transaction takes the write lock."""
    totals = engagement_totals(rules, half_life_days, as_of, {"exact": OuterRef("pk")})
    engagement = (
        Value(0, output_field=IntegerField())
        if totals is None
        else Round(
            Coalesce(Subquery(totals.values("total"), output_field=FloatField()), Value(0.0))
        )
    )
    return {"fit": fit_points(rules), "engagement": engagement}


# --- Why this score ----------------------------------------------------------------------
@dataclass
class Reason:
    label: str
    points: float
    count: int = 0  # touches behind an engagement reason


def explain(
    contact_id: int, rules: list[Rule], half_life_days: float, as_of: datetime
) -> list[Reason]:
    """The rules that fired for one contact at ``as_of``, with their points (two queries)."""
    reasons: list[Reason] = []
    fit_rules = [r for r in rules if r.kind == "fit"]
    if fit_rules:
        flags = (
            Contact.objects.filter(pk=contact_id)
            .annotate(
                **{
                    f"r{i}": Case(When(fit_condition(r), then=Value(1)), default=Value(0))
                    for i, r in enumerate(fit_rules)
                }
            )
            .values(*(f"r{i}" for i in range(len(fit_rules))))
            .first()
        ) or {}
        reasons += [
            Reason(r.label, r.points) for i, r in enumerate(fit_rules) if flags.get(f"r{i}")
        ]
    points = {r.field: r for r in rules if r.kind == "engagement"}
    if points:
        rows = (
            engagement_touches(as_of, half_life_days)
            .filter(contact_id=contact_id, kind__in=list(points))
            .order_by()
            .values("kind")
            .annotate(
                count=Count("id"),
                weight=Sum(decayed(1, half_life_days, as_of), output_field=FloatField()),
            )
        )
        for row in rows:
            rule = points[row["kind"]]
            reasons.append(
                Reason(
                    f"{touch_label(row['kind'])}: {row['count']} "
                    f"touch{'es' if row['count'] != 1 else ''} ({rule.points:+d} each, decaying)",
                    round(rule.points * (row["weight"] or 0.0), 1),
                    row["count"],
                )
            )
    return sorted(reasons, key=lambda r: -abs(r.points))


def reasons_for(lead: Any) -> list[Reason]:
    """Why ``lead`` (a handoff Lead) has its score: its scoring model's rules that fired,
    recomputed at the moment it was scored."""
    model = lead.scoring_model
    if model is None or lead.scored_at is None:
        return []
    rules = [rule_of(r) for r in model.rules.all()]
    return explain(lead.pk, rules, float(model.half_life_days), lead.scored_at)
