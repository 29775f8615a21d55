"""Two reps accept the same lead at the same moment, on two connections: one wins."""

import threading

from django.db import connection

from tandem.core.errors import DomainError
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff import lifecycle
from tandem.handoff.models import Lead, LifecycleEvent, Stage
from tandem.handoff.tests.conftest import agree, hot_lead


def test_two_reps_accepting_at_once_exactly_one_wins(live_org):
    agree(live_org)
    live_org.sales_rep.lead_capacity = 0  # nobody free: the lead waits for the team
    live_org.sales_rep.save()
    lead = hot_lead(live_org)
    assert lead.rep_id is None
    reps = [UserFactory(full_name=f"Rep {n}") for n in range(2)]
    for rep in reps:
        MembershipFactory(user=rep, team=live_org.sales)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(rep):
        try:
            mine = Lead.objects.get(pk=lead.pk)  # each loads it before either accepts
            start.wait(timeout=10)
            lifecycle.accept(actor=rep, lead=mine)
            outcomes[rep.full_name] = "won"
        except DomainError as exc:
            outcomes[rep.full_name] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(rep,)) for rep in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["lead_already_decided", "won"]
    winner = next(name for name, result in outcomes.items() if result == "won")
    lead.refresh_from_db()
    assert (lead.stage, lead.rep.full_name) == (Stage.ACCEPTED, winner)
    assert LifecycleEvent.objects.filter(lead=lead, to_stage=Stage.ACCEPTED).count() == 1


def test_two_conversions_at_once_open_one_opportunity(live_org):
    """A double click, or the rep and their head at the same moment: one opportunity."""
    from tandem.crm.models import Opportunity
    from tandem.handoff import conversion

    agree(live_org)
    lead = lifecycle.accept(actor=live_org.sales_rep, lead=hot_lead(live_org))
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def convert(actor):
        try:
            mine = Lead.objects.select_related("contact__account").get(pk=lead.pk)
            start.wait(timeout=10)
            conversion.convert(actor=actor, lead=mine, name=f"Deal by {actor.full_name}")
            outcomes[actor.full_name] = "won"
        except DomainError as exc:
            outcomes[actor.full_name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=convert, args=(actor,))
        for actor in (live_org.sales_rep, live_org.sales_head)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["lead_already_converted", "won"]
    assert Opportunity.objects.count() == 1
    lead.refresh_from_db()
    assert lead.stage == Stage.SQL and lead.opportunity == Opportunity.objects.get()
    assert LifecycleEvent.objects.filter(lead=lead, to_stage=Stage.SQL).count() == 1
