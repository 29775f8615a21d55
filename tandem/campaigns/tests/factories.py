"""factory_boy factories for campaigns."""

import factory
from django.utils import timezone

from tandem.campaigns.models import Campaign
from tandem.people.tests.factories import UserFactory


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
