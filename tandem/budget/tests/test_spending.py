from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from tandem.budget import spending
from tandem.budget.models import BudgetLine, Commitment, LineMonth, Spend
from tandem.core.errors import DomainError
from tandem.core.exchange_rates import set_rate
from tandem.notifications.models import Notification

JAN = date(2027, 1, 15)


def totals_agree(line: BudgetLine) -> None:
    """The stored running totals are the sums of the entries."""
    line.refresh_from_db()
    actual = Spend.objects.filter(line=line).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    open_pos = sum((c.open_amount for c in Commitment.objects.filter(line=line)), Decimal(0))
    months = LineMonth.objects.filter(line=line).aggregate(
        p=Sum("planned"), c=Sum("committed"), a=Sum("actual")
    )
    assert line.actual == actual == months["a"]
    assert line.committed == open_pos == months["c"]
    assert line.planned == months["p"]
    for row in LineMonth.objects.filter(line=line):
        spent = Spend.objects.filter(line=line, month=row.month).aggregate(s=Sum("amount"))["s"]
        assert row.actual == (spent or 0)


def test_spend_and_commitments_keep_running_totals_equal_to_their_entries(org, mline):
    po = spending.add_commitment(
        actor=org.marketer,
        line=mline,
        number="PO-1",
        supplier="Hall",
        amount="400",
        month="2027-02",
    )
    spending.record_spend(
        actor=org.marketer, line=mline, amount="150", spent_on=JAN, supplier="Ads"
    )
    spending.record_spend(
        actor=org.marketer, line=mline, amount="250", spent_on=date(2027, 3, 2), commitment=po
    )
    po.refresh_from_db()
    assert po.settled == Decimal("250.00") and po.status == "open"
    totals_agree(mline)
    assert mline.available == Decimal("1200") - 150 - 250 - 150
    spending.close_commitment(actor=org.marketer, commitment=po, release=True)
    totals_agree(mline)
    assert mline.committed == 0 and mline.available == Decimal("800.00")


def test_settling_a_commitment_in_full_closes_it_and_never_counts_twice(org, mline):
    po = spending.add_commitment(
        actor=org.marketer,
        line=mline,
        number="PO-2",
        supplier="Print",
        amount="1000",
        month="2027-01",
    )
    # The line has 200 left beside the PO: settling it with 1000 is fine, not a double-spend.
    spending.record_spend(
        actor=org.marketer, line=mline, amount="1000", spent_on=JAN, commitment=po
    )
    po.refresh_from_db()
    assert po.status == "closed"
    totals_agree(mline)
    with pytest.raises(DomainError) as caught:
        spending.record_spend(
            actor=org.marketer, line=mline, amount="1", spent_on=JAN, commitment=po
        )
    assert caught.value.code == "budget_commitment_closed"


def test_spend_that_would_overdraw_the_line_is_refused_and_nothing_is_written(org, mline):
    spending.add_commitment(
        actor=org.marketer, line=mline, number="PO-3", supplier="X", amount="1000", month="2027-01"
    )
    with pytest.raises(DomainError) as caught:
        spending.record_spend(actor=org.marketer, line=mline, amount="200.01", spent_on=JAN)
    assert caught.value.code == "budget_overdrawn" and caught.value.field == "amount"
    assert "£200.00 left" in caught.value.message
    with pytest.raises(DomainError):
        spending.add_commitment(
            actor=org.marketer,
            line=mline,
            number="PO-4",
            supplier="X",
            amount="201",
            month="2027-01",
        )
    assert Spend.objects.count() == 0 and Commitment.objects.count() == 1
    totals_agree(mline)


@pytest.mark.parametrize(
    ("amount", "spent_on", "field"),
    [
        ("-1", JAN, "amount"),
        ("NaN", JAN, "amount"),
        ("0", JAN, "amount"),
        ("1e30", JAN, "amount"),
        ("5", date(2030, 1, 1), "spent_on"),
        ("5", "2027-01-01", "spent_on"),
    ],
)
def test_bad_spend_is_refused_naming_the_field(org, mline, amount, spent_on, field):
    with pytest.raises(DomainError) as caught:
        spending.record_spend(actor=org.marketer, line=mline, amount=amount, spent_on=spent_on)
    assert caught.value.field == field
    assert Spend.objects.count() == 0


def test_another_currency_needs_a_dated_rate_and_the_spend_says_which(org, mline):
    with pytest.raises(DomainError) as caught:
        spending.record_spend(
            actor=org.marketer, line=mline, amount="100", spent_on=JAN, currency="EUR"
        )
    assert caught.value.code == "budget_currency_mismatch" and caught.value.field == "currency"
    assert "EUR" in caught.value.message
    set_rate(actor=org.admin, currency="EUR", valid_from=date(2027, 1, 1), rate="0.85")
    spend = spending.record_spend(
        actor=org.marketer, line=mline, amount="100", spent_on=JAN, currency="EUR"
    )
    assert spend.amount == Decimal("85.00") and spend.rate == Decimal("0.85")
    assert (spend.original_amount, spend.original_currency) == (Decimal("100.00"), "EUR")
    totals_agree(mline)


def test_owner_and_heads_are_told_at_80_and_100_percent_once_each(org, mline):
    def told() -> int:
        return Notification.objects.filter(text__contains="Webinars has used").count()

    spending.record_spend(actor=org.marketer, line=mline, amount="900", spent_on=JAN)
    assert told() == 0
    spending.record_spend(actor=org.marketer, line=mline, amount="60", spent_on=JAN)
    assert told() == 2  # Mia and Hana
    spending.record_spend(actor=org.marketer, line=mline, amount="10", spent_on=JAN)
    assert told() == 2
    spending.record_spend(actor=org.marketer, line=mline, amount="230", spent_on=JAN)
    assert told() == 4
    assert Notification.objects.filter(
        recipient=org.marketing_head, text__contains="100 %"
    ).exists()


def test_attachments_are_judged_by_content(org, mline, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf at all" * 10)
    with pytest.raises(DomainError) as caught:
        spending.record_spend(
            actor=org.marketer, line=mline, amount="5", spent_on=JAN, attachment=fake
        )
    assert caught.value.field == "attachment"
    png = SimpleUploadedFile("r.png", _png())
    spend = spending.record_spend(
        actor=org.marketer, line=mline, amount="5", spent_on=JAN, attachment=png
    )
    assert spend.attachment.name.endswith(".png") and spend.attachment_type == "image/png"


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def test_a_campaigns_costs_post_to_its_line_once(org, period, mline):
    from tandem.campaigns.services import add_cost, create_campaign

    campaign = create_campaign(
        actor=org.marketer, name="Spring", type="email", channel="email",
        starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
    )  # fmt: skip
    with pytest.raises(DomainError) as caught:
        spending.post_campaign_costs(actor=org.marketer, campaign=campaign)
    assert caught.value.code == "budget_not_a_campaign_line"
    mline.campaigns.add(campaign)
    add_cost(
        actor=org.marketer, campaign=campaign, incurred_on=JAN, amount="120", description="Ads"
    )
    add_cost(
        actor=org.marketer,
        campaign=campaign,
        incurred_on=date(2026, 6, 1),
        amount="5",
        description="Old",
    )
    assert len(spending.post_campaign_costs(actor=org.marketer, campaign=campaign)) == 1
    assert spending.post_campaign_costs(actor=org.marketer, campaign=campaign) == []
    totals_agree(mline)
    assert mline.actual == Decimal("120.00")
