"""The route table: every route in the URLconf, and what each persona gets from it.

Data, not tests: test_routes.py walks this table against Django's URL resolver, so a
route added without a row here fails, and adding a route means deciding here who may see
it. Each row says what a GET gets per persona and for an anonymous visitor and, for a
route that changes something, a form that would be accepted and who must be refused.
The API under /api/v1/ is the one exception: its operations are walked from the OpenAPI
schema by tandem/api/tests/test_contract.py and test_schema_probe.py, so here each API
route only has to be an operation of that schema (its pages, the docs and the schema,
are rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.conftest import PERSONA_NAMES

PERSONAS = list(PERSONA_NAMES)
LOGIN = "log in"  # an anonymous visitor is sent to /login/?next=...
OK, MOVED, FOUND, FORBIDDEN, MISSING, NOT_ALLOWED = 200, 301, 302, 403, 404, 405
API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Route:
    """What a GET gets per persona ("*": everyone not named), and for an anonymous
    visitor; for a route that changes something, ``post`` is a form that would be
    accepted from someone allowed, and ``refused`` the personas whose POST of it must
    be refused (403, or 404 when they may not know the record is there) changing
    nothing."""

    get: dict[str, int]
    anonymous: int | str = LOGIN
    post: dict[str, str] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)

    def status(self, persona: str) -> int:
        return self.get.get(persona, self.get["*"])


EVERYONE = {"*": OK}
STAFF = {"outsider": FORBIDDEN, "*": OK}
STAFF_RECORD = {"outsider": MISSING, "*": OK}  # a record outsiders may not know exists
# The hand-off and attribution answer outsiders as if nothing were there (require_staff).
STAFF_ONLY = STAFF_RECORD
EDITORS = {"sales_rep": OK, "sales_head": OK, "admin": OK, "outsider": MISSING, "*": FORBIDDEN}
NOT_EDITORS = {p: s for p, s in EDITORS.items() if s != OK and p != "*"} | {
    p: FORBIDDEN for p in ("marketer", "marketing_head", "front_liner", "executive")
}
POST_ONLY = {"*": NOT_ALLOWED}
# The plan's heads: of marketing, sales and leadership (the executive).
PLANNERS = {
    "marketing_head": OK,
    "sales_head": OK,
    "executive": OK,
    "outsider": MISSING,
    "*": FORBIDDEN,
}
NOT_PLANNERS = {p: FORBIDDEN for p in PERSONA_NAMES if PLANNERS.get(p) != OK} | {
    "outsider": MISSING
}
NOT_EXECUTIVE = {p: FORBIDDEN for p in PERSONA_NAMES if p not in ("executive", "admin")} | {
    "outsider": MISSING
}
# Collateral is marketing's to make and change: Mia owns the sample asset, Hana heads her
# team, and administrators may; others working here are refused, outsiders told nothing.
ASSET_EDITORS = {
    "marketer": OK,
    "marketing_head": OK,
    "admin": OK,
    "outsider": MISSING,
    "*": FORBIDDEN,
}
NOT_ASSET_EDITORS = {
    p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")
} | {"outsider": MISSING}
# Whole-list exports and new campaigns are the office's: the front line is refused
# unless an administrator grants it (test_routes.py grants it and walks these again).
OFFICE = {"front_liner": FORBIDDEN, "outsider": FORBIDDEN, "*": OK}
NOT_STAFF = {"outsider": FORBIDDEN}
HEADS = ("marketing_head", "sales_head")
NOT_HEADS = {p: FORBIDDEN for p in PERSONAS if p not in HEADS}
NOT_ADMIN = {p: FORBIDDEN for p in PERSONAS if p != "admin"}
# Sam, whose lead it is, and his head work it; everyone else working here is refused.
NOT_WORKING_THE_LEAD = {p: FORBIDDEN for p in PERSONAS if p not in ("sales_rep", "sales_head")} | {
    "outsider": MISSING
}
SLA_FORM = {"mqls_per_month": "120", "min_acceptance_rate": "60"} | {
    f"{tier}_{name}": value
    for tier, score in (("high", "80"), ("medium", "50"), ("low", "0"))
    for name, value in (("min_score", score), ("accept", "4"), ("follow_up", "8"))
}
SCORING_FORM = {
    "threshold": "60",
    "half_life_days": "30",
    "rules-TOTAL_FORMS": "1",
    "rules-INITIAL_FORMS": "0",
    "rules-0-kind": "engagement",
    "rules-0-field": "form",
    "rules-0-points": "30",
}
NOT_MARKETING = {p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}

# url (with {ids} from the fixture) -> who gets what. Several rows may share a route.
ROUTES: dict[str, Route] = {
    # --- Signing in, out and passwords ---------------------------------------------------
    "/login/": Route({"*": FOUND}, anonymous=OK),  # signed in: sent on home
    "/logout/": Route(POST_ONLY, anonymous=NOT_ALLOWED),
    "/password/change/": Route(EVERYONE),
    "/password/change/done/": Route(EVERYONE),
    "/password/reset/": Route(EVERYONE, anonymous=OK),
    "/password/reset/sent/": Route(EVERYONE, anonymous=OK),
    "/password/reset/{reset_uid}/not-a-token/": Route(EVERYONE, anonymous=OK),
    "/password/reset/done/": Route(EVERYONE, anonymous=OK),
    "/favicon.ico": Route({"*": MOVED}, anonymous=MOVED),
    # --- People, teams, notifications ---------------------------------------------------
    "/": Route(EVERYONE),
    "/search/": Route(EVERYONE),  # finds only what visible_to lets each person see
    "/profile/": Route(EVERYONE),
    "/people/": Route(EVERYONE),
    "/people/mentions/": Route({"outsider": MISSING, "*": OK}),
    "/people/new/": Route(
        {"admin": OK, "*": FORBIDDEN},
        post={"email": "new@example.test", "full_name": "New Person", "time_zone": "UTC"},
        refused=NOT_ADMIN,
    ),
    "/people/{marketer}/": Route(STAFF_RECORD),
    "/people/999999/": Route({"*": MISSING}),
    "/people/{front_liner}/grants/": Route(
        POST_ONLY,
        post={"may_export_lists": "on", "may_create_campaigns": "on"},
        refused={**NOT_ADMIN, "outsider": MISSING},
    ),
    "/people/{marketer}/active/": Route(
        POST_ONLY,
        post={"active": "0"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "marketer")},
            "outsider": MISSING,
        },
    ),
    "/teams/": Route(EVERYONE),
    "/teams/{marketing}/": Route(STAFF_RECORD),
    "/teams/999999/": Route({"*": MISSING}),
    "/teams/{marketing}/members/": Route(
        POST_ONLY,
        post={"email": "sid@example.test", "role": "member"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "marketing_head")},
            "outsider": MISSING,
        },
    ),
    "/teams/{marketing}/members/{membership}/": Route(
        POST_ONLY,
        post={"action": "remove"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "marketing_head")},
            "outsider": MISSING,
        },
    ),
    "/notifications/": Route(EVERYONE),
    "/notifications/read-all/": Route(POST_ONLY),
    "/notifications/{notification}/open/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "marketer"}
    ),
    "/records/people.team/{marketing}/comments/": Route(
        STAFF_RECORD, post={"body": "Hello"}, refused={"outsider": MISSING}
    ),
    "/records/people.team/{marketing}/history/": Route(STAFF_RECORD),
    "/records/people.user/{marketer}/history/": Route(STAFF_RECORD),
    # --- Jobs, history, the audit log, saved views --------------------------------------
    "/jobs/{job}/": Route({"marketer": OK, "admin": OK, "*": MISSING}),
    "/jobs/999999/": Route({"*": MISSING}),
    "/jobs/{job}/download/": Route({"marketer": OK, "admin": OK, "*": MISSING}),
    "/jobs/{job}/resume/": Route(
        POST_ONLY,
        post={},
        refused={**{p: MISSING for p in PERSONAS if p != "marketer"}, "admin": FORBIDDEN},
    ),
    "/audit/": Route({"admin": OK, "*": FORBIDDEN}),
    "/audit/export/": Route(POST_ONLY, post={}, refused=NOT_ADMIN),
    # Everyone who works here reads the exchange rates; administrators keep them.
    "/exchange-rates/": Route(
        STAFF,
        post={"currency": "CHF", "valid_from": "2026-12-01", "rate": "0.9"},
        refused={**NOT_ADMIN, "outsider": FORBIDDEN},
    ),
    "/exchange-rates/{rate}/remove/": Route(POST_ONLY, post={}, refused=NOT_ADMIN),
    "/views/crm.contacts/save/": Route(
        POST_ONLY, post={"name": "North", "query": "region=North"}, refused=NOT_STAFF
    ),
    "/views/{saved_view}/delete/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "marketer"}
    ),
    # --- The customer record -------------------------------------------------------------
    "/accounts/": Route(STAFF),
    "/accounts/new/": Route(STAFF, post={"name": "Newco"}, refused=NOT_STAFF),
    "/accounts/{account}/": Route(STAFF_RECORD),
    "/accounts/{account}/edit/": Route(
        EDITORS,
        post={"name": "Acme renamed"},
        refused=NOT_EDITORS,
    ),
    "/accounts/{account}/opportunities/new/": Route(
        STAFF, post={"name": "Another deal"}, refused=NOT_STAFF
    ),
    "/accounts/export.xlsx": Route(OFFICE),
    "/contacts/": Route(STAFF),
    "/contacts/new/": Route(STAFF, post={"first_name": "Nia"}, refused=NOT_STAFF),
    "/contacts/import/": Route(STAFF),
    "/contacts/import/not-my-upload/": Route({"outsider": FORBIDDEN, "*": MISSING}),
    "/contacts/export.csv": Route(OFFICE),
    "/contacts/{contact}/": Route(STAFF_RECORD),
    "/contacts/{contact}/edit/": Route(
        EDITORS,
        post={"first_name": "Janet"},
        refused=NOT_EDITORS,
    ),
    "/contacts/{contact}/consent/": Route(
        POST_ONLY,
        post={"consent": "no", "source": "phone call"},
        refused={"marketer": FORBIDDEN, "front_liner": FORBIDDEN, "outsider": MISSING},
    ),
    "/contacts/{contact}/consent/opt-in/": Route(
        POST_ONLY,
        post={},
        refused={"marketer": FORBIDDEN, "front_liner": FORBIDDEN, "outsider": MISSING},
    ),
    "/contacts/{contact}/erase/": Route(
        POST_ONLY,
        post={"confirm": "ERASE"},
        refused={
            **{p: FORBIDDEN for p in PERSONAS if p not in ("admin", "sales_head")},
            "outsider": MISSING,
        },
    ),
    "/consent/confirm/not-a-token/": Route({"*": MISSING}, anonymous=MISSING),
    "/opportunities/": Route(STAFF),
    "/opportunities/export.csv": Route(OFFICE),
    "/opportunities/{deal}/": Route(STAFF_RECORD),
    "/opportunities/{deal}/edit/": Route(
        EDITORS,
        post={
            "name": "Deal renamed",
            "amount": "2500",
            "currency": "GBP",
            "stage": "proposal",
            "owner": "{sales_rep_id}",
        },
        refused=NOT_EDITORS,
    ),
    # A card's move on the board (dragged, or its "Move to" form).
    "/opportunities/{deal}/move/": Route(
        POST_ONLY, post={"stage": "proposal"}, refused=NOT_EDITORS
    ),
    "/opportunities/board/": Route(STAFF),
    "/opportunities/forecast/": Route(STAFF),
    "/opportunities/import/": Route(STAFF),
    "/opportunities/import/not-my-upload/": Route({"outsider": FORBIDDEN, "*": MISSING}),
    "/records/crm.opportunity/{deal}/activities/": Route(
        POST_ONLY,
        post={"kind": "note", "subject": "Called"},
        refused={"outsider": MISSING},
    ),
    "/records/crm.account/{account}/history/": Route(STAFF_RECORD),
    "/records/crm.contact/{contact}/comments/": Route(STAFF_RECORD),
    "/records/crm.contact/{contact}/activities/": Route(
        POST_ONLY,
        post={"kind": "note", "subject": "Called"},
        refused={"outsider": MISSING},
    ),
    # The front line's two clicks: anyone who works here logs a branch visit or a call.
    "/contacts/{contact}/log/visit/": Route(POST_ONLY, post={}, refused={"outsider": MISSING}),
    # A note on an activity: whoever may change it (Sam's task: Sam, his team, his head).
    "/activities/{task}/note/": Route(
        POST_ONLY,
        post={"note": "Asked for a brochure"},
        refused={
            **{p: FORBIDDEN for p in ("marketer", "marketing_head", "front_liner", "executive")},
            "outsider": MISSING,
        },
    ),
    "/activities/{task}/done/": Route(
        POST_ONLY,
        post={},
        refused={"marketer": FORBIDDEN, "front_liner": FORBIDDEN, "outsider": MISSING},
    ),
    # --- Campaigns and touches -----------------------------------------------------------
    "/campaigns/": Route(STAFF),
    "/campaigns/new/": Route(
        OFFICE,
        post={
            "name": "Autumn",
            "type": "email",
            "channel": "email",
            "starts_on": "2026-09-01",
            "ends_on": "2026-09-30",
        },
        refused={"front_liner": FORBIDDEN, "outsider": FORBIDDEN},
    ),
    "/campaigns/export.xlsx": Route(OFFICE),
    # Capturing touches is marketing's (and administrators'): they move scores.
    "/campaigns/touchpoints/import/": Route(
        {"marketer": OK, "marketing_head": OK, "admin": OK, "*": FORBIDDEN},
        post={},
        refused={**NOT_MARKETING, "outsider": FORBIDDEN},
    ),
    "/campaigns/{campaign}/": Route(
        STAFF_RECORD,
        post={"status": "active"},
        refused={p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}
        | {"outsider": MISSING},
    ),
    "/records/campaigns.campaign/{campaign}/comments/": Route(STAFF_RECORD),
    # --- The plan ---------------------------------------------------------------------------
    # Everyone who works here reads it; the executive opens and closes years and sets the
    # target; heads of marketing and sales propose targets and set the funnel's figures.
    # The budget's fiscal year is this one: its plan is where /plan/ takes people
    # (?all=1 lists every year).
    "/plan/": Route(
        {"outsider": MISSING, "*": FOUND}, post={"year": "2031"}, refused=NOT_EXECUTIVE
    ),
    "/plan/{plan_period}/": Route(STAFF_ONLY),
    "/plan/{plan_period}/target/": Route(PLANNERS, post={"q1": "1000"}, refused=NOT_PLANNERS),
    "/plan/{plan_period}/figures/": Route(
        PLANNERS,
        post={"key": "win_rate", "applies": "default", "value": "30"},
        refused=NOT_PLANNERS,
    ),
    "/plan/{plan_period}/figures/clear/": Route(
        POST_ONLY, post={"key": "win_rate", "applies": "default"}, refused=NOT_PLANNERS
    ),
    "/plan/{plan_period}/sla/": Route(
        POST_ONLY,
        post={},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("marketing_head", "sales_head")}
        | {"outsider": MISSING},
    ),
    "/plan/{plan_period}/close/": Route(POST_ONLY, post={}, refused=NOT_EXECUTIVE),
    "/plan/{plan_period}/scorecard/": Route(STAFF_ONLY),
    "/plan/{plan_period}/scorecard/targets/": Route(
        PLANNERS, post={"win_rate": "30"}, refused=NOT_PLANNERS
    ),
    "/plan/{plan_period}/incentive/": Route(STAFF_ONLY),
    # The formula is the contract of marketing's and sales' heads.
    "/plan/{plan_period}/incentive/propose/": Route(
        {"marketing_head": OK, "sales_head": OK, "outsider": MISSING, "*": FORBIDDEN},
        post={"pool": "1000", "revenue_vs_target_weight": "100"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("marketing_head", "sales_head")}
        | {"outsider": MISSING},
    ),
    # --- Collateral -----------------------------------------------------------------------
    # Everyone who works here reads it, uses it, rates it, pins comments and asks for it;
    # marketing (the asset's owner, their team, administrators) makes and changes it.
    "/collateral/": Route(STAFF_ONLY),
    "/collateral/new/": Route(
        ASSET_EDITORS,
        post={"title": "Spring leaflet", "kind": "brochure"},
        refused=NOT_ASSET_EDITORS,
    ),
    "/collateral/library/": Route(STAFF_ONLY),
    "/collateral/analytics/": Route(STAFF_ONLY),
    "/collateral/requests/": Route(
        STAFF_ONLY, post={"title": "A price sheet"}, refused={"outsider": MISSING}
    ),
    "/collateral/requests/{collateral_request}/": Route(STAFF_ONLY),
    "/collateral/requests/{collateral_request}/triage/": Route(
        POST_ONLY, post={"outcome": "accepted"}, refused=NOT_ASSET_EDITORS
    ),
    "/collateral/requests/{collateral_request}/deliver/": Route(
        POST_ONLY, post={"asset": "{asset}"}, refused=NOT_ASSET_EDITORS
    ),
    "/collateral/{asset}/": Route(STAFF_ONLY),
    "/collateral/{asset}/edit/": Route(
        ASSET_EDITORS, post={"title": "Renamed", "kind": "brochure"}, refused=NOT_ASSET_EDITORS
    ),
    "/collateral/{asset}/policy/": Route(
        ASSET_EDITORS, post={"front_line": "on"}, refused=NOT_ASSET_EDITORS
    ),
    "/collateral/{asset}/upload/": Route(POST_ONLY, post={"note": "x"}, refused=NOT_ASSET_EDITORS),
    "/collateral/{asset}/release/": Route(POST_ONLY, post={}, refused=NOT_ASSET_EDITORS),
    "/collateral/{asset}/publish/": Route(POST_ONLY, post={}, refused=NOT_ASSET_EDITORS),
    "/collateral/{asset}/print/": Route(POST_ONLY, post={}, refused=NOT_ASSET_EDITORS),
    "/collateral/{asset}/retire/": Route(
        POST_ONLY, post={"reason": "Old"}, refused=NOT_ASSET_EDITORS
    ),
    "/collateral/{asset}/use/": Route(
        POST_ONLY, post={"action": "used"}, refused={"outsider": MISSING}
    ),
    "/collateral/{asset}/feedback/": Route(
        POST_ONLY, post={"rating": "5"}, refused={"outsider": MISSING}
    ),
    "/collateral/{asset}/review/": Route(STAFF_ONLY),
    "/collateral/{asset}/compare/": Route(STAFF_ONLY),
    "/collateral/{asset}/versions/1/download/": Route(STAFF_ONLY),
    "/collateral/{asset}/versions/1/pages/1.png": Route(STAFF_ONLY),
    "/collateral/{asset}/versions/1/pins/": Route(
        POST_ONLY,
        post={"page": "1", "x": "0.2", "y": "0.2", "text": "Hm"},
        refused={"outsider": MISSING},
    ),
    "/collateral/{asset}/pins/{pin}/reply/": Route(
        POST_ONLY, post={"text": "Agreed"}, refused={"outsider": MISSING}
    ),
    # Resolved by whoever pinned it (Sam) or the asset's owner (Mia).
    "/collateral/{asset}/pins/{pin}/resolve/": Route(
        POST_ONLY,
        post={},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("marketer", "sales_rep", "outsider")}
        | {"outsider": MISSING},
    ),
    # --- The calendar -------------------------------------------------------------------
    "/calendar/": Route(STAFF),
    "/calendar/items/{campaign}/": Route(STAFF_RECORD),
    "/calendar/items/{campaign}/move/": Route(
        POST_ONLY,
        post={"starts_on": "2027-03-01", "ends_on": "2027-03-31", "version": "1"},
        refused={p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}
        | {"outsider": MISSING},
    ),
    "/calendar/delegates/": Route(
        STAFF,
        post={"user": "{deputy}"},
        refused={p: FORBIDDEN for p in PERSONAS if p != "sales_head"},
    ),
    "/calendar/delegates/{delegate}/remove/": Route(
        POST_ONLY,
        post={},
        refused={p: FORBIDDEN for p in PERSONAS if p != "sales_head"},
    ),
    # Capacity: everyone who works here reads it; the heads of sales set its launch rule.
    "/calendar/capacity/": Route(STAFF),
    "/calendar/capacity/rule/": Route(
        POST_ONLY,
        post={"approval_before_launch": "on"},
        refused={p: FORBIDDEN for p in PERSONAS if p != "sales_head"},
    ),
    # Sales' readiness: the heads of sales (and their delegates) mark it.
    "/calendar/items/{campaign}/readiness/": Route(
        POST_ONLY,
        post={"status": "not_ready", "note": "Reps away"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("sales_head", "outsider")}
        | {"outsider": MISSING},
    ),
    # Calendar feeds: each person's own, even an administrator's (as API tokens).
    "/calendar/feeds/": Route(STAFF, post={"name": "Phone"}, refused={"outsider": FORBIDDEN}),
    "/calendar/feeds/{feed}/revoke/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "marketer"}
    ),
    # The feed calendar apps poll, unable to sign in: the secret in the URL is the
    # credential, so whoever holds it reads it, signed in or not (as the feed's owner
    # may see the calendar). A guessed, revoked or malformed secret is the same plain
    # 404 for everyone.
    "/calendar/feed/{feed_address}.ics": Route(EVERYONE, anonymous=OK),
    "/calendar/feed/{feed_key}_not-the-secret.ics": Route({"*": MISSING}, anonymous=MISSING),
    "/calendar/feed/not-a-secret.ics": Route({"*": MISSING}, anonymous=MISSING),
    # Cutting what fails: heads propose kill criteria; a flagged campaign's owner, a head
    # of its team or an administrator cuts or continues it; everyone reads performance.
    "/calendar/kill-criteria/": Route(STAFF_ONLY),
    "/calendar/kill-criteria/new/": Route(
        STAFF_ONLY,
        post={"campaign_type": "webinar", "mql_share_min": "40", "mql_share_days": "14"},
        refused={**NOT_HEADS, "outsider": MISSING},
    ),
    "/calendar/items/{campaign}/decision/": Route(
        POST_ONLY,
        post={"outcome": "cut"},
        refused={p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}
        | {"outsider": MISSING},
    ),
    "/calendar/performance/": Route(STAFF_ONLY),
    "/calendar/performance/export.csv": Route(OFFICE),
    "/calendar/performance/export.xlsx": Route(OFFICE),
    "/campaigns/target/": Route(
        POST_ONLY, post={"campaign": "{campaign}"}, refused={"outsider": MISSING}
    ),
    "/campaigns/members/add/": Route(
        POST_ONLY,
        post={"campaign": "{campaign}", "contact": "{contact}"},
        refused={"outsider": MISSING},
    ),
    # The web form customers fill in on their own pages: anyone may post it.
    "/f/{form_key}/": Route(EVERYONE, anonymous=OK),
    # --- The hand-off --------------------------------------------------------------------
    "/leads/": Route(STAFF_ONLY),
    "/leads/board/": Route(STAFF_ONLY),
    "/leads/{lead}/": Route(STAFF_ONLY),
    "/leads/{lead}/accept/": Route(
        POST_ONLY,
        post={},
        refused=NOT_WORKING_THE_LEAD,
    ),
    "/leads/{lead}/reject/": Route(
        POST_ONLY,
        post={"reason": "no-budget", "note": "No budget this year"},
        refused=NOT_WORKING_THE_LEAD,
    ),
    "/leads/{lead}/follow-up/": Route(
        POST_ONLY,
        post={"kind": "call", "subject": "Called"},
        refused=NOT_WORKING_THE_LEAD,
    ),
    "/leads/{lead}/reassign/": Route(
        POST_ONLY,
        post={"rep": "{sales_head_id}"},
        refused={p: FORBIDDEN for p in PERSONAS if p != "sales_head"} | {"outsider": MISSING},
    ),
    # Sales qualified with an opportunity: whoever works the lead (it is Sam's MQL, so
    # the refusal is who, before whether it has been accepted yet).
    "/leads/{lead}/convert/": Route(
        POST_ONLY,
        post={"choice": "new", "name": "Deal", "currency": "GBP"},
        refused=NOT_WORKING_THE_LEAD,
    ),
    # A lead still in nurture (Nia, the marketer's contact): whoever may change the
    # contact disqualifies it. (An MQL has no stage to move to by hand.)
    "/leads/{nurtured}/stage/": Route(
        POST_ONLY,
        post={"stage": "disqualified", "why": "A competitor"},
        refused={p: FORBIDDEN for p in ("sales_rep", "sales_head", "front_liner", "executive")}
        | {"outsider": MISSING},
    ),
    # Referrals: everyone who works here refers a customer to sales (Jane, who has no
    # lead yet, or a new walk-in) and reads the referrals they made.
    "/referrals/": Route(STAFF_ONLY),
    "/referrals/new/": Route(
        STAFF_ONLY,
        post={
            "first_name": "Walk",
            "last_name": "In",
            "phone": "0113 496 0000",
            "interest": "Solar",
        },
        refused={"outsider": MISSING},
    ),
    "/contacts/{contact}/refer/": Route(
        STAFF_ONLY,
        post={"interest": "A quote for solar", "urgency": "normal"},
        refused={"outsider": MISSING},
    ),
    "/sla/": Route(STAFF_ONLY),
    "/sla/contract/": Route(STAFF_ONLY),
    "/sla/contract/sla/new/": Route(
        STAFF_ONLY, post=SLA_FORM, refused={**NOT_HEADS, "outsider": MISSING}
    ),
    "/sla/contract/scoring/new/": Route(
        STAFF_ONLY, post=SCORING_FORM, refused={**NOT_HEADS, "outsider": MISSING}
    ),
    "/sla/reasons/": Route(
        STAFF_ONLY,
        post={"code": "too-small", "label": "Too small"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in HEADS} | {"outsider": MISSING},
    ),
    "/sla/routing/": Route(
        STAFF_ONLY,
        post={"name": "North", "position": "1", "team": "{sales}", "active": "on"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("admin", *HEADS)}
        | {"outsider": MISSING},
    ),
    "/sla/routing/capacity/{sales_rep_id}/": Route(
        POST_ONLY,
        post={"lead_capacity": "5"},
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("admin", "sales_head")}
        | {"outsider": MISSING},
    ),
    "/sla/routing/teams/{sales}/": Route(
        POST_ONLY,
        post={
            "what": "holiday",
            "holiday-{sales}-day": "2026-12-28",
            "holiday-{sales}-name": "Boxing Day",
        },
        refused={p: FORBIDDEN for p in PERSONAS if p not in ("admin", "sales_head")}
        | {"outsider": MISSING},
    ),
    # --- Attribution ---------------------------------------------------------------------
    "/attribution/": Route(STAFF_ONLY),
    "/attribution/refresh/": Route(POST_ONLY, post={}, refused={"outsider": MISSING}),
    "/attribution/export.csv": Route({"outsider": MISSING, "*": FOUND}),  # to the report: computing
    "/attribution/model/new/": Route(
        STAFF_ONLY,
        post={"model": "linear", "lookback_days": "90"},
        refused={**NOT_HEADS, "outsider": MISSING},
    ),
    # A campaign's return is computed on asking: anyone working here may ask.
    "/attribution/campaigns/{campaign}/return/": Route(
        POST_ONLY, post={}, refused={"outsider": MISSING}
    ),
    # --- Joint decisions -----------------------------------------------------------------
    # Made in the open: everyone working here reads them; who may decide is the request's
    # requirements' business (approvals' tests), so only outsiders are refused here.
    "/decisions/": Route(STAFF_ONLY),
    "/decisions/{approval}/": Route(STAFF_ONLY),
    "/decisions/{approval}/decide/": Route(
        POST_ONLY,
        post={"outcome": "approve", "version": "1", "comment": "Fine"},
        refused={"outsider": MISSING},
    ),
    "/decisions/{approval}/withdraw/": Route(POST_ONLY, post={}, refused={"outsider": MISSING}),
    "/decisions/{approval}/override/": Route(
        POST_ONLY, post={"reason": "Urgent"}, refused={"outsider": MISSING}
    ),
    # --- API tokens, and the API's own pages ---------------------------------------------
    "/settings/tokens/": Route(EVERYONE),
    "/settings/tokens/{token}/revoke/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "marketer"}
    ),
    "/settings/tokens/capture/": Route(POST_ONLY, post={"key": "{token_key}"}, refused=NOT_ADMIN),
    "/settings/tokens/{token}/capture/withdraw/": Route(
        POST_ONLY, post={}, refused={p: MISSING for p in PERSONAS if p != "admin"}
    ),
    # --- Budget ---------------------------------------------------------------------------
    # Everyone who works here reads the shared budget; a line's team (its owner, members
    # and heads) and administrators plan it and spend from it; marketers, reps and their
    # heads propose reallocations (decided at /decisions/, never here).
    "/budget/": Route({"outsider": MISSING, "*": FOUND}),
    "/budget/periods/{budget_period}/": Route(STAFF_ONLY),
    "/budget/periods/{budget_period}/lines/new/": Route(
        STAFF_ONLY,
        post={"team": "{marketing}", "name": "Print", "category": "print"},
        refused=NOT_ASSET_EDITORS,
    ),
    "/budget/periods/{budget_period}/return/": Route(
        STAFF_ONLY, post={}, refused={"outsider": MISSING}
    ),
    "/budget/periods/{budget_period}/export.xlsx": Route(STAFF_ONLY),
    "/budget/lines/{budget_line}/": Route(STAFF_ONLY),
    "/budget/lines/{budget_line}/plan/": Route(
        ASSET_EDITORS, post={"m_{budget_month}": "150"}, refused=NOT_ASSET_EDITORS
    ),
    "/budget/lines/{budget_line}/spend/": Route(
        ASSET_EDITORS,
        post={"amount": "5", "spent_on": "{budget_month}"},
        refused=NOT_ASSET_EDITORS,
    ),
    "/budget/lines/{budget_line}/commitments/": Route(
        ASSET_EDITORS,
        post={"number": "PO-9", "supplier": "Hall", "amount": "5", "month": "{budget_month}"},
        refused=NOT_ASSET_EDITORS,
    ),
    "/budget/lines/{budget_line}/propose/": Route(
        {"front_liner": FORBIDDEN, "executive": FORBIDDEN, "admin": FORBIDDEN}
        | {"outsider": MISSING, "*": OK},
        post={"to_line": "{budget_sales_line}", "amount": "5", "rationale": "Events"},
        refused={"front_liner": FORBIDDEN, "executive": FORBIDDEN, "admin": FORBIDDEN}
        | {"outsider": MISSING},
    ),
    "/budget/lines/{budget_line}/post-costs/": Route(POST_ONLY, post={}, refused=NOT_ASSET_EDITORS),
    "/budget/commitments/{commitment}/close/": Route(POST_ONLY, post={}, refused=NOT_ASSET_EDITORS),
    "/budget/spend/{budget_spend}/attachment/": Route(STAFF_ONLY),
    "/api/v1/docs": Route(EVERYONE),
    "/api/v1/openapi.json": Route(EVERYONE, anonymous=401),  # as the API answers
    "/api/v1/": Route({"*": MISSING}, anonymous=MISSING),
}


# Stand-ins for the {ids} of the rows, to resolve each row's URL to its route.
SAMPLE_IDS = {
    key: "1"
    for key in (
        "marketing",
        "sales",
        "marketer",
        "front_liner",
        "sales_rep_id",
        "sales_head_id",
        "membership",
        "notification",
        "job",
        "saved_view",
        "rate",
        "deputy",
        "delegate",
        "account",
        "contact",
        "deal",
        "task",
        "campaign",
        "lead",
        "nurtured",
        "proposal",
        "approval",
        "token",
        "feed",
        "asset",
        "pin",
        "collateral_request",
        "plan_period",
        "budget_period",
        "budget_line",
        "budget_sales_line",
        "commitment",
        "budget_spend",
    )
} | {"reset_uid": "MQ", "form_key": "abc", "token_key": "x", "feed_address": "x_y", "feed_key": "x"}
