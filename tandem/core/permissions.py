"""Every permission decision in Tandem: relation of user to object x action -> allowed.

An object tells which teams it belongs to (``permission_team_ids``) and who owns it
(``permission_owner_id``); the user's memberships give the relation. The POLICY table
below is the single place where a rule is written; pages, partials, the API and tasks
all call ``can``/``require``, and each model's ``visible_to(user)`` queryset mirrors the
"view" row (a test checks they agree for every persona).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, Protocol

from tandem.core.errors import DomainError, ErrorCode


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    COMMENT = "comment"
    MANAGE_MEMBERS = "manage_members"
    REVOKE = "revoke"
    CREATE_USER = "create_user"
    VIEW_AUDIT_LOG = "view_audit_log"
    CREATE_RECORD = "create_record"  # add customers, deals, activities
    ERASE = "erase"  # remove a person's personal data (GDPR)
    WORK = "work"  # accept, reject or follow up a handed-off lead
    ASSIGN = "assign"  # give a lead to another rep
    APPROVE = "approve"  # approve (or propose) a change to a joint contract
    CAPTURE_TOUCHES = "capture_touches"  # record marketing touches (they move scores)
    GRANT = "grant"  # give a token a permission beyond its owner's (touch capture)
    RESUME = "resume"  # carry on a failed job (it runs as its owner again)
    EXPORT_LIST = "export_list"  # download a whole list (contacts, accounts, ...) as a file
    CREATE_CAMPAIGN = "create_campaign"  # plan a new campaign
    REFER = "refer"  # refer a customer to sales (a lead from the front line)
    KEEP_RATES = "keep_rates"  # add or remove the exchange rates totals convert with
    PROPOSE = "propose"  # propose a change others decide (a budget reallocation)


# How a refusal names each action: "You are not allowed to <phrase> (this <record>)."
PHRASES: dict[Action, str] = {
    Action.VIEW: "see",
    Action.CHANGE: "change",
    Action.COMMENT: "comment on",
    Action.MANAGE_MEMBERS: "manage members of",
    Action.REVOKE: "revoke",
    Action.CREATE_USER: "create people's accounts",
    Action.VIEW_AUDIT_LOG: "see the audit log",
    Action.CREATE_RECORD: "add customers, deals or activities",
    Action.ERASE: "erase",
    Action.WORK: "work",
    Action.ASSIGN: "reassign",
    Action.APPROVE: "approve changes to",
    Action.CAPTURE_TOUCHES: "capture marketing touches",
    Action.GRANT: "grant permissions to",
    Action.RESUME: "resume",
    Action.EXPORT_LIST: "export whole lists",
    Action.CREATE_CAMPAIGN: "create campaigns",
    Action.REFER: "refer customers to sales",
    Action.KEEP_RATES: "change the exchange rates",
    Action.PROPOSE: "propose",
}


class Relation(StrEnum):
    ADMIN = "admin"  # an organisation administrator
    OWNER = "owner"  # the object is theirs (their profile, token, job, comment)
    HEAD = "head"  # head of a team the object belongs to
    MEMBER = "member"  # member of a team the object belongs to
    COLLEAGUE = "colleague"  # in some team of the organisation, not this object's
    OUTSIDER = "outsider"  # no team at all (or not logged in)
    # Not a relation to an object but to an action: an administrator granted this person
    # the action beyond what their teams may (``User.granted_actions``). Holds only for
    # someone who works here.
    GRANTED = "granted"


class Governed(Protocol):
    @property
    def permission_team_ids(self) -> Iterable[int]: ...

    @property
    def permission_owner_id(self) -> int | None: ...


ADMIN, OWNER, HEAD = Relation.ADMIN, Relation.OWNER, Relation.HEAD
# Everyone who works here: admins and anyone in a team (not outsiders).
STAFF = frozenset({Relation.ADMIN, Relation.HEAD, Relation.MEMBER, Relation.COLLEAGUE})
# The office's work: the members of the office teams (a scope of marketing, sales and
# leadership, ``tandem.people.grants.office``) and administrators; a front-line member only
# once an administrator granted it on their page.
OFFICE = frozenset({ADMIN, HEAD, Relation.MEMBER, Relation.GRANTED})

# object label -> action -> relations allowed.
POLICY: dict[str, dict[Action, frozenset[Relation]]] = {
    "people.team": {
        Action.VIEW: STAFF,
        Action.COMMENT: STAFF,
        Action.MANAGE_MEMBERS: frozenset({ADMIN, HEAD}),
        Action.CHANGE: frozenset({ADMIN, HEAD}),
    },
    "people.user": {
        Action.VIEW: STAFF | {OWNER},
        Action.COMMENT: STAFF,
        Action.CHANGE: frozenset({ADMIN, OWNER}),
        Action.GRANT: frozenset({ADMIN}),  # rights beyond their teams' (people.grants)
    },
    "people.organisation": {
        Action.CREATE_USER: frozenset({ADMIN}),
        # Everyone who works here adds customers and activities and refers customers to
        # sales, the front line included: it is their job.
        Action.CREATE_RECORD: STAFF,
        Action.REFER: STAFF,
        Action.VIEW_AUDIT_LOG: frozenset({ADMIN}),
        # Every converted total names its rates, so everyone reads them; administrators
        # keep them, as in Salesforce ("Manage Currency") and HubSpot (super admins).
        Action.KEEP_RATES: frozenset({ADMIN}),
    },
    # Whole lists out of Tandem (contacts, accounts, opportunities, campaigns as CSV or
    # XLSX) and new campaigns are the office's: not the front line's unless an
    # administrator grants it. (The audit log's export is administrators' anyway.)
    "people.office": {Action.EXPORT_LIST: OFFICE, Action.CREATE_CAMPAIGN: OFFICE},
    "api.apitoken": {
        Action.VIEW: frozenset({OWNER}),
        Action.REVOKE: frozenset({OWNER}),
        Action.GRANT: frozenset({ADMIN}),
    },
    # A calendar feed's URL reads the calendar as its owner: theirs alone, as a token.
    "calendar.feedtoken": {Action.VIEW: frozenset({OWNER}), Action.REVOKE: frozenset({OWNER})},
    # Touches move scores and make MQLs: the marketing teams capture them (decided
    # against campaigns.services.TouchCapture, whose teams are the marketing teams),
    # and integrations whose token an administrator granted capture.
    "campaigns.touchpoint": {Action.CAPTURE_TOUCHES: frozenset({ADMIN, HEAD, Relation.MEMBER})},
    # The shared customer record: everyone who works here reads it; the owner, the
    # record's team and administrators change it.
    **{
        label: {
            Action.VIEW: STAFF,
            Action.COMMENT: STAFF,
            Action.CHANGE: frozenset({ADMIN, OWNER, HEAD, Relation.MEMBER}),
            Action.ERASE: frozenset({ADMIN, HEAD}),
        }
        for label in (
            "crm.account",
            "crm.contact",
            "crm.opportunity",
            "crm.activity",
            "campaigns.campaign",
        )
    },
    # The hand-off. Everyone sees the funnel; the rep a lead is assigned to and the
    # sales team's members and heads work it (services refuse a lead assigned to someone
    # else unless the actor heads the team); heads reassign.
    "handoff.lead": {
        Action.VIEW: STAFF,
        Action.COMMENT: STAFF,
        Action.WORK: frozenset({OWNER, HEAD, Relation.MEMBER}),
        Action.ASSIGN: frozenset({HEAD}),
    },
    # A referral is read like the lead it made (the rep reads the note); it is made
    # through REFER on the organisation, and changed only by what sales does with the lead.
    "handoff.referral": {Action.VIEW: STAFF},
    # Joint contracts belong to every marketing and sales team: their heads propose and
    # approve (services also require one approval from each side).
    **{
        label: {Action.VIEW: STAFF, Action.APPROVE: frozenset({HEAD})}
        for label in (
            "handoff.slapolicy",
            "handoff.scoringmodel",
            "attribution.attributionchoice",
            "calendar.killcriteria",
        )
    },
    # A flagged campaign's cut-or-continue: its owner's, the heads of its team, or an
    # administrator's; everyone who works here reads it (sales sees it on the calendar).
    "calendar.killdecision": {Action.VIEW: STAFF, Action.CHANGE: frozenset({ADMIN, OWNER, HEAD})},
    # Collateral: everyone who works here reads it (reviewers on the front line read the
    # drafts they sign; the library shows what is published), uses, rates and asks for
    # it; its owner, their marketing team and administrators change it. A collateral
    # request belongs to the marketing teams, who triage it.
    "collateral.asset": {
        Action.VIEW: STAFF,
        Action.COMMENT: STAFF,
        Action.CHANGE: frozenset({ADMIN, OWNER, HEAD, Relation.MEMBER}),
    },
    "collateral.collateralrequest": {
        Action.VIEW: STAFF,
        Action.COMMENT: STAFF,
        Action.CHANGE: frozenset({ADMIN, HEAD, Relation.MEMBER}),
    },
    # The revenue plan: everyone who works here reads it. The executive (a head of
    # leadership) opens and closes fiscal periods and sets the target; heads of
    # marketing and sales propose targets and set the funnel's assumptions.
    "planning.planperiod": {Action.VIEW: STAFF, Action.CHANGE: frozenset({ADMIN, HEAD})},
    "planning.revenuetarget": {Action.VIEW: STAFF, Action.APPROVE: frozenset({HEAD})},
    "planning.assumption": {Action.VIEW: STAFF, Action.CHANGE: frozenset({HEAD})},
    "planning.kpitarget": {Action.VIEW: STAFF, Action.CHANGE: frozenset({HEAD})},
    # The shared incentive's formula is a joint contract of marketing and sales.
    "planning.incentiveplan": {Action.VIEW: STAFF, Action.APPROVE: frozenset({HEAD})},
    # The shared budget: everyone who works here reads it. A line is its team's: its
    # owner, the team's members and heads (and administrators) plan it, commit and spend
    # from it; the executive and heads open a period's budget. Marketers, sales reps and
    # their heads propose reallocations, which a head of each side approves (never the
    # proposer; approvals' requirements decide that, not this table).
    "budget.budget": {Action.VIEW: STAFF, Action.CHANGE: frozenset({ADMIN, HEAD})},
    "budget.budgetline": {
        Action.VIEW: STAFF,
        Action.CHANGE: frozenset({ADMIN, OWNER, HEAD, Relation.MEMBER}),
    },
    "budget.commitment": {
        Action.VIEW: STAFF,
        Action.CHANGE: frozenset({ADMIN, OWNER, HEAD, Relation.MEMBER}),
    },
    "budget.spend": {Action.VIEW: STAFF},
    "budget.reallocation": {
        Action.VIEW: STAFF,
        Action.PROPOSE: frozenset({HEAD, Relation.MEMBER}),
    },
    # Joint decisions are made in the open: everyone who works here reads them and
    # comments; who may decide is the request's requirements' business (approvals).
    "approvals.approvalrequest": {Action.VIEW: STAFF, Action.COMMENT: STAFF},
    "handoff.rejectionreason": {Action.VIEW: STAFF, Action.CHANGE: frozenset({HEAD})},
    "handoff.routingrule": {Action.VIEW: STAFF, Action.CHANGE: frozenset({ADMIN, HEAD})},
    # Administrators see everyone's jobs; resuming one runs it as its owner again, so
    # only the owner may.
    "core.job": {Action.VIEW: frozenset({ADMIN, OWNER}), Action.RESUME: frozenset({OWNER})},
    "core.savedview": {Action.CHANGE: frozenset({OWNER})},
    "notifications.notification": {
        Action.VIEW: frozenset({OWNER}),
        Action.CHANGE: frozenset({OWNER}),
    },
}


class OwnedRecord:
    """For records that belong to one person only (a token, a job, a notification).

    Set ``permission_owner_field`` to the foreign key naming that person.
    """

    permission_owner_field = "owner"

    @property
    def permission_owner_id(self) -> int | None:
        owner_id: int | None = getattr(self, f"{self.permission_owner_field}_id")
        return owner_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return ()


@dataclass(frozen=True)
class _ScopeMeta:
    label_lower: str
    verbose_name: str


class Scope:
    """What a decision is about when it is no one record: the organisation as a whole,
    or all records of a kind (granting tokens, capturing touches). Looked up in POLICY by
    ``label``; ``team_ids`` (read when first needed) gives the teams whose heads and
    members it belongs to; a refusal names no record ("not allowed to see the audit
    log", not "... this organisation"), or the records in general (``noun``)."""

    permission_owner_id: int | None = None

    def __init__(
        self,
        label: str,
        verbose_name: str,
        team_ids: Callable[[], Iterable[int]] = tuple,
        *,
        noun: str = "",
    ) -> None:
        self._meta = _ScopeMeta(label, verbose_name)
        self._team_ids = team_ids
        self.noun = noun

    @cached_property
    def permission_team_ids(self) -> frozenset[int]:
        return frozenset(self._team_ids())


ORGANISATION = Scope("people.organisation", "organisation")


def label_of(obj: Any) -> str:
    return str(obj._meta.label_lower)


def relations(user: Any, obj: Any) -> set[Relation]:
    """All the ways ``user`` stands to ``obj`` (a user can own a thing and head its team)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {Relation.OUTSIDER}
    found: set[Relation] = set()
    if user.is_admin:
        found.add(Relation.ADMIN)
    owner_id = getattr(obj, "permission_owner_id", None)
    if owner_id is not None and owner_id == user.pk:
        found.add(Relation.OWNER)
    roles = user.team_roles()  # {team_id: "head" | "member"}, cached per user object
    team_ids = set(getattr(obj, "permission_team_ids", ()) or ())
    shared = team_ids & roles.keys()
    if any(roles[t] == "head" for t in shared):
        found.add(Relation.HEAD)
    if shared:
        found.add(Relation.MEMBER)
    if roles and not shared:
        found.add(Relation.COLLEAGUE)
    if not roles:
        found.add(Relation.OUTSIDER)
    return found


def is_staff(user: Any) -> bool:
    """Works here: an administrator, or in at least one team. What the shared record's
    ``visible_to`` querysets and the navigation use, read off the STAFF relations."""
    return bool(relations(user, ORGANISATION) & STAFF)


def require_staff(user: Any) -> None:
    """NOT_FOUND for anyone who does not work here: pages, partials and API routes
    answer them a 404, as if there were nothing there."""
    if not is_staff(user):
        raise DomainError(ErrorCode.NOT_FOUND, "Not found.")


def require_works_here(user: Any, what: str) -> None:
    """FORBIDDEN, saying "You are not allowed to see <what>.", unless ``user`` works here:
    for pages everyone who works here reads (the calendar, capacity, exchange rates)."""
    if not is_staff(user):
        raise DomainError(ErrorCode.FORBIDDEN, f"You are not allowed to see {what}.")


def can(user: Any, action: Action, obj: Any) -> bool:
    allowed = POLICY.get(label_of(obj), {}).get(action, frozenset())
    found = relations(user, obj)
    if allowed & found:
        return True
    return Relation.GRANTED in allowed and bool(found & STAFF) and granted(user, action)


def granted(user: Any, action: Action) -> bool:
    """Whether an administrator granted ``user`` this action beyond their teams' rights
    (``User.granted_actions``, set on the person's page)."""
    return action in getattr(user, "granted_actions", ())


def can_on_every(user: Any, action: Action, label: str) -> bool:
    """Whether ``user`` may do ``action`` on every object of ``label`` whoever owns it:
    true when a relation that holds for every object (an administrator's) allows it.
    Bulk paths use it to skip asking object by object."""
    allowed = POLICY.get(label, {}).get(action, frozenset())
    return Relation.ADMIN in allowed and Relation.ADMIN in relations(user, ORGANISATION)


def require(user: Any, action: Action, obj: Any) -> None:
    """Raise FORBIDDEN unless ``user`` may do ``action`` on ``obj``.

    Callers fetch objects through ``visible_to(user)`` first, so an object the user
    cannot see is already a 404; this guards the actions beyond seeing it.
    """
    if not can(user, action, obj):
        raise DomainError(ErrorCode.FORBIDDEN, refusal(action, obj))


def refusal(action: Action, obj: Any) -> str:
    """The sentence a refused person reads. An action on the organisation as a whole
    names no record ("see the audit log", not "view audit log this organisation")."""
    phrase = PHRASES.get(action, action.value.replace("_", " "))
    if isinstance(obj, Scope):
        said = f"You are not allowed to {phrase}{f' {obj.noun}' if obj.noun else ''}."
        if Relation.GRANTED in POLICY.get(label_of(obj), {}).get(action, ()):
            said += " Ask an administrator to grant it."
        return said
    return f"You are not allowed to {phrase} this {obj._meta.verbose_name}."
