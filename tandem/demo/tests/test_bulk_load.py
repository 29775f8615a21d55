"""The benchmark scales' loader writes straight to the tables: what it writes must read
back as proper records on both databases (COPY on PostgreSQL, executemany on SQLite)."""

import pytest
from django.db import transaction
from django.utils import timezone

from tandem.campaigns.models import Campaign, Touchpoint
from tandem.crm.models import Account, Contact, Opportunity
from tandem.demo import bulk


def test_a_tiny_scale_loads_whole_records(org, monkeypatch):
    monkeypatch.setitem(bulk.CUSTOMER_SCALES, "tiny", (3, 12, 4, 50, 2))
    # A rolled-back insert still uses up ids on PostgreSQL: the loader must not assume
    # the next id is the highest one plus one.
    with pytest.raises(RuntimeError), transaction.atomic():
        Account.objects.create(name="Rolled back")
        raise RuntimeError
    counts = bulk.load_customers("tiny", owner_ids=[org.marketer.pk], seed=5)
    assert counts == {
        "accounts": 3,
        "contacts": 12,
        "opportunities": 4,
        "touchpoints": 50,
        "campaigns": 2,
    }
    assert Account.objects.count() == 3 and Opportunity.objects.count() == 4
    # Joined, not just set: every contact's account is one the loader made.
    assert (
        Contact.objects.filter(account__name__startswith="Company", owner=org.marketer).count()
        == 12
    )
    assert Opportunity.objects.filter(account__name__startswith="Company").count() == 4
    touches = list(Touchpoint.objects.select_related("contact", "campaign"))
    assert len(touches) == 50
    assert {t.campaign_id for t in touches} <= set(Campaign.objects.values_list("pk", flat=True))
    assert all(t.contact is not None and t.value is None for t in touches)
    now = timezone.now()
    assert all(t.occurred_at.tzinfo is not None and t.occurred_at <= now for t in touches)
    assert all(t.idempotency_key.startswith("bench:5:") for t in touches)
    # A contact's timeline finds them: the touch columns landed where they belong.
    first = touches[0]
    assert Touchpoint.objects.of_contact(first.contact_id).filter(pk=first.pk).exists()
