"""Attribution in the product: journeys from the database, cached reports computed by
the job, the page, the CSV and the heads' choice of model."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from tandem.approvals import contracts as joint
from tandem.attribution import reports, services
from tandem.attribution.engine import attribute, from_paths, from_touchpoints
from tandem.attribution.journeys import Scope, journeys
from tandem.attribution.models import MODELS, AttributionChoice, AttributionReport, current_choice
from tandem.attribution.tests.conftest import DAY, END, START
from tandem.campaigns import services as campaign_services
from tandem.core.errors import DomainError
from tandem.core.jobs import execute_job
from tandem.core.models import Job


def pipeline(**overrides: Any) -> Scope:
    return Scope(**{"start": START, "end": END, **overrides})


def test_journeys_from_the_database(world: dict[str, Any]) -> None:
    found = journeys(pipeline())
    assert found.conversions == 3 and found.value == Decimal("1800.00")
    assert (found.untouched, found.untouched_value) == (1, Decimal("300.00"))
    assert found.other_currency == 1
    paths = {}
    frame = found.frame.sort("ts")
    for row in frame.iter_rows(named=True):
        paths.setdefault(row["journey_id"], []).append(row["channel"])
    assert sorted(paths.values()) == [["email"], ["email", "events"], ["social"]]


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks: Any) -> Any:
    """Jobs are queued on commit; here they run (huey's immediate mode) when asked."""

    def call(function: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


@pytest.fixture
def stored(run_jobs: Any) -> Any:
    def read(scope: Scope, user: Any) -> dict[tuple[str, str], tuple[float, float]]:
        return _rows(run_jobs(reports.report_for, scope, user=user))

    return read


def _rows(report: AttributionReport) -> dict[tuple[str, str], tuple[float, float]]:
    report.refresh_from_db()
    assert report.computed_at is not None
    return {(m, label): (c, v) for m, label, c, v, *_ in report.rows}


def test_a_report_credits_as_the_engine_does_on_the_same_paths(
    world: Any, org: Any, stored: Any
) -> None:
    got = stored(pipeline(), org.marketer)
    by_hand = from_paths(
        [("email > events", 1, 1000, 0), ("social", 1, 500, 0), ("email", 0, 0, 1)]
    )
    labels = {"email": "E-mail", "events": "Events", "social": "Social"}
    for model, channel, conversions, value in attribute(by_hand, ["linear", "markov", "shapley"]):
        assert got[(model, labels[channel])] == pytest.approx((conversions, value), abs=1e-6)
    # Time decay counts days before the conversion (half-life 7 days).
    day = 86_400.0
    timed = from_touchpoints(
        ["n", "n", "s", "q"], [-20 * day, -5 * day, -3 * day, -10 * day],
        ["email", "events", "social", "email"], [True, True, True, False], [1000, 0, 500, 0],
    )  # fmt: skip
    for _, channel, conversions, value in attribute(timed, ["time_decay"], half_life=7):
        assert got[("time_decay", labels[channel])] == pytest.approx((conversions, value), abs=1e-6)
    assert sum(v for (m, _), (_, v) in got.items() if m == "linear") == pytest.approx(1500)


def test_revenue_filters_and_campaigns(world: Any, org: Any, stored: Any) -> None:
    revenue = stored(pipeline(conversion="revenue"), org.marketer)
    assert revenue[("linear", "Social")] == pytest.approx((1.0, 500.0))
    north = stored(pipeline(region="North"), org.marketer)
    assert {label for _, label in north} == {"E-mail", "Events"}
    webinars = stored(pipeline(campaign_type="webinar"), org.marketer)
    assert {label for _, label in webinars} == {"Events"}
    by_campaign = stored(pipeline(by="campaign"), org.marketer)
    assert by_campaign[("linear", "Autumn webinar")] == pytest.approx((0.5, 500.0))
    assert by_campaign[("linear", "No campaign")] == pytest.approx((1.0, 500.0))


def test_an_empty_period_is_a_report_with_nothing_in_it(
    world: Any, org: Any, run_jobs: Any
) -> None:
    scope = pipeline(start=date(2020, 1, 1), end=date(2020, 1, 31))
    report = run_jobs(reports.report_for, scope, user=org.marketer)
    report.refresh_from_db()
    assert report.rows == [] and report.totals["conversions"] == 0


def test_a_report_is_cached_per_scope_and_refreshed_on_demand(
    world: Any, org: Any, run_jobs: Any
) -> None:
    first = run_jobs(reports.report_for, pipeline(), user=org.marketer)
    again = run_jobs(reports.report_for, pipeline(), user=org.sales_rep)
    assert first.pk == again.pk and Job.objects.filter(kind="attribution.report").count() == 1
    other = run_jobs(reports.report_for, pipeline(lookback_days=30), user=org.marketer)
    assert other.pk != first.pk
    job = run_jobs(services.refresh_report, actor=org.sales_rep, scope=pipeline())
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE
    assert Job.objects.filter(kind="attribution.report").count() == 3
    with pytest.raises(DomainError):
        services.refresh_report(actor=org.outsider, scope=pipeline())
    # The schedule refreshes reports viewed lately whose figures are old.
    AttributionReport.objects.update(computed_at=F("computed_at") - timedelta(days=1))
    assert run_jobs(reports.refresh_viewed) == 2
    assert all(
        r.computed_at > timezone.now() - timedelta(minutes=1)
        for r in AttributionReport.objects.all()
    )


def test_the_heads_choose_the_model_together(org: Any) -> None:
    assert current_choice() == ("linear", 90)
    choice = services.propose_attribution_model(
        actor=org.marketing_head, model="markov_1", lookback_days=60
    )
    assert current_choice() == ("linear", 90)  # one head is not enough
    joint.approve(actor=org.sales_head, contract=choice)
    assert current_choice() == ("markov_1", 60)
    with pytest.raises(DomainError, match="models listed"):
        services.propose_attribution_model(actor=org.marketing_head, model="magic", lookback_days=5)
    with pytest.raises(DomainError, match="1 to 730"):
        services.propose_attribution_model(
            actor=org.marketing_head, model="linear", lookback_days="x"
        )
    with pytest.raises(DomainError):
        services.propose_attribution_model(actor=org.marketer, model="linear", lookback_days=5)
    assert AttributionChoice.objects.count() == 1


# --- Pages -------------------------------------------------------------------------------
def test_the_page_shows_every_model_and_exports_csv(
    world: Any, org: Any, client: Any, run_jobs: Any
) -> None:
    client.force_login(org.sales_rep)
    query = f"start={START}&end={END}"
    waiting = client.get(f"/attribution/?{query}").content.decode()
    assert "Computing every model" in waiting and "every 1s" in waiting  # never blocks
    execute_job(AttributionReport.objects.get().job_id)  # the worker's turn
    page = client.get(f"/attribution/?{query}")
    text = page.content.decode()
    assert page.status_code == 200
    for name in ("Linear", "Markov (data-driven)", "Shapley (data-driven)", "W-shaped"):
        assert name in text
    assert "had no touch in the lookback window" in text and "attribution-chart" in text
    # How long the last computation took, beside when it was made.
    seconds = AttributionReport.objects.get().totals["seconds"]
    assert seconds >= 0 and re.search(r"Computed [^<]* in (under )?[\d.]+ s\.", text)
    # Four models drawn, the model in force among them; the rest a legend click away.
    chart = page.context["chart"]
    drawn = [d["label"] for d in chart["datasets"] if not d["hidden"]]
    assert len(drawn) == 4 and len(chart["datasets"]) > 4
    assert MODELS[page.context["choice"]][0] in drawn and chart["money"] == "GBP"
    export = client.get(f"/attribution/export.csv?{query}")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["model", "channel_or_campaign", "conversions", "value"]
    assert ["linear", "Social", "1.0", "500.0"] in rows


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-10-31&end=2026-10-01", "starts after it ends"),
        ("start=1990-01-01&end=2026-10-01", "at most three years"),
        ("lookback_days=0", "greater than or equal to 1"),
        ("start=yesterday", "Enter a valid date"),
        ("conversion=%3Cscript%3E", "Select a valid choice"),
    ],
)
def test_bad_filters_are_named(org: Any, client: Any, query: str, message: str) -> None:
    client.force_login(org.marketer)
    page = client.get(f"/attribution/?{query}")
    assert page.status_code == 200 and message in page.content.decode()
    assert not AttributionReport.objects.exists()


def test_outsiders_see_nothing(org: Any, client: Any) -> None:
    client.force_login(org.outsider)
    assert client.get("/attribution/").status_code == 404
    assert client.get("/attribution/export.csv").status_code == 404
    assert client.post("/attribution/refresh/").status_code == 404
    assert client.get("/attribution/model/new/").status_code == 404


def test_the_campaign_page_shows_its_return_by_the_model_in_force(
    world: Any, org: Any, client: Any, run_jobs: Any
) -> None:
    webinar = world["webinar"]
    campaign_services.add_cost(
        actor=org.marketer, campaign=webinar, incurred_on=START, amount="200",
        description="Speaker",
    )  # fmt: skip
    client.force_login(org.marketer)
    # Viewing the page starts no job: it offers to compute the return, which a POST does.
    page = client.get(f"/campaigns/{webinar.pk}/").content.decode()
    assert "not computed yet" in page and not Job.objects.exists()
    client.post(f"/attribution/campaigns/{webinar.pk}/return/")
    page = client.get(f"/campaigns/{webinar.pk}/").content.decode()
    assert "being computed in the background" in page
    for report in AttributionReport.objects.all():
        execute_job(report.job_id)
    page = client.get(f"/campaigns/{webinar.pk}/").content.decode()
    # Linear: the webinar's touch shares North's 1,000 pipeline with the mailer; no
    # revenue (South's won deal had no webinar touch), so ROI is (0 - 200) / 200.
    assert "pipeline <strong>£500.00</strong>" in page
    assert "revenue <strong>£0.00</strong>" in page and "ROI <strong>-100.0 %" in page
    choice = services.propose_attribution_model(
        actor=org.marketing_head, model="first_touch", lookback_days=90
    )
    joint.approve(actor=org.sales_head, contract=choice)
    for report in AttributionReport.objects.filter(computed_at__isnull=True):
        execute_job(report.job_id)
    page = client.get(f"/campaigns/{webinar.pk}/").content.decode()
    assert "by First touch attribution" in page and "pipeline <strong>£0.00" in page


def test_empty_filters_show_the_values_the_report_uses(org: Any, client: Any) -> None:
    client.force_login(org.marketer)
    page = client.get("/attribution/").content.decode()
    today = timezone.localdate()
    assert f'name="end" value="{today}"' in page
    assert f'name="start" value="{today - 89 * DAY}"' in page
    assert 'name="lookback_days" value="90"' in page
