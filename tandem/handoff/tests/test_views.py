"""The hand-off pages: queue, board, lead, report and contract, with their permissions."""

import zoneinfo
from datetime import timedelta

import pytest
from django.urls import reverse

from tandem.approvals.models import ApprovalRequest
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff.models import Lead, ScoringModel, SlaPolicy, Stage
from tandem.handoff.tests.conftest import hot_lead


def test_the_rep_sees_the_lead_in_the_queue_with_a_countdown(client, org, contract):
    hot_lead(org)
    client.force_login(org.sales_rep)
    page = client.get(reverse("handoff:queue")).content.decode()
    assert "Lee Lead 0" in page and "data-countdown" in page and "due in" in page
    assert 'aria-label="1 waiting for you"' in page  # the badge on "Leads"


def test_the_queue_is_a_fixed_number_of_queries(
    client, org, contract, django_assert_max_num_queries
):
    for n in range(12):
        hot_lead(org, n)
    client.force_login(org.sales_rep)
    # 12 leads on the page; the bound holds the shell's constant reads too (the unread
    # and waiting-for-you counts of the navigation), never one per lead.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("handoff:queue")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("handoff:board")).status_code == 200


def test_rejecting_from_the_lead_page_names_a_missing_note(client, org, contract):
    lead = hot_lead(org)
    client.force_login(org.sales_rep)
    url = reverse("handoff:reject", args=[lead.pk])
    answer = client.post(url, {"reason": "no-budget", "note": ""})
    assert answer.status_code == 422 and "This field is required" in answer.content.decode()
    answer = client.post(url, {"reason": "no-budget", "note": "<script>alert(1)</script>"})
    assert answer.status_code == 302
    page = client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert Lead.objects.get(pk=lead.pk).stage == Stage.RECYCLED


def test_accepting_twice_from_pages_says_someone_was_first(client, org, contract):
    lead = hot_lead(org)
    client.force_login(org.sales_rep)
    url = reverse("handoff:accept", args=[lead.pk])
    assert client.post(url).status_code == 302
    answer = client.post(url, follow=True)
    assert "already accepted or rejected" in answer.content.decode()


def test_the_lead_page_explains_the_score(client, org, contract):
    lead = hot_lead(org)
    client.force_login(org.marketer)
    page = client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()
    assert "Job title contains “director”" in page and "Form: 1 touch (+30 each, decaying)" in page
    assert "Accept</button>" not in page  # marketing reads, sales works the lead


@pytest.mark.parametrize(
    "name",
    ["queue", "board", "sla_report", "contract", "propose_sla", "propose_scoring", "reasons"],
)
def test_outsiders_get_404_everywhere(client, org, contract, name):
    client.force_login(org.outsider)
    assert client.get(reverse(f"handoff:{name}")).status_code == 404


def test_outsiders_and_other_reps_cannot_act_on_a_lead(client, org, contract):
    lead = hot_lead(org)
    client.force_login(org.outsider)
    assert client.get(reverse("handoff:lead", args=[lead.pk])).status_code == 404
    assert client.post(reverse("handoff:accept", args=[lead.pk])).status_code == 404
    client.force_login(org.marketer)
    assert client.post(reverse("handoff:accept", args=[lead.pk])).status_code == 403
    assert client.get(reverse("handoff:lead", args=[999999])).status_code == 404


def test_the_sla_report_shows_both_sides_and_rejections_by_campaign(client, org, contract):
    from tandem.handoff import lifecycle, sla_clocks

    lead = hot_lead(org)
    late = hot_lead(org, 1)
    sla_clocks.detect_breaches(late.accept_due_at + timedelta(minutes=1))
    lifecycle.reject(actor=org.sales_rep, lead=lead, reason="bad-data", note="Fake number")
    client.force_login(org.marketer)
    page = client.get(reverse("handoff:sla_report")).content.decode()
    assert "MQLs delivered: <strong>2</strong> of 100 promised" in page
    # Breaches count in the month they fell due (the next one, late on a month's last day).
    due = late.accept_due_at.astimezone(zoneinfo.ZoneInfo(org.marketer.time_zone))
    month = client.get(reverse("handoff:sla_report"), {"month": f"{due:%Y-%m}"}).content.decode()
    assert "SLA breaches this month: <strong>2</strong>" in month
    assert "0.0 %" in page and "Bad or fake contact details" in page and "Search" in page
    assert client.get(reverse("handoff:sla_report") + "?month=garbage").status_code == 200


def test_heads_propose_and_approve_from_the_contract_page(client, org):
    client.force_login(org.marketing_head)
    form = {"mqls_per_month": "80", "min_acceptance_rate": "65", "note": "Q1"}
    for tier, (score, hours) in {"high": (80, 1), "medium": (50, 4), "low": (0, 8)}.items():
        form |= {
            f"{tier}_min_score": score,
            f"{tier}_accept": hours,
            f"{tier}_follow_up": hours * 2,
        }
    assert client.post(reverse("handoff:propose_sla"), form).status_code == 302
    policy = SlaPolicy.objects.get()
    page = client.get(reverse("handoff:contract")).content.decode()
    assert "No SLA in force yet" in page and "waiting" in page
    client.force_login(org.sales_head)
    page = client.get(reverse("handoff:contract")).content.decode()
    assert "Approve version 1" in page  # the approval's card, inline
    request_id = ApprovalRequest.objects.about(policy).get().pk
    client.post(
        reverse("approvals:decide", args=[request_id]), {"outcome": "approve", "version": 1}
    )
    assert SlaPolicy.objects.in_force() == policy

    rules = {
        "threshold": "40",
        "half_life_days": "20",
        "note": "",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-0-kind": "fit",
        "rules-0-field": "favourite_colour",
        "rules-0-operator": "equals",
        "rules-0-value": "blue",
        "rules-0-points": "5",
        "rules-1-kind": "engagement",
        "rules-1-field": "form",
        "rules-1-points": "30",
    }
    answer = client.post(reverse("handoff:propose_scoring"), rules)
    assert answer.status_code == 422 and "no field “favourite_colour”" in answer.content.decode()
    assert not ScoringModel.objects.exists()
    rules["rules-0-field"] = "job_title"
    assert client.post(reverse("handoff:propose_scoring"), rules).status_code == 302
    assert ScoringModel.objects.get().status == "proposed"


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "-1", "x" * 500])
def test_any_month_in_the_address_gives_a_report_not_an_error(client, org, month):
    client.force_login(org.marketer)
    assert client.get(reverse("handoff:sla_report"), {"month": month}).status_code == 200


def test_the_lead_page_offers_work_only_to_whoever_may_do_it(client, org, contract):
    lead = hot_lead(org)  # Sam's
    colleague = UserFactory()
    MembershipFactory(user=colleague, team=org.sales)
    client.force_login(colleague)
    page = client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()
    assert "Accept</button>" not in page and "Reject and send back" not in page
    client.force_login(org.sales_rep)
    page = client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()
    assert "Accept</button>" in page
