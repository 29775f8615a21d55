"""The collateral API's shapes. Answers name every field they give: no storage paths (a
file is fetched through its download route, which checks access) and no extracted text
(``text_chars`` says how much was read, for search)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StrictBool

from tandem.collateral.models import (
    Asset,
    AssetVersion,
    CollateralRequest,
    Feedback,
    Pin,
    ReviewPolicy,
    Usage,
)
from tandem.collateral.signoff import policy_needs
from tandem.core.dates import ApiDate
from tandem.core.ids import RecordId
from tandem.core.schemas import InputSchema, RequiredText, one_of

# A version's number in a path: out of this range it names no version (404, as an id).
VersionNumber = Annotated[int, Field(gt=0, le=2**31 - 1)]
# One tag: the model keeps them comma-separated, so a comma would split it in two.
Tag = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^,]*$")]
TRIAGE_OUTCOMES = [
    CollateralRequest.Status.ACCEPTED,
    CollateralRequest.Status.DECLINED,
    CollateralRequest.Status.DUPLICATE,
]


# --- Assets ----------------------------------------------------------------------------
class GateOut(Schema):
    passed: bool = Field(..., description="Every sign-off is on the current version")
    missing: list[str] = Field(..., description="Who is still to sign, as people read it")
    overridden: bool = Field(..., description="A head of sales let it through instead")
    override_reason: str


class AssetOut(Schema):
    id: int
    title: str
    kind: str = one_of(Asset.Kind.values)
    status: str = one_of(Asset.Status.values)
    audience: str
    region: str = Field(..., description='"" for everywhere')
    products: str
    tags: list[str]
    campaign_id: int | None
    expires_on: date | None
    printer: str
    print_quantity: int | None
    print_due_on: date | None
    owner_id: int | None
    team_id: int | None
    version_count: int
    current_version: int | None = Field(..., description="The number being reviewed")
    published_version: int | None = Field(..., description="The number the library serves")
    printed_version: int | None
    published_at: datetime | None
    sent_to_print_at: datetime | None
    retired_at: datetime | None
    retired_reason: str
    created_at: datetime
    updated_at: datetime
    gate: GateOut
    approval_request_id: int | None = Field(
        ..., description="The latest sign-off request: decide it at /approvals/{id}/decide"
    )
    policy: list[str] = Field(..., description="Whose sign-off the review policy asks for")

    @staticmethod
    def resolve_tags(obj: Asset) -> list[str]:
        return obj.tag_list

    @staticmethod
    def resolve_current_version(obj: Asset) -> int | None:
        return getattr(obj, "current_number", None)

    @staticmethod
    def resolve_published_version(obj: Asset) -> int | None:
        return getattr(obj, "published_number", None)

    @staticmethod
    def resolve_printed_version(obj: Asset) -> int | None:
        return getattr(obj, "printed_number", None)

    @staticmethod
    def resolve_gate(obj: Asset) -> dict[str, Any]:
        found = obj.gate  # type: ignore[attr-defined]  # set by reads.with_gates
        return {
            "passed": found.passed,
            "missing": found.missing,
            "overridden": found.overridden,
            "override_reason": found.request.override_reason if found.request else "",
        }

    @staticmethod
    def resolve_approval_request_id(obj: Asset) -> int | None:
        request = obj.sign_off  # type: ignore[attr-defined]  # set by reads.with_gates
        return request.pk if request is not None else None

    @staticmethod
    def resolve_policy(obj: Asset) -> list[str]:
        return [need.label for need in policy_needs(obj.policy)]


class AssetFilterIn(Schema):
    status: str = one_of(["", *Asset.Status.values], default="")
    kind: str = one_of(["", *Asset.Kind.values], default="")
    q: str = Field(
        "",
        max_length=100,
        description="Words to find in published assets (title, tags, the file's text), "
        "best match first",
    )


class AssetIn(InputSchema):
    title: RequiredText = Field(..., max_length=200)
    kind: str = one_of(Asset.Kind.values)
    audience: str = Field("", max_length=200)
    region: str = Field("", max_length=100, description='"" for everywhere')
    products: str = Field("", max_length=300)
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    campaign_id: RecordId | None = None
    expires_on: ApiDate | None = None
    printer: str = Field("", max_length=200, description="For printed kinds only")
    print_quantity: int | None = Field(None, ge=1, le=10_000_000)
    print_due_on: ApiDate | None = None
    rep_ids: list[RecordId] = Field(
        default_factory=list,
        max_length=50,
        description="The owning sales reps, who sign it off; none: any rep of the region",
    )


class AssetPatch(InputSchema):
    """Only the fields sent change; the rules are the create's."""

    title: RequiredText | None = Field(None, max_length=200)
    kind: str | None = one_of(Asset.Kind.values, default=None)
    audience: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=100)
    products: str | None = Field(None, max_length=300)
    tags: list[Tag] | None = Field(None, max_length=30)
    campaign_id: RecordId | None = None
    expires_on: ApiDate | None = None
    printer: str | None = Field(None, max_length=200)
    print_quantity: int | None = Field(None, ge=1, le=10_000_000)
    print_due_on: ApiDate | None = None


class PolicyIn(InputSchema):
    rep_ids: list[RecordId] = Field(default_factory=list, max_length=50)
    sales_team_id: RecordId | None = Field(None, description="With no rep named: any of its reps")
    front_line: StrictBool = Field(False, description="A front-line reviewer signs")
    front_line_team_id: RecordId | None = Field(None, description="From this branch or centre")
    head: StrictBool = Field(False, description="A head of sales signs")
    in_order: StrictBool = Field(False, description="One after another, not all at once")


class PolicyOut(Schema):
    rep_ids: list[int]
    sales_team_id: int | None
    front_line: bool
    front_line_team_id: int | None
    head: bool
    in_order: bool
    requester_ids: list[int]
    labels: list[str]

    @staticmethod
    def resolve_rep_ids(obj: ReviewPolicy) -> list[int]:
        return [rep.pk for rep in obj.reps.all()]

    @staticmethod
    def resolve_requester_ids(obj: ReviewPolicy) -> list[int]:
        return [person.pk for person in obj.requesters.all()]

    @staticmethod
    def resolve_labels(obj: ReviewPolicy) -> list[str]:
        return [need.label for need in policy_needs(obj)]


class ReleaseIn(InputSchema):
    note: str = Field("", max_length=500, description="For the reviewers")


class RetireIn(InputSchema):
    reason: RequiredText = Field(..., max_length=300)


# --- Versions --------------------------------------------------------------------------
class VersionOut(Schema):
    number: int
    name: str = Field(..., description="The safe display name, with the true extension")
    file_kind: str
    content_type: str
    size: int
    sha256: str
    pages: int
    text_chars: int = Field(..., description="How much text was read from it, for search")
    note: str
    uploaded_by_id: int | None
    uploaded_at: datetime
    download: str = Field(..., description="Where to fetch the file (logged as a download)")

    @staticmethod
    def resolve_text_chars(obj: AssetVersion) -> int:
        counted = getattr(obj, "text_chars", None)
        return counted if counted is not None else len(obj.text)

    @staticmethod
    def resolve_download(obj: AssetVersion) -> str:
        return f"/api/v1/collateral/assets/{obj.asset_id}/versions/{obj.number}/file"


# --- Pins ------------------------------------------------------------------------------
class PinCommentOut(Schema):
    id: int
    author_id: int | None
    text: str
    created_at: datetime


class PinOut(Schema):
    id: int
    version: int
    page: int
    x: float = Field(..., description="0 to 1 across the page")
    y: float = Field(..., description="0 to 1 down the page")
    author_id: int | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by_id: int | None
    comments: list[PinCommentOut]

    @staticmethod
    def resolve_version(obj: Pin) -> int:
        return obj.version.number

    @staticmethod
    def resolve_comments(obj: Pin) -> list[Any]:
        return list(obj.comments.all())


class PinFilterIn(Schema):
    page: int | None = Field(None, ge=1, le=100_000, description="Only this page's pins")


class PinIn(InputSchema):
    page: int = Field(..., ge=1, le=100_000, description="From 1; the version must have it")
    x: float = Field(..., ge=0, le=1, description="0 to 1 across the page")
    y: float = Field(..., ge=0, le=1, description="0 to 1 down the page")
    text: RequiredText = Field(..., max_length=2000)


class ReplyIn(InputSchema):
    text: RequiredText = Field(..., max_length=2000)


# --- Feedback and usage ----------------------------------------------------------------
class FeedbackOut(Schema):
    id: int
    version: int
    author_id: int
    rating: int | None
    verdict: str
    comment: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_version(obj: Feedback) -> int:
        return obj.version.number


class FeedbackSummaryOut(Schema):
    average: float | None = Field(..., description="Of the ratings given, 1 to 5")
    rated: int
    given: int
    verdicts: dict[str, int] = Field(..., description="How many gave each verdict")


class FeedbackIn(InputSchema):
    rating: int | None = Field(None, ge=1, le=5)
    verdict: str = one_of(["", *Feedback.Verdict.values], default="")
    comment: str = Field("", max_length=2000)


class UseIn(InputSchema):
    action: str = one_of(Usage.Action.values, default=Usage.Action.USED)
    opportunity_id: RecordId | None = Field(None, description="An opportunity you can see")
    contact_id: RecordId | None = Field(None, description="A contact you can see")
    note: str = Field("", max_length=500)


class UseOut(Schema):
    id: int
    action: str
    version: int | None
    user_id: int | None
    opportunity_id: int | None
    contact_id: int | None
    note: str
    at: datetime

    @staticmethod
    def resolve_version(obj: Usage) -> int | None:
        return obj.version.number if obj.version is not None else None


class WonOut(Schema):
    currency: str
    deals: int
    total: Decimal


class UsageOut(Schema):
    downloaded: int
    shared: int
    used: int
    won: list[WonOut] = Field(
        ..., description="Won deals a use was logged on, per currency (each deal once)"
    )


# --- Requests --------------------------------------------------------------------------
class RequestOut(Schema):
    id: int
    title: str
    detail: str
    audience: str
    needed_by: date | None
    campaign_id: int | None
    variant_of_id: int | None
    requested_by_id: int | None
    created_at: datetime
    status: str = one_of(CollateralRequest.Status.values)
    reason: str
    duplicate_of_id: int | None
    asset_id: int | None
    triaged_by_id: int | None
    triaged_at: datetime | None


class RequestFilterIn(Schema):
    status: str = one_of(["", *CollateralRequest.Status.values], default="")
    mine: bool = Field(False, description="Only the requests you made")


class AskIn(InputSchema):
    title: RequiredText = Field(..., max_length=200, description="What is needed")
    detail: str = Field("", max_length=2000)
    audience: str = Field("", max_length=200, description="For whom")
    needed_by: ApiDate | None = None
    campaign_id: RecordId | None = None
    variant_of_id: RecordId | None = Field(None, description="An asset to vary")


class TriageIn(InputSchema):
    outcome: str = one_of(TRIAGE_OUTCOMES)
    reason: str = Field("", max_length=500, description="Required to decline")
    duplicate_of_id: RecordId | None = Field(None, description="Required for a duplicate")


class DeliverIn(InputSchema):
    asset_id: RecordId
