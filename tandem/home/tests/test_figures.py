"""The figures home pages show, computed from known data: exact amounts, counts and
per cents, and the cards that write them."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.core.exchange_rates import rates_on, set_rate
from tandem.crm.models import Activity, Opportunity
from tandem.factories.crm import AccountFactory, OpportunityFactory
from tandem.factories.handoff import LeadFactory
from tandem.handoff.models import LifecycleEvent, SlaPolicy, Stage
from tandem.handoff.reports import SlaReport
from tandem.home import cards, figures

pytestmark = pytest.mark.django_db
WON, OPEN = Opportunity.Stage.WON, Opportunity.Stage.PROPOSAL


def deal(owner, amount, stage=OPEN, currency="GBP", closed_at=None):
    return OpportunityFactory(
        owner=owner,
        account=AccountFactory(),
        amount=Decimal(amount),
        stage=stage,
        currency=currency,
        closed_at=closed_at,
    )


def test_pipeline_and_won_revenue_per_currency_converted_only_at_a_rate(org):
    now = timezone.now()
    deal(org.sales_rep, "1000", Opportunity.Stage.QUALIFICATION)
    deal(org.sales_rep, "2500.50", Opportunity.Stage.PROPOSAL)
    deal(org.sales_head, "700", Opportunity.Stage.NEGOTIATION, currency="EUR")
    deal(org.sales_rep, "4000", WON, closed_at=now)
    deal(org.sales_rep, "999", WON, closed_at=now - timedelta(days=400))
    deal(org.sales_rep, "50", Opportunity.Stage.LOST, closed_at=now)
    everything = Opportunity.objects.all()

    pipeline = figures.pipeline(everything)
    assert pipeline.by_currency == {"GBP": Decimal("3500.50"), "EUR": Decimal("700")}
    no_rates = rates_on(timezone.localdate())
    alone = pipeline.in_home(no_rates)  # no rate: the euros are named, not guessed
    assert (alone.amount, alone.left_out) == (Decimal("3500.50"), {"EUR": Decimal("700")})
    stat = cards.money("Open pipeline", pipeline, no_rates)
    assert (stat.value, stat.note) == ("£3,500.50", "and €700.00 with no exchange rate")
    quarter = figures.quarter_start(timezone.localdate())
    assert figures.won_since(everything, quarter).by_currency == {"GBP": Decimal("4000")}
    stages = figures.pipeline_by_stage(everything, no_rates)
    assert [(s["stage"], s["n"], s["total"]) for s in stages] == [
        ("Qualification", 1, Decimal("1000")),
        ("Proposal", 1, Decimal("2500.50")),
        ("Negotiation", 1, Decimal("0")),  # the euro deal counted; its amount has no rate
    ]
    set_rate(actor=org.admin, currency="EUR", valid_from=quarter, rate="0.85")
    rates = rates_on(timezone.localdate())
    stat = cards.money("Open pipeline", pipeline, rates)
    assert (stat.value, stat.note) == ("£4,095.50", "incl. €700.00 converted")
    negotiation = figures.pipeline_by_stage(everything, rates)[2]
    assert (negotiation["n"], negotiation["total"]) == (1, Decimal("595.00"))
    # Qualification 10 %, proposal 75 %, negotiation 90 % (crm.probability).
    weighted = figures.weighted_pipeline(everything)
    assert weighted.by_currency == {"GBP": Decimal("1975.38"), "EUR": Decimal("630.00")}
    mine = figures.pipeline(Opportunity.objects.filter(owner=org.sales_rep))
    assert mine.by_currency == {"GBP": Decimal("3500.50")}
    won = figures.won_by_month(rates, 6)
    assert len(won["labels"]) == 6 and won["values"][-1] == 4000.0 and sum(won["values"]) == 4000.0
    deal(org.sales_rep, "100", WON, closed_at=now, currency="EUR")
    assert figures.won_by_month(rates, 6)["values"][-1] == 4085.0  # + 100 x 0.85


def test_quarters_start_in_january_april_july_and_october():
    assert figures.quarter_start(date(2026, 12, 5)) == date(2026, 10, 1)
    assert figures.quarter_start(date(2026, 1, 1)) == date(2026, 1, 1)
    assert figures.quarter_start(date(2026, 6, 30)) == date(2026, 4, 1)


def test_leads_waiting_and_each_reps_load_against_capacity(org):
    org.sales_rep.lead_capacity = 2
    org.sales_rep.save()
    LeadFactory(stage=Stage.MQL, rep=org.sales_rep, team=org.sales)
    LeadFactory(stage=Stage.ACCEPTED, rep=org.sales_rep, team=org.sales)
    LeadFactory(stage=Stage.MQL, rep=None, team=org.sales)  # waiting for anyone
    LeadFactory(stage=Stage.RECYCLED, rep=org.sales_rep, team=org.sales)  # not open
    assert figures.leads_waiting([org.sales.pk]) == 2
    assert figures.leads_waiting() == 2
    assert figures.open_leads_of(org.sales_rep) == 2
    load = {
        r["name"]: (r["open"], r["capacity"], r["percent"])
        for r in figures.reps_load([org.sales.pk])
    }
    assert load[str(org.sales_rep)] == (2, 2, 100)
    assert load[str(org.sales_head)] == (0, 40, 0)
    assert figures.reps_load([org.sales.pk])[0]["name"] == str(org.sales_rep)  # fullest first


def test_mqls_and_acceptances_by_week(org):
    lead = LeadFactory(stage=Stage.ACCEPTED, rep=org.sales_rep, team=org.sales)
    now = timezone.now()
    for _ in range(2):
        LifecycleEvent.objects.create(lead=lead, from_stage=Stage.LEAD, to_stage=Stage.MQL, at=now)
    LifecycleEvent.objects.create(lead=lead, from_stage=Stage.MQL, to_stage=Stage.ACCEPTED, at=now)
    LifecycleEvent.objects.create(
        lead=lead, from_stage=Stage.LEAD, to_stage=Stage.MQL, at=now - timedelta(weeks=20)
    )  # before the window
    trend = figures.mqls_by_week(12)
    mqls, accepted = (d["values"] for d in trend["datasets"])
    assert len(trend["labels"]) == 12
    assert mqls[-1] == 2 and accepted[-1] == 1 and sum(mqls) == 2


def test_tasks_due_today_include_the_overdue_and_not_the_done_or_tomorrows(org):
    now = timezone.now()
    today_end = datetime.combine(timezone.localdate(), datetime.max.time(), tzinfo=now.tzinfo)

    def task(subject, due, done=None, owner=org.sales_rep):
        return Activity.objects.create(
            owner=owner, kind=Activity.Kind.TASK, subject=subject, due_at=due, done_at=done
        )

    task("Overdue", now - timedelta(days=2))
    task("Later today", timezone.localtime(now).replace(hour=23, minute=30))
    task("Tomorrow", today_end + timedelta(hours=2))
    task("Done", now - timedelta(hours=1), done=now)
    task("Someone else's", now, owner=org.sales_head)
    assert [t.subject for t in figures.tasks_due_today(org.sales_rep)] == ["Overdue", "Later today"]


def test_adherence_acceptance_and_reasons_from_the_months_report():
    report = SlaReport(month=date(2026, 12, 1), policy=None, accepted=3, rejected=1)
    report.reps = [
        {"handed": 3, "accept_breaches": 1},
        {"handed": 1, "accept_breaches": 0},
    ]
    report.by_source = [
        {"source": "Web", "reason": "No budget", "count": 2},
        {"source": "Events", "reason": "No budget", "count": 1},
        {"source": "Web", "reason": "Wrong contact", "count": 2},
        {"source": "Web", "reason": "Student", "count": 1},
    ]
    assert figures.sla_adherence(report) == 75
    assert figures.acceptance_rate(report) == 75
    assert figures.rejection_reasons(report, limit=2) == [
        {"reason": "No budget", "count": 3},
        {"reason": "Wrong contact", "count": 2},
    ]
    empty = SlaReport(month=date(2026, 12, 1), policy=None)
    assert figures.sla_adherence(empty) is None and figures.acceptance_rate(empty) is None


def test_cards_say_whether_the_promise_was_met():
    policy = SlaPolicy(mqls_per_month=120, min_acceptance_rate=Decimal("70.00"))
    short = SlaReport(month=date(2026, 12, 1), policy=policy, mqls=100)
    stat = cards.mqls(short)
    assert (stat.value, stat.note, stat.state) == ("100", "of 120 promised: 20 short", "missed")
    met = SlaReport(month=date(2026, 12, 1), policy=policy, mqls=130)
    assert cards.mqls(met).state == "met"
    assert cards.acceptance(short, 69).note == "at least 70 % promised: missed"
    assert cards.acceptance(short, 70).state == "met"
    assert cards.mqls(SlaReport(month=date(2026, 12, 1), policy=None)).note == "No SLA in force yet"
    assert cards.count("Contacts", 12345, "").value == "12,345"


def test_each_home_page_reads_in_a_bounded_number_of_queries(
    client, org, django_assert_max_num_queries
):
    for owner in (org.sales_rep, org.sales_head):
        for _ in range(5):
            deal(owner, "100")
    for _ in range(5):
        LeadFactory(stage=Stage.MQL, rep=org.sales_rep, team=org.sales)
    for persona in ("executive", "sales_head", "marketing_head", "marketer", "sales_rep"):
        client.force_login(getattr(org, persona))
        with django_assert_max_num_queries(40):
            assert client.get("/").status_code == 200
