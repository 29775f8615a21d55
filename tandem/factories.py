"""factory_boy factories for the rows tests build most: people and teams, the customer
record (accounts, contacts, opportunities), campaigns, touches and leads.

One place, imported by tests and conftest only (factory_boy is a dev dependency).
Passwords are random per run: none is written in the repo.
"""

import secrets

import factory
from django.utils import timezone

from tandem.campaigns.models import Campaign, Touchpoint
from tandem.crm.models import Account, Contact, Opportunity
from tandem.handoff.models import Lead, Stage
from tandem.people.models import Membership, Team, User

PASSWORD = secrets.token_urlsafe(16)


# --- People --------------------------------------------------------------------------------
class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    handle = factory.Sequence(lambda n: f"person{n}")
    time_zone = "Europe/London"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    function = Team.Function.MARKETING


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER


# --- The customer record -------------------------------------------------------------------
# Rows written directly, as an import or the demo loader writes them: no owner, team,
# history or events unless given. Tests of the services' own checks call the services.
class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Company {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = "Lee"
    last_name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.test")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Deal {n}")
    account = factory.SubFactory(AccountFactory)


# --- Campaigns and touches -----------------------------------------------------------------
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


# --- The hand-off --------------------------------------------------------------------------
class LeadFactory(factory.django.DjangoModelFactory):
    """A contact's place in the funnel, written as is (no scoring, routing or clocks:
    ``handoff.services.lead_arrived`` does those)."""

    class Meta:
        model = Lead

    contact = factory.SubFactory(ContactFactory)
    stage = Stage.LEAD
    stage_changed_at = factory.LazyFunction(timezone.now)
