"""Factories for the customer record: accounts, contacts, opportunities.

Rows written directly, as an import or the demo loader writes them: no owner, team,
history or events unless given. Tests of the services' own checks call the services.
"""

import factory

from tandem.crm.models import Account, Contact, Opportunity


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
