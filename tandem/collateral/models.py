"""Collateral: assets and their versions, the review policy their sign-off asks for, the
pins reviewers leave on a page, and what the sharp end does with them (usage, feedback,
requests). The sign-off itself is an approval request (``collateral.sign_off``) bound to
the asset's current version number; nothing here stores a second copy of it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from tandem.collateral.querysets import (
    AssetQuerySet,
    CollateralRequestQuerySet,
    FeedbackQuerySet,
    UsageQuerySet,
    marketing_team_ids,
)
from tandem.core.audit import field_history
from tandem.core.permissions import OwnedRecord
from tandem.crm.models import OwnedByTeam

USER = settings.AUTH_USER_MODEL


def version_file_name(version: AssetVersion, filename: str) -> str:
    """Stored under a generated name: the uploaded name is only ever shown, never a path."""
    return f"collateral/files/{version.key.hex}{version.extension}"


class Asset(OwnedByTeam):
    """A piece of collateral, owned by a marketer (``owner``) and their team (``team``)."""

    class Kind(models.TextChoices):
        BROCHURE = "brochure", "Brochure"
        SALES_DECK = "sales_deck", "Sales deck"
        EMAIL_TEMPLATE = "email_template", "E-mail template"
        WEB_PAGE = "web_page", "Web page"
        BRANCH_DISPLAY = "branch_display", "Branch display / point of sale"
        CALL_SCRIPT = "call_script", "Call script"
        CASE_STUDY = "case_study", "Case study"
        PRICE_SHEET = "price_sheet", "Price sheet"
        BATTLECARD = "battlecard", "Battlecard"

    # Kinds that go to a printer: only these carry print details or are sent to print.
    PRINTED_KINDS = frozenset(
        {Kind.BROCHURE, Kind.BRANCH_DISPLAY, Kind.CASE_STUDY, Kind.PRICE_SHEET}
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField("audience or segment", max_length=200, blank=True)
    region = models.CharField(max_length=100, blank=True)  # "" everywhere
    products = models.CharField(max_length=300, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
    )
    tags = models.CharField(max_length=300, blank=True)  # comma-separated, as people type
    expires_on = models.DateField(null=True, blank=True)
    printer = models.CharField(max_length=200, blank=True)
    print_quantity = models.PositiveIntegerField(null=True, blank=True)
    print_due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The version being worked on and reviewed, and the one the library serves (they
    # differ while a new version is in review after publishing).
    current_version = models.ForeignKey(
        "AssetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    published_version = models.ForeignKey(
        "AssetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    sent_to_print_at = models.DateTimeField(null=True, blank=True)
    printed_version = models.ForeignKey(
        "AssetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_reason = models.CharField(max_length=300, blank=True)
    expiry_warned_on = models.DateField(null=True, blank=True)

    objects = AssetQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["campaign", "status"]),
            # The library: newest published first, and the regions it offers to filter by.
            models.Index(
                fields=["published_at"],
                condition=Q(status="published"),
                name="asset_library_newest",
            ),
            models.Index(
                fields=["region"],
                condition=Q(status="published"),
                name="asset_library_regions",
            ),
            models.Index(
                fields=["expires_on"],
                condition=Q(expires_on__isnull=False) & ~Q(status="retired"),
                name="asset_expiring",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_printed_kind(self) -> bool:
        return self.kind in self.PRINTED_KINDS

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class AssetVersion(models.Model):
    """One upload: the file as it was, kept for ever (earlier versions stay downloadable)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=version_file_name, max_length=200)
    name = models.CharField(max_length=200)  # the safe display name
    file_kind = models.CharField(max_length=10)  # "pdf", "docx", ... (files.Checked.kind)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=0)
    preview = models.CharField(max_length=200, blank=True)  # storage name of page 1's image
    text = models.TextField(blank=True)  # extracted words (the library searches the published)
    note = models.CharField("what changed", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    history = field_history()

    class Meta:
        ordering = ["asset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "number"], name="asset_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.asset} v{self.number}"

    # Read as the asset is.
    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.asset.team_id,) if self.asset.team_id else ()

    @property
    def permission_owner_id(self) -> int | None:
        return self.asset.owner_id


class AssetText(models.Model):
    """What the library searches: the published version's words, beside the asset's title
    and tags. SQLite searches it through an FTS5 table kept in step by ``search``;
    PostgreSQL through ``document`` (a tsvector with a GIN index, made in migration 0002)."""

    asset = models.OneToOneField(
        Asset, primary_key=True, on_delete=models.CASCADE, related_name="text"
    )
    body = models.TextField(blank=True)
    document = SearchVectorField(null=True)

    def __str__(self) -> str:
        return f"Text of {self.asset_id}"


class ReviewPolicy(models.Model):
    """Whose sign-off an asset needs before print or publish. Made from the kind's
    defaults when the asset is created; its owner may change it."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="policy")
    # The owning sales reps each sign; with none named, any rep of ``sales_team`` (the
    # asset's region), or any sales rep at all, signs once.
    reps = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    sales_team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    front_line = models.BooleanField("a front-line reviewer signs", default=False)
    front_line_team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    head = models.BooleanField("a head of sales signs", default=False)
    in_order = models.BooleanField("one after another", default=False)
    # People who asked for the asset (a collateral request) review it too.
    requesters = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    history = field_history()

    def __str__(self) -> str:
        return f"Review policy of {self.asset}"


class Pin(models.Model):
    """A comment pinned to a point on a page of a version: one thread per pin."""

    version = models.ForeignKey(AssetVersion, on_delete=models.CASCADE, related_name="pins")
    page = models.PositiveIntegerField()  # from 1
    x = models.DecimalField(max_digits=5, decimal_places=4)  # 0..1 across the page
    y = models.DecimalField(max_digits=5, decimal_places=4)  # 0..1 down the page
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["version", "page", "created_at", "id"]
        indexes = [models.Index(fields=["version", "page"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1), name="pin_on_the_page"
            )
        ]

    def __str__(self) -> str:
        return f"Pin on page {self.page} of {self.version}"

    @property
    def x_percent(self) -> str:
        return f"{self.x * 100:.2f}"

    @property
    def y_percent(self) -> str:
        return f"{self.y * 100:.2f}"


class PinComment(models.Model):
    pin = models.ForeignKey(Pin, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pin", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Feedback(OwnedRecord, models.Model):
    """One person's rating and verdict on one version (changed in place)."""

    permission_owner_field = "author"

    class Verdict(models.TextChoices):
        USEFUL = "useful", "Useful"
        OUT_OF_DATE = "out_of_date", "Out of date"
        WRONG_AUDIENCE = "wrong_audience", "Wrong for my customers"
        MISSING_INFO = "missing_info", "Missing information"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="feedback")
    version = models.ForeignKey(AssetVersion, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1..5
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    comment = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = FeedbackQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "author"], name="one_feedback_per_version"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["asset", "updated_at"])]

    def __str__(self) -> str:
        return f"Feedback on {self.version}"


class Usage(OwnedRecord, models.Model):
    """Someone downloaded, shared or used a version with a customer (optionally on an
    opportunity or contact, whose timeline then shows it)."""

    permission_owner_field = "user"

    class Action(models.TextChoices):
        DOWNLOADED = "downloaded", "Downloaded"
        SHARED = "shared", "Shared"
        USED = "used", "Used with a customer"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="uses")
    version = models.ForeignKey(
        AssetVersion, null=True, on_delete=models.SET_NULL, related_name="uses"
    )
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    objects = UsageQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["asset", "action", "at"]),
            models.Index(fields=["user", "asset"]),
            models.Index(
                fields=["contact", "at"], condition=Q(contact__isnull=False), name="usage_contact"
            ),
            models.Index(
                fields=["opportunity", "asset"],
                condition=Q(opportunity__isnull=False),
                name="usage_opportunity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.asset_id}"


class CollateralRequest(models.Model):
    """Anyone asks marketing for collateral that is missing; marketing triages it."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for marketing"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        DUPLICATE = "duplicate", "Duplicate"
        DELIVERED = "delivered", "Delivered"

    title = models.CharField("what is needed", max_length=200)
    detail = models.CharField(max_length=2000, blank=True)
    audience = models.CharField("for whom", max_length=200, blank=True)
    needed_by = models.DateField(null=True, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant_of = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="variant_requests"
    )
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField("why declined", max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    triaged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    objects = CollateralRequestQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["requested_by", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    # Everyone reads requests; marketing (the organisation's marketing teams) triages.
    permission_owner_id = None

    @property
    def permission_team_ids(self) -> frozenset[int]:
        return marketing_team_ids()
