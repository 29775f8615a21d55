"""Factories for campaigns and their touches."""

import factory
from django.utils import timezone

from tandem.campaigns.models import Campaign, Touchpoint
from tandem.factories.crm import ContactFactory
from tandem.factories.people import UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A live-dated campaign running today (give ``owner`` to keep it in an org)."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    type = Campaign.Type.WEBINAR
    channel = "events"
    owner = factory.SubFactory(UserFactory)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(timezone.localdate)


class TouchpointFactory(factory.django.DjangoModelFactory):
    """A web form fill happening now (``kind``, ``channel``, ``occurred_at`` to vary)."""

    class Meta:
        model = Touchpoint

    contact = factory.SubFactory(ContactFactory)
    channel = "web"
    kind = "form"
    occurred_at = factory.LazyFunction(timezone.now)
    idempotency_key = factory.Sequence(lambda n: f"touch-{n}")
