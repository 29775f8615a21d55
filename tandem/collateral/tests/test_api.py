"""Collateral through the API: the sign-off walk (decided through the approvals API, as
every approval is), uploads judged by their bytes, downloads with the page's headers,
the library's side (pins, feedback, usage) and requests, with the pages' permissions,
the one error body naming the field, and lists whose query count does not grow."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.approvals import services as approvals
from tandem.collateral import asks, library, services
from tandem.collateral.models import Asset, AssetVersion, Feedback, Usage
from tandem.conftest import bearer
from tandem.factories.collateral import make_asset, pdf_upload
from tandem.factories.crm import AccountFactory, ContactFactory, OpportunityFactory

JSON = {"content_type": "application/json"}
API = "/api/v1/collateral"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def published(org: Any, **values: Any) -> Asset:
    """A brochure through the services: uploaded, signed off by the rep and the front
    line, and in the library."""
    asset = make_asset(org.marketer, reps=[org.sales_rep], **values)
    request = services.release_for_review(actor=org.marketer, asset=asset)
    for who in (org.sales_rep, org.front_liner):
        request.refresh_from_db()
        approvals.decide(actor=who, request=request, outcome="approve", version=1)
    asset.refresh_from_db()
    return services.publish(actor=org.marketer, asset=asset)


def upload(client: Any, auth: dict[str, str], asset_id: int, file: Any, note: str = "") -> Any:
    return client.post(f"{API}/assets/{asset_id}/versions", {"file": file, "note": note}, **auth)


def fields_of(response: Any) -> list[str]:
    body = response.json()
    return [e["field"] for e in body["details"].get("errors", [])] or [body["details"]["field"]]


def test_the_sign_off_walk_create_upload_release_decide_publish(client, org):
    auth = bearer(org.marketer)
    made = client.post(
        f"{API}/assets",
        {"title": "Winter brochure", "kind": "brochure", "rep_ids": [org.sales_rep.pk],
         "tags": ["heat pumps", "winter"], "region": ""},
        **JSON,
        **auth,
    )  # fmt: skip
    assert made.status_code == 201, made.content
    asset = made.json()
    assert asset["status"] == "draft" and asset["tags"] == ["heat pumps", "winter"]
    assert asset["policy"] == [
        "Sam Rep, the owning sales rep",
        "a front-line reviewer (branch or call centre)",
    ]
    url = f"{API}/assets/{asset['id']}"
    version = upload(client, auth, asset["id"], pdf_upload(), note="First cut")
    assert version.status_code == 201, version.content
    shown = version.json()
    assert (shown["number"], shown["file_kind"], shown["pages"]) == (1, "pdf", 2)
    assert shown["text_chars"] > 20 and "text" not in shown and "file" not in shown
    assert shown["download"] == f"{url}/versions/1/file"

    released = client.post(f"{url}/release", {"note": "Please check the prices"}, **JSON, **auth)
    assert released.status_code == 200 and released.json()["status"] == "in_review"
    approval = released.json()["approval_request_id"]
    refused = client.post(f"{url}/publish", **auth)
    assert refused.status_code == 409, refused.content
    body = refused.json()
    assert body["code"] == "collateral_sign_off_missing"
    assert "Sam Rep, the owning sales rep" in body["message"] and "front-line" in body["message"]
    details = {"printer": "Leeds Print Co", "print_quantity": 5000, "print_due_on": "2099-01-10"}
    assert client.patch(url, details, **JSON, **auth).status_code == 200
    not_printed = client.post(f"{url}/print", **auth)
    assert not_printed.status_code == 409
    assert not_printed.json()["code"] == "collateral_sign_off_missing"
    assert "Sam Rep, the owning sales rep" in not_printed.json()["message"]

    decide = f"/api/v1/approvals/{approval}/decide"
    by_rep = client.post(
        decide, {"outcome": "approve", "version": 1}, **JSON, **bearer(org.sales_rep)
    )
    assert by_rep.status_code == 200, by_rep.content
    gate = client.get(url, **auth).json()["gate"]
    assert gate["passed"] is False and gate["missing"] == [
        "a front-line reviewer (branch or call centre)"
    ]
    still = client.post(f"{url}/publish", **auth)
    assert still.status_code == 409 and "Sam Rep" not in still.json()["message"]
    by_branch = client.post(
        decide, {"outcome": "approve", "version": 1}, **JSON, **bearer(org.front_liner)
    )
    assert by_branch.status_code == 200, by_branch.content
    signed = client.get(url, **auth).json()
    assert signed["status"] == "approved" and signed["gate"]["passed"] is True

    done = client.post(f"{url}/publish", **auth)
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["published_version"]) == ("published", 1)
    printed = client.post(f"{url}/print", **auth)
    assert printed.status_code == 200 and printed.json()["printed_version"] == 1
    found = client.get(f"{API}/assets?q=greenho", **bearer(org.front_liner, "read")).json()
    assert [a["id"] for a in found["items"]] == [asset["id"]]


def test_a_download_is_an_attachment_never_sniffed_and_logged(client, org):
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    auth = bearer(org.sales_rep, "read")
    response = client.get(f"{API}/assets/{asset.pk}/versions/1/file", **auth)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="brochure.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert Usage.objects.filter(asset=asset, action="downloaded", user=org.sales_rep).count() == 1
    missing = client.get(f"{API}/assets/{asset.pk}/versions/2/file", **auth)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert Usage.objects.count() == 1


def test_an_exe_named_pdf_is_refused_and_nothing_is_kept(client, org, media, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    asset = services.create_asset(actor=org.marketer, title="Deck", kind="sales_deck")
    auth = bearer(org.marketer)
    refused = upload(client, auth, asset.pk, SimpleUploadedFile("price list.pdf", EXE))
    assert refused.status_code == 415
    body = refused.json()
    assert body["code"] == "collateral_file_type" and body["details"]["field"] == "file"
    assert "Windows program" in body["message"]
    assert not AssetVersion.objects.exists()
    assert not (media / "collateral" / "files").exists() or not any(
        (media / "collateral" / "files").iterdir()
    )
    long_note = upload(client, auth, asset.pk, pdf_upload(), note="x" * 501)
    assert long_note.status_code == 422 and fields_of(long_note) == ["note"]
    settings.TANDEM_COLLATERAL_MAX_BYTES = 1000
    too_large = upload(client, auth, asset.pk, pdf_upload())
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "collateral_file_too_large"
    assert fields_of(too_large) == ["file"]
    assert not AssetVersion.objects.exists()
    assert upload(client, auth, asset.pk, "").status_code == 422  # no file at all
    # Past the ceiling every upload has, the body is not read on: a 413 too, not
    # "file: field required".
    settings.TANDEM_UPLOAD_MAX_BYTES = 500
    past = upload(client, auth, asset.pk, pdf_upload())
    assert past.status_code == 413 and past.json()["code"] == "upload_too_large"
    assert fields_of(past) == ["file"]
    assert not AssetVersion.objects.exists()


def test_a_form_body_sent_to_a_json_operation_is_a_400_not_a_500(client, org):
    asset = services.create_asset(actor=org.marketer, title="Deck", kind="sales_deck")
    answered = client.post(
        f"{API}/assets/{asset.pk}/retire", {"reason": "Old"}, **bearer(org.marketer)
    )  # the test client sends a dict as multipart/form-data
    assert answered.status_code == 400
    assert "application/json" in answered.json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "kind": "brochure"}, "title"),
        ({"title": "   ", "kind": "brochure"}, "title"),
        ({"title": "Leaflet", "kind": "leaflet"}, "kind"),
        ({"title": "Bad\x00name", "kind": "brochure"}, "title"),
        ({"title": "x" * 201, "kind": "brochure"}, "title"),
        ({"title": "Deck", "kind": "sales_deck", "printer": "Leeds Print"}, "printer"),
        ({"title": "Deck", "kind": "brochure", "rep_ids": [99999999]}, "rep_ids"),
        ({"title": "Deck", "kind": "brochure", "tags": ["a,b"]}, "tags.0"),
        ({"title": "Deck", "kind": "brochure", "expires_on": "soon"}, "expires_on"),
    ],
)
def test_bad_asset_input_names_its_field(client, org, body, field):
    response = client.post(f"{API}/assets", body, **JSON, **bearer(org.marketer))
    assert response.status_code == 422, response.content
    assert field in fields_of(response)
    assert not Asset.objects.exists()


def test_hostile_text_is_kept_verbatim_and_a_hostile_search_is_answered(client, org):
    hostile = '<script>alert(1)</script> "quoted" & <img src=x onerror=alert(2)>'
    made = client.post(
        f"{API}/assets", {"title": hostile, "kind": "brochure"}, **JSON, **bearer(org.marketer)
    )
    assert made.status_code == 201 and made.json()["title"] == hostile
    for typed in ('"', "NEAR(", "a OR b AND", "*", "')--", "x" * 100):
        found = client.get(f"{API}/assets", {"q": typed}, **bearer(org.sales_rep, "read"))
        assert found.status_code == 200 and found.json()["items"] == []
    too_long = client.get(f"{API}/assets", {"q": "x" * 101}, **bearer(org.sales_rep, "read"))
    assert too_long.status_code == 422 and fields_of(too_long) == ["q"]


def test_the_library_side_pins_feedback_and_usage(client, org):
    asset = published(org)
    url = f"{API}/assets/{asset.pk}"
    rep, branch = bearer(org.sales_rep), bearer(org.front_liner)
    pin = client.post(
        f"{url}/versions/1/pins",
        {"page": 2, "x": 0.25, "y": 0.5, "text": "Old phone number"},
        **JSON,
        **rep,
    )
    assert pin.status_code == 201, pin.content
    pin_id = pin.json()["id"]
    assert (pin.json()["page"], pin.json()["x"], pin.json()["version"]) == (2, 0.25, 1)
    off_the_page = client.post(
        f"{url}/versions/1/pins", {"page": 3, "x": 0.5, "y": 0.5, "text": "?"}, **JSON, **rep
    )
    assert off_the_page.status_code == 422 and fields_of(off_the_page) == ["page"]
    off_the_edge = client.post(
        f"{url}/versions/1/pins", {"page": 1, "x": 1.5, "y": 0.5, "text": "?"}, **JSON, **rep
    )
    assert off_the_edge.status_code == 422 and fields_of(off_the_edge) == ["x"]
    reply = client.post(
        f"{API}/pins/{pin_id}/replies", {"text": "Fixed next time"}, **JSON, **bearer(org.marketer)
    )
    assert reply.status_code == 201
    assert [c["text"] for c in reply.json()["comments"]] == ["Old phone number", "Fixed next time"]
    not_theirs = client.post(f"{API}/pins/{pin_id}/resolve", **branch)
    assert not_theirs.status_code == 403
    resolved = client.post(f"{API}/pins/{pin_id}/resolve", **bearer(org.marketer))
    assert resolved.json()["resolved_by_id"] == org.marketer.pk
    pins = client.get(f"{url}/versions/1/pins?page=2", **rep).json()["items"]
    assert [p["id"] for p in pins] == [pin_id]
    assert client.get(f"{url}/versions/1/pins?page=1", **rep).json()["items"] == []

    seven = client.post(f"{url}/feedback", {"rating": 7}, **JSON, **branch)
    assert seven.status_code == 422 and fields_of(seven) == ["rating"]
    nothing = client.post(f"{url}/feedback", {}, **JSON, **branch)
    assert nothing.status_code == 422 and fields_of(nothing) == ["rating"]
    rated = client.post(
        f"{url}/feedback", {"rating": 4, "verdict": "out_of_date"}, **JSON, **branch
    )
    assert rated.status_code == 201 and rated.json()["version"] == 1
    client.post(f"{url}/feedback", {"rating": 2, "comment": "Prices"}, **JSON, **rep)
    listed = client.get(f"{url}/feedback", **rep).json()
    assert [f["rating"] for f in listed["items"]] == [2, 4]
    assert listed["summary"] == {
        "average": 3.0,
        "rated": 2,
        "given": 2,
        "verdicts": {"out_of_date": 1},
    }

    account = AccountFactory()
    deal = OpportunityFactory(account=account, amount="12000", currency="GBP")
    contact = ContactFactory(account=account)
    used = client.post(
        f"{url}/uses", {"opportunity_id": deal.pk, "note": "Left a copy"}, **JSON, **branch
    )
    assert used.status_code == 201, used.content
    assert (used.json()["action"], used.json()["version"]) == ("used", 1)
    shared = client.post(
        f"{url}/uses", {"action": "shared", "contact_id": contact.pk}, **JSON, **rep
    )
    assert shared.status_code == 201
    unknown = client.post(f"{url}/uses", {"opportunity_id": 99999999}, **JSON, **branch)
    assert unknown.status_code == 404 and fields_of(unknown) == ["opportunity_id"]
    type(deal).objects.filter(pk=deal.pk).update(stage="won")
    figures = client.get(f"{url}/uses", **rep).json()
    assert (figures["downloaded"], figures["shared"], figures["used"]) == (0, 1, 1)
    assert figures["won"] == [{"currency": "GBP", "deals": 1, "total": "12000.00"}]


def test_requests_asked_triaged_and_delivered(client, org):
    asked = client.post(
        f"{API}/requests",
        {"title": "Heat-pump leaflet in Welsh", "audience": "Cardiff branch"},
        **JSON,
        **bearer(org.front_liner),
    )
    assert asked.status_code == 201, asked.content
    found = asked.json()
    url = f"{API}/requests/{found['id']}"
    other = asks.ask(actor=org.sales_rep, title="Welsh leaflet")
    no_reason = client.post(
        f"{url}/triage", {"outcome": "declined"}, **JSON, **bearer(org.marketer)
    )
    assert no_reason.status_code == 422 and fields_of(no_reason) == ["reason"]
    no_such = client.post(
        f"{API}/requests/{other.pk}/triage",
        {"outcome": "duplicate", "duplicate_of_id": 99999999},
        **JSON,
        **bearer(org.marketer),
    )
    assert no_such.status_code == 422 and fields_of(no_such) == ["duplicate_of_id"]
    not_marketing = client.post(
        f"{url}/triage", {"outcome": "accepted"}, **JSON, **bearer(org.sales_rep)
    )
    assert not_marketing.status_code == 403
    accepted = client.post(f"{url}/triage", {"outcome": "accepted"}, **JSON, **bearer(org.marketer))
    assert accepted.json()["status"] == "accepted"
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    delivered = client.post(
        f"{url}/deliver", {"asset_id": asset.pk}, **JSON, **bearer(org.marketer)
    )
    assert delivered.status_code == 200 and delivered.json()["asset_id"] == asset.pk
    policy = client.get(f"{API}/assets/{asset.pk}", **bearer(org.marketer)).json()["policy"]
    assert "Fran Branch, who asked for it" in policy
    mine = client.get(f"{API}/requests?mine=true", **bearer(org.front_liner, "read")).json()
    assert [r["id"] for r in mine["items"]] == [found["id"]]
    closed = client.get(f"{API}/requests?status=delivered", **bearer(org.sales_rep)).json()
    assert [r["status"] for r in closed["items"]] == ["delivered"]


def test_patch_and_policy_change_what_they_are_sent(client, org):
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    url = f"{API}/assets/{asset.pk}"
    auth = bearer(org.marketer)
    patched = client.patch(
        url, {"audience": "Growers", "tags": ["glass"], "print_quantity": 5000}, **JSON, **auth
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert (body["audience"], body["tags"], body["title"]) == (
        "Growers",
        ["glass"],
        "Winter greenhouse brochure",
    )
    assert body["print_quantity"] == 5000
    policy = client.put(
        f"{url}/policy",
        {"rep_ids": [], "sales_team_id": org.sales.pk, "head": True, "in_order": True},
        **JSON,
        **auth,
    )
    assert policy.status_code == 200, policy.content
    assert policy.json()["labels"] == ["a rep of Sales", "a head of a sales team"]
    wrong_team = client.put(f"{url}/policy", {"sales_team_id": org.marketing.pk}, **JSON, **auth)
    assert wrong_team.status_code == 422 and fields_of(wrong_team) == ["sales_team_id"]
    not_a_rep = client.put(f"{url}/policy", {"rep_ids": [org.marketer.pk]}, **JSON, **auth)
    assert not_a_rep.status_code == 422 and fields_of(not_a_rep) == ["rep_ids"]
    retired = client.post(f"{url}/retire", {"reason": "Replaced"}, **JSON, **auth)
    assert retired.json()["status"] == "retired"
    assert client.post(f"{url}/retire", {"reason": ""}, **JSON, **auth).status_code == 422


def test_a_front_liner_may_not_create_or_publish(client, org):
    auth = bearer(org.front_liner)
    made = client.post(f"{API}/assets", {"title": "Mine", "kind": "brochure"}, **JSON, **auth)
    assert made.status_code == 403 and made.json()["code"] == "forbidden"
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    for step in ("publish", "print", "release"):
        refused = client.post(f"{API}/assets/{asset.pk}/{step}", {}, **JSON, **auth)
        assert refused.status_code == 403, step
    assert upload(client, auth, asset.pk, pdf_upload()).status_code == 403
    assert AssetVersion.objects.count() == 1


def test_an_outsider_finds_nothing_anywhere(client, org):
    asset = published(org)
    pin = library.pin_comment(
        actor=org.sales_rep, version=asset.current_version, page=1, x=0.5, y=0.5, text="Hm"
    )
    found = asks.ask(actor=org.sales_rep, title="Leaflet")
    url = f"{API}/assets/{asset.pk}"
    calls = [
        ("get", f"{API}/assets", None),
        ("post", f"{API}/assets", {"title": "X", "kind": "brochure"}),
        ("get", url, None),
        ("patch", url, {"title": "Mine"}),
        ("put", f"{url}/policy", {"rep_ids": []}),
        ("get", f"{url}/versions", None),
        ("get", f"{url}/versions/1/file", None),
        ("post", f"{url}/release", {}),
        ("post", f"{url}/publish", None),
        ("post", f"{url}/print", None),
        ("post", f"{url}/retire", {"reason": "Mine now"}),
        ("get", f"{url}/versions/1/pins", None),
        ("post", f"{url}/versions/1/pins", {"page": 1, "x": 0.1, "y": 0.1, "text": "X"}),
        ("post", f"{API}/pins/{pin.pk}/replies", {"text": "X"}),
        ("post", f"{API}/pins/{pin.pk}/resolve", None),
        ("get", f"{url}/feedback", None),
        ("post", f"{url}/feedback", {"rating": 1}),
        ("get", f"{url}/uses", None),
        ("post", f"{url}/uses", {"action": "used"}),
        ("get", f"{API}/requests", None),
        ("post", f"{API}/requests", {"title": "X"}),
        ("get", f"{API}/requests/{found.pk}", None),
        ("post", f"{API}/requests/{found.pk}/triage", {"outcome": "accepted"}),
        ("post", f"{API}/requests/{found.pk}/deliver", {"asset_id": asset.pk}),
    ]
    auth = bearer(org.outsider)
    for method, path, body in calls:
        extra = {"data": body, **JSON} if body is not None else {}
        response = getattr(client, method)(path, **extra, **auth)
        assert response.status_code == 404, (method, path, response.content[:200])
        assert response.json()["code"] == "not_found"
    upload_refused = upload(client, auth, asset.pk, pdf_upload())
    assert upload_refused.status_code == 404
    asset.refresh_from_db()
    assert asset.status == "published" and asset.version_count == 1
    assert Usage.objects.count() == 0 and Feedback.objects.count() == 0


def _count(client: Any, path: str, auth: dict[str, str]) -> tuple[int, int]:
    client.get(path, **auth)  # the token's first use stamps it, once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **auth)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["items"])


def test_the_asset_list_costs_the_same_few_rows_or_many(client, org):
    auth = bearer(org.sales_rep, "read")

    def grow(n: int) -> None:
        released = make_asset(org.marketer, reps=[org.sales_rep])
        services.release_for_review(actor=org.marketer, asset=released)
        for i in range(n):
            services.create_asset(
                actor=org.marketer, title=f"Deck {i}", kind="sales_deck", reps=[org.sales_rep]
            )

    grow(1)
    few, shown = _count(client, f"{API}/assets?limit=200", auth)
    grow(10)
    many, more = _count(client, f"{API}/assets?limit=200", auth)
    assert (shown, more) == (2, 13) and many == few


def test_the_request_list_costs_the_same_few_rows_or_many(client, org):
    auth = bearer(org.marketer, "read")

    def grow(n: int) -> None:
        for i in range(n):
            found = asks.ask(actor=org.front_liner, title=f"Leaflet {i}")
            asks.triage(actor=org.marketer, found=found, outcome="declined", reason="Have one")

    grow(2)
    few, shown = _count(client, f"{API}/requests?limit=200", auth)
    grow(10)
    many, more = _count(client, f"{API}/requests?limit=200", auth)
    assert (shown, more) == (2, 12) and many == few
