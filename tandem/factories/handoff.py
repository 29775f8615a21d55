"""Factories for the hand-off: leads."""

import factory
from django.utils import timezone

from tandem.factories.crm import ContactFactory
from tandem.handoff.models import Lead, Stage


class LeadFactory(factory.django.DjangoModelFactory):
    """A contact's place in the funnel, written as is (no scoring, routing or clocks:
    ``handoff.arrivals.lead_arrived`` does those)."""

    class Meta:
        model = Lead

    contact = factory.SubFactory(ContactFactory)
    stage = Stage.LEAD
    stage_changed_at = factory.LazyFunction(timezone.now)
