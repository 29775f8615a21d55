"""The sales sign-off gate: an approval kind bound to the asset's current version.

The review policy names whose sign-off an asset needs (the owning reps, or any rep of
its region, optionally a front-line reviewer and a head of sales, and whoever asked for
it), each or one after another. The author releases a version for review, which asks
for the approval; reviewers approve or request changes on the Decisions page or the
asset's page, both through ``tandem.approvals``. A new version voids every sign-off
(``approvals.services.new_version``). Publishing and sending to print are refused until
every required sign-off is on the current version, naming who is still missing, unless a
head of sales overrode it with a recorded reason (shown on the asset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.approvals import needs
from tandem.approvals.kinds import ApprovalKind, Override
from tandem.approvals.models import ApprovalRequest
from tandem.approvals.services import waiting_labels
from tandem.collateral.models import Asset, ReviewPolicy
from tandem.people.models import Team

SIGN_OFF = "collateral.sign_off"
Status = ApprovalRequest.Status

# What each kind asks for by default: (a front-line reviewer signs, a head of sales signs).
# What branches and the call centre hand to customers is checked by them; what states
# prices is checked by a head of sales.
KIND_DEFAULTS: dict[str, tuple[bool, bool]] = {
    Asset.Kind.BROCHURE: (True, False),
    Asset.Kind.SALES_DECK: (False, False),
    Asset.Kind.EMAIL_TEMPLATE: (False, False),
    Asset.Kind.WEB_PAGE: (False, False),
    Asset.Kind.BRANCH_DISPLAY: (True, False),
    Asset.Kind.CALL_SCRIPT: (True, False),
    Asset.Kind.CASE_STUDY: (False, False),
    Asset.Kind.PRICE_SHEET: (True, True),
    Asset.Kind.BATTLECARD: (False, True),
}


def policy_needs(policy: ReviewPolicy) -> list[needs.Need]:
    """The requirements a policy makes, in the order a sequential review takes them:
    sales first, then the front line, then the head, then whoever asked for it."""
    found: list[needs.Need] = []
    reps = list(policy.reps.all())
    for rep in reps:
        found.append(needs.person(rep, f"{rep}, the owning sales rep", Team.Function.SALES))
    if not reps and policy.sales_team is not None:
        found.append(needs.member_of_team(policy.sales_team, f"a rep of {policy.sales_team}"))
    elif not reps:
        found.append(needs.member_of(Team.Function.SALES, "a sales rep"))
    if policy.front_line_team is not None:
        team = policy.front_line_team
        found.append(needs.member_of_team(team, f"a front-line reviewer from {team}"))
    elif policy.front_line:
        found.append(needs.front_line_reviewer())
    if policy.head:
        found.append(needs.head_of(Team.Function.SALES))
    named = {rep.pk for rep in reps}
    for person in policy.requesters.all():
        if person.pk not in named:
            found.append(needs.person(person, f"{person}, who asked for it"))
    return found


class AssetSignOff(ApprovalKind):
    name, label, subject_model = SIGN_OFF, "Collateral sign-off", "collateral.asset"
    # A head of sales may let it through in the reps' place, with a recorded reason.
    override = Override(needs.head_of(Team.Function.SALES))

    def requirements(self, subject: Asset) -> list[needs.Need]:
        return policy_needs(subject.policy)

    def version(self, subject: Asset) -> int:
        return subject.version_count

    def in_order(self, subject: Asset) -> bool:
        return bool(subject.policy.in_order)

    def describe(self, subject: Asset) -> str:
        return f"Sign-off: {subject.title} (version {subject.version_count})"

    def on_approved(self, subject: Asset, actor: Any) -> None:
        from tandem.collateral.services import signed_off

        signed_off(asset=subject)

    def on_closed(self, subject: Asset, status: str) -> None:
        from tandem.collateral.services import back_to_draft

        back_to_draft(asset=subject)

    def on_superseded(self, subject: Asset) -> None:
        """A second release replaces the first: the asset stays in review."""


@dataclass(frozen=True)
class Gate:
    """Where an asset's sign-off stands for its current version."""

    passed: bool
    missing: list[str]  # who is still missing, as people read it
    request: ApprovalRequest | None  # the latest sign-off request, if any
    overridden: bool = False

    @property
    def refusal(self) -> str:
        if self.request is None:
            return "It has not been released for review: release it so sales can sign it off."
        names = " and ".join(self.missing) or "the reviewers"
        return f"It still needs the sign-off of {names} on the current version."


def latest_request(asset: Asset) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.about(asset)
        .filter(kind=SIGN_OFF)
        .exclude(status=Status.SUPERSEDED)
        .prefetch_related("requirements")
        .order_by("-requested_at", "-id")
        .first()
    )


def gate(asset: Asset, request: ApprovalRequest | None = None, *, looked: bool = False) -> Gate:
    """Every required sign-off on the current version, or an override of it. ``looked``:
    the caller already read the latest request (``request`` may then be None)."""
    if not looked and request is None:
        request = latest_request(asset)
    if request is None or asset.current_version_id is None:
        labels = [n.label for n in policy_needs(asset.policy)]
        return Gate(False, labels, request)
    current = request.version == asset.version_count
    if current and request.status in (Status.APPROVED, Status.OVERRIDDEN):
        return Gate(True, [], request, overridden=request.status == Status.OVERRIDDEN)
    requirements = list(request.requirements.all())
    if current and request.status == Status.OPEN:
        return Gate(False, waiting_labels(requirements), request)
    return Gate(False, [r.label for r in requirements], request)
