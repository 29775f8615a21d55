"""Approval kinds: what each joint decision needs and what happens when it is made.

An app above ``approvals`` subclasses ``ApprovalKind`` and registers an instance in its
``AppConfig.ready()``; ``approvals`` never imports the app. The hooks:

- ``requirements(subject)``: the needs, in order (see ``approvals.needs``);
- ``may_decide(user, need)``: whether ``user`` may satisfy that need (default: the
  role holds; a kind may narrow it, never widen it past the role);
- ``version(subject)``: the subject's current version (1 for subjects never edited);
- ``on_approved(subject, actor)``: runs in the deciding transaction, after the request
  is marked approved; raising a ``DomainError`` refuses the decision and rolls it back;
- ``on_closed(subject, status)``: the request was withdrawn or changes were requested;
- ``on_superseded(subject)``: a newer request about the same subject replaced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.approvals.needs import Need


@dataclass(frozen=True)
class Override:
    """Who may decide in place of the requirements, with a recorded reason."""

    role: Need  # e.g. needs.executive()
    label: str = ""  # how the result reads: "overridden by the executive"


class ApprovalKind:
    name: str = ""  # "handoff.sla": unique, stored on every request
    label: str = ""  # "SLA change"
    subject_model: str = ""  # "handoff.slapolicy"
    needed: int | None = None  # N of the M requirements; None means all of them
    requester_approves: bool = False  # asking counts as the requester's approval
    # False: the requester never counts as an approver, not even for their own side (a
    # budget reallocation: whoever proposes moving money needs two other people).
    requester_may_decide: bool = True
    override: Override | None = None

    def requirements(self, subject: Any) -> list[Need]:
        raise NotImplementedError

    def may_decide(self, user: Any, need: Need) -> bool:
        return need.holds(user)

    def version(self, subject: Any) -> int:
        return 1

    def in_order(self, subject: Any) -> bool:
        """Whether the requirements are taken one after another (in their order)."""
        return False

    def describe(self, subject: Any) -> str:
        return str(subject)

    def url(self, subject: Any) -> str:
        from tandem.core.records import record_url

        return record_url(subject) or ""

    def on_approved(self, subject: Any, actor: Any) -> None:
        """In the deciding transaction; may raise DomainError to refuse."""

    def on_closed(self, subject: Any, status: str) -> None:
        """Withdrawn or changes requested: the subject's own state may follow."""

    def on_superseded(self, subject: Any) -> None:
        """A newer request about the same subject replaced this one."""


_KINDS: dict[str, ApprovalKind] = {}


def register_kind(kind: ApprovalKind) -> None:
    if not kind.name or not kind.subject_model:
        raise ValueError("An approval kind needs a name and a subject model.")
    if kind.name in _KINDS and type(_KINDS[kind.name]) is not type(kind):
        raise ValueError(f"Approval kind {kind.name!r} is registered twice.")
    _KINDS[kind.name] = kind


def unregister_kind(name: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.pop(name, None)


def kind_named(name: str) -> ApprovalKind:
    return _KINDS[name]


def kind_names() -> list[tuple[str, str]]:
    return sorted((k.name, k.label) for k in _KINDS.values())
