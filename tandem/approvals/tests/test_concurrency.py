"""Deciders racing each other, and a decision racing a new version, on two connections:
exactly one consistent outcome each time. (SQLite runs one writer at a time, so this
proves most on PostgreSQL, where both transactions really overlap.)"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from tandem.approvals import services
from tandem.approvals.models import ApprovalRequest, Decision
from tandem.approvals.tests.conftest import ask
from tandem.core.errors import DomainError
from tandem.factories.people import MembershipFactory, UserFactory


def at_once(*work: Callable[[], Any]) -> list[str]:
    """Run each callable on its own connection, released together; "ok" or the code."""
    start = threading.Barrier(len(work))
    results: list[str] = ["?"] * len(work)

    def run(index: int) -> None:
        try:
            start.wait(timeout=10)
            work[index]()
            results[index] = "ok"
        except DomainError as exc:
            results[index] = str(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_heads_of_sales_approving_at_once_one_decides(live_org, kinds, log):
    org = live_org
    second = UserFactory(full_name="Second Sales Head")
    MembershipFactory(user=second, team=org.sales, role="head")
    request = ask(org.marketing_head, kinds["own"], org.marketing)  # marketing side done
    outcomes = at_once(
        *(
            lambda who=who: services.decide(
                actor=who, request=request, outcome="approve", version=1
            )
            for who in (org.sales_head, second)
        )
    )
    assert sorted(outcomes) == ["already_decided", "ok"]
    request.refresh_from_db()
    assert request.status == "approved"
    assert log.approved == [org.marketing.pk]  # brought into force once
    assert Decision.objects.filter(request=request).count() == 2
    assert request.requirements.filter(satisfied_by__isnull=True).count() == 0


def test_both_sides_approving_at_once_pass_it_exactly_once(live_org, kinds, log):
    org = live_org
    request = ask(org.marketer, kinds["two"], org.marketing)
    outcomes = at_once(
        *(
            lambda who=who: services.decide(
                actor=who, request=request, outcome="approve", version=1
            )
            for who in (org.marketing_head, org.sales_head)
        )
    )
    assert outcomes == ["ok", "ok"]
    request.refresh_from_db()
    assert request.status == "approved"
    assert log.approved == [org.marketing.pk]


def test_an_approval_racing_a_new_version_never_passes_a_stale_version(live_org, kinds, log):
    org = live_org
    for attempt in range(6):
        subject = org.marketing if attempt % 2 else org.sales
        log.versions[subject.pk] = 1
        request = ask(org.marketer, kinds["two"], subject)
        services.decide(actor=org.marketing_head, request=request, outcome="approve", version=1)

        def new_version(subject=subject):
            with transaction.atomic():
                log.versions[subject.pk] = 2
                services.new_version(subject, 2)

        outcomes = at_once(
            lambda request=request: services.decide(
                actor=org.sales_head, request=request, outcome="approve", version=1
            ),
            new_version,
        )
        request.refresh_from_db()
        live = Decision.objects.filter(request=request, voided_at__isnull=True)
        if outcomes[0] == "ok":  # the approval came first: passed at version 1, untouched
            assert (request.status, request.version) == ("approved", 1)
            assert sorted(live.values_list("version", flat=True)) == [1, 1]
        else:  # the new version came first: the stale approval is refused, all voided
            assert outcomes[0] == "version_not_current"
            assert (request.status, request.version) == ("open", 2)
            assert not live.exists()
        assert outcomes[1] == "ok"
        ApprovalRequest.objects.filter(pk=request.pk).update(status="withdrawn")
