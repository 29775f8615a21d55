"""The sharp end: finding published collateral by a word inside it, logging its use on a
deal (which then counts toward won deals and shows on the customer's timeline), rating
it, pinning comments on a page, and asking marketing for what is missing."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.approvals import services as approvals
from tandem.collateral import asks, library, search, services
from tandem.collateral.errors import CollateralError
from tandem.collateral.models import Asset, CollateralRequest, Feedback, Usage
from tandem.collateral.signoff import policy_needs
from tandem.core.errors import DomainError, ErrorCode
from tandem.factories.collateral import make_asset, pdf_upload

pytestmark = pytest.mark.django_db


def published(org: Any, **values: Any) -> Asset:
    asset = make_asset(org.marketer, reps=[org.sales_rep], **values)
    request = services.release_for_review(actor=org.marketer, asset=asset)
    for who in (org.sales_rep, org.front_liner):
        request.refresh_from_db()
        approvals.decide(actor=who, request=request, outcome="approve", version=1)
    asset.refresh_from_db()
    return services.publish(actor=org.marketer, asset=asset)


def test_search_finds_words_inside_the_file_as_prefixes(org: Any) -> None:
    asset = published(org, tags="heat pumps, winter")
    draft = make_asset(org.marketer, title="Winter draft", upload=pdf_upload([["winter offer"]]))
    assert search.matching_ids("winter offer", limit=10) == [asset.pk]  # drafts are not in it
    assert search.matching_ids("INSTALL", limit=10) == [asset.pk]  # "installation", any case
    assert search.matching_ids("heat pump", limit=10) == [asset.pk]
    assert search.matching_ids("winter nonsenseword", limit=10) == []
    for hostile in ('"', "NEAR(", "a OR b AND", "*", "')--", "\x00", "x" * 5000, "  "):
        search.matching_ids(hostile, limit=10)  # never an error from the engine
    services.update_asset(actor=org.marketer, asset=asset, title="Glasshouse climate guide")
    assert search.matching_ids("glasshouse", limit=10) == [asset.pk]
    services.retire(actor=org.marketer, asset=asset, reason="Replaced")
    assert search.matching_ids("winter", limit=10) == []
    assert draft.pk


def test_a_word_in_more_than_ranked_assets_ranks_the_newest(org: Any, monkeypatch: Any) -> None:
    oldest, middle, newest = (
        published(org, title=f"Heat pump guide {n}", tags="heat pumps") for n in range(3)
    )
    assert set(search.matching_ids("pump", limit=10)) == {oldest.pk, middle.pk, newest.pk}
    monkeypatch.setattr(search, "RANKED", 2)
    assert set(search.matching_ids("pump", limit=10)) == {middle.pk, newest.pk}
    assert search.matching_ids("pump", limit=10, offset=2) == []
    assert search.matching_ids("guide 0", limit=10) == [oldest.pk]  # fewer matches: all


def test_use_on_a_deal_counts_when_it_is_won(org: Any) -> None:
    from tandem.crm.timeline import timeline
    from tandem.factories.crm import AccountFactory, ContactFactory, OpportunityFactory

    asset = published(org)
    account = AccountFactory()
    contact = ContactFactory(account=account)
    deal = OpportunityFactory(account=account, amount="12000", currency="GBP")
    library.log_use(actor=org.front_liner, asset=asset, opportunity=deal, note="Left a copy")
    library.log_use(actor=org.sales_rep, asset=asset, opportunity=deal)
    library.log_use(actor=org.front_liner, asset=asset, contact=contact, note="At the counter")
    assert list(Usage.objects.influence()) == []
    type(deal).objects.filter(pk=deal.pk).update(stage="won")
    [row] = Usage.objects.influence()
    assert (row["asset_id"], row["deals"], row["revenue"]) == (asset.pk, 1, 12000)
    entries = [e for e in timeline(contact_id=contact.pk) if e["side"] == "collateral"]
    assert [e["detail"] for e in entries] == ["At the counter"]


def test_only_published_collateral_is_used_or_rated(org: Any) -> None:
    draft = make_asset(org.marketer, reps=[org.sales_rep])
    with pytest.raises(DomainError) as refused:
        library.log_use(actor=org.front_liner, asset=draft)
    assert refused.value.code == CollateralError.WRONG_STATUS
    with pytest.raises(DomainError):
        library.give_feedback(actor=org.front_liner, asset=draft, rating=5)


def test_feedback_is_one_per_person_and_version_and_checked(org: Any) -> None:
    asset = published(org)
    library.give_feedback(actor=org.front_liner, asset=asset, rating=2, verdict="out_of_date")
    library.give_feedback(actor=org.front_liner, asset=asset, rating="4", comment="Better now")
    [found] = Feedback.objects.filter(asset=asset)
    assert (found.rating, found.verdict, found.comment) == (4, "", "Better now")
    for bad, field in (
        ({"rating": 6}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"verdict": "meh"}, "verdict"),
        ({}, "rating"),
        ({"comment": "x" * 2001}, "comment"),
    ):
        with pytest.raises(DomainError) as refused:
            library.give_feedback(actor=org.sales_rep, asset=asset, **bad)
        assert refused.value.field == field
    summary = Feedback.objects.filter(asset=asset).summary()
    assert summary["average"] == 4 and summary["given"] == 1


def test_pins_are_on_a_page_the_version_has(org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    version = asset.current_version
    pin = library.pin_comment(
        actor=org.sales_rep, version=version, page=2, x="0.25", y="0.5", text="Old phone number"
    )
    library.reply_to_pin(actor=org.marketer, pin=pin, text="Fixed in the next version")
    assert [c.text for c in pin.comments.all()] == ["Old phone number", "Fixed in the next version"]
    for bad, field in (
        ({"page": 3}, "page"),
        ({"page": 0}, "page"),
        ({"x": "1.5"}, "x"),
        ({"y": "-0.1"}, "y"),
        ({"x": "NaN"}, "x"),
        ({"text": "  "}, "text"),
    ):
        values = {"page": 1, "x": "0.5", "y": "0.5", "text": "note", **bad}
        with pytest.raises(DomainError) as refused:
            library.pin_comment(actor=org.sales_rep, version=version, **values)
        assert refused.value.field == field, bad
    with pytest.raises(DomainError) as not_theirs:
        library.resolve_pin(actor=org.front_liner, pin=pin)
    assert not_theirs.value.code == ErrorCode.FORBIDDEN
    library.resolve_pin(actor=org.marketer, pin=pin)
    assert pin.resolved_by == org.marketer


def test_a_request_is_triaged_and_its_requester_reviews_the_answer(org: Any) -> None:
    from tandem.notifications.models import Notification

    asked = asks.ask(
        actor=org.front_liner, title="Leaflet in Polish", audience="Polish-speaking growers"
    )
    assert Notification.objects.filter(recipient=org.marketer, text__contains="Polish").exists()
    with pytest.raises(DomainError) as refused:
        asks.triage(actor=org.front_liner, found=asked, outcome="accepted")
    assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as why:
        asks.triage(actor=org.marketer, found=asked, outcome="declined")
    assert why.value.field == "reason"
    asks.triage(actor=org.marketer, found=asked, outcome="accepted")
    asset = make_asset(org.marketer, title="Polish leaflet", reps=[org.sales_rep])
    asks.deliver(actor=org.marketer, found=asked, asset=asset)
    asked.refresh_from_db()
    assert asked.status == CollateralRequest.Status.DELIVERED and asked.asset == asset
    labels = [n.label for n in policy_needs(asset.policy)]
    assert "Fran Branch, who asked for it" in labels
    assert Notification.objects.filter(
        recipient=org.front_liner, text__contains="reviewers"
    ).exists()
    with pytest.raises(DomainError) as closed:
        asks.triage(actor=org.marketer, found=asked, outcome="declined", reason="late")
    again = asks.ask(actor=org.front_liner, title="Leaflet in Welsh")
    services.retire(actor=org.marketer, asset=asset, reason="Replaced")
    with pytest.raises(DomainError) as retired:
        asks.deliver(actor=org.marketer, found=again, asset=asset)
    assert retired.value.field == "asset"
    with pytest.raises(DomainError) as long_reason:
        asks.triage(actor=org.marketer, found=again, outcome="declined", reason="x" * 501)
    assert long_reason.value.field == "reason"
    assert closed.value.code == CollateralError.REQUEST_CLOSED


def test_a_duplicate_names_the_request_it_repeats(org: Any) -> None:
    first = asks.ask(actor=org.front_liner, title="Price sheet for 2027")
    second = asks.ask(actor=org.sales_rep, title="2027 prices")
    with pytest.raises(DomainError) as itself:
        asks.triage(actor=org.marketer, found=second, outcome="duplicate", duplicate_of=second)
    assert itself.value.field == "duplicate_of"
    asks.triage(actor=org.marketer, found=second, outcome="duplicate", duplicate_of=first)
    for bad, field in (
        ({"title": ""}, "title"),
        ({"title": "x", "needed_by": "yesterday"}, "needed_by"),
    ):
        with pytest.raises(DomainError) as refused:
            asks.ask(actor=org.front_liner, **bad)
        assert refused.value.field == field
