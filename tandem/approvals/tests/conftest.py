"""Approval kinds of the tests' own, about teams (any registered record would do), and
the asking and approving the tests share."""

from collections.abc import Iterator
from typing import Any

import pytest

from tandem.approvals import needs, services
from tandem.approvals.kinds import ApprovalKind, Override, register_kind, unregister_kind
from tandem.core.errors import DomainError, ErrorCode


class Log:
    """What the kinds' hooks saw, and the subject versions the tests set."""

    def __init__(self) -> None:
        self.approved: list[int] = []
        self.closed: list[tuple[int, str]] = []
        self.superseded: list[int] = []
        self.versions: dict[int, int] = {}
        self.refuse = ""


class TwoHeads(ApprovalKind):
    """A marketing head and a sales head, like the contracts."""

    name = "test.two_heads"
    label = "Test change"
    subject_model = "people.team"

    def __init__(self, log: Log, **options: Any) -> None:
        self.log = log
        for key, value in options.items():
            setattr(self, key, value)

    def requirements(self, subject: Any) -> list[needs.Need]:
        return [needs.head_of("marketing"), needs.head_of("sales")]

    def version(self, subject: Any) -> int:
        return self.log.versions.get(subject.pk, 1)

    def on_approved(self, subject: Any, actor: Any) -> None:
        if self.log.refuse:
            raise DomainError(ErrorCode.CONFLICT, self.log.refuse)
        self.log.approved.append(subject.pk)

    def on_closed(self, subject: Any, status: str) -> None:
        self.log.closed.append((subject.pk, status))

    def on_superseded(self, subject: Any) -> None:
        self.log.superseded.append(subject.pk)


class Review(TwoHeads):
    """Any two of: the executive's override aside, a front-line reviewer, the owning
    rep, anyone in a named team."""

    name = "test.review"
    label = "Test review"
    needed = 2
    override = Override(needs.executive())

    def requirements(self, subject: Any) -> list[needs.Need]:
        return [
            needs.front_line_reviewer(),
            needs.person(self.owner, "the owning sales rep", "sales"),
            needs.member_of_team(subject),
        ]


@pytest.fixture
def log() -> Iterator[Log]:
    found = Log()
    yield found


@pytest.fixture
def kinds(log: Log, request: Any) -> Iterator[dict[str, ApprovalKind]]:
    live = "live_org" in request.fixturenames  # the concurrency tests commit for real
    org = request.getfixturevalue("live_org" if live else "org")
    made = {
        "two": TwoHeads(log),
        "own": TwoHeads(log, name="test.own_side", requester_approves=True),
        "others": TwoHeads(log, name="test.others_only", requester_may_decide=False),
        "review": Review(log, owner=org.sales_rep),
    }
    for kind in made.values():
        register_kind(kind)
    yield made
    for kind in made.values():
        unregister_kind(kind.name)


def ask(actor: Any, kind: ApprovalKind, subject: Any, **extra: Any) -> Any:
    return services.request_approval(actor=actor, kind=kind.name, subject=subject, **extra)


def approve(actor: Any, request: Any, comment: str = "") -> Any:
    request.refresh_from_db()
    return services.decide(
        actor=actor, request=request, outcome="approve", version=request.version, comment=comment
    )
