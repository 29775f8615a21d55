"""Targeting people: a filtered contact list (a segment) in one go, or one contact from
their page; who may, and what an ended campaign says."""

from tandem.campaigns.models import CampaignMember
from tandem.campaigns.tests.conftest import make_campaign
from tandem.core.models import Job
from tandem.factories.crm import ContactFactory


def _people():
    return [
        ContactFactory(first_name="Ann", last_name="Baker", email="ann@bakery.example"),
        ContactFactory(first_name="Ben", last_name="Baker", email="ben@bakery.example"),
        ContactFactory(first_name="Cal", last_name="Smith", email="cal@smith.example"),
    ]


def test_targeting_the_filtered_contact_list_adds_exactly_the_matching_people(
    client, org, django_capture_on_commit_callbacks
):
    ann, ben, cal = _people()
    campaign = make_campaign(org.marketer)
    CampaignMember.objects.create(campaign=campaign, contact=ann, status="responded")
    client.force_login(org.marketer)
    listing = client.get("/contacts/", {"q": "baker"})
    assert "Target these 2 contacts in a campaign" in listing.text
    assert f'<option value="{campaign.pk}">{campaign.name} (planned)' in listing.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/campaigns/target/", {"campaign": campaign.pk, "q": "baker"})
    job = Job.objects.get(kind="campaigns.target_list")
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert "1 contacts targeted" in job.message  # Ann was already in
    members = dict(campaign.members.values_list("contact_id", "status"))
    assert members == {ann.pk: "responded", ben.pk: "targeted"}  # Cal is no Baker
    assert cal.pk not in members

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/campaigns/target/", {"campaign": campaign.pk, "q": "baker"})
    assert campaign.members.count() == 2  # again: nobody twice


def test_only_people_who_may_change_the_campaign_can_target_and_guessed_ids_are_404(client, org):
    _people()
    campaign = make_campaign(org.marketer)
    client.force_login(org.sales_rep)  # sales does not run marketing's campaign
    assert client.post("/campaigns/target/", {"campaign": campaign.pk}).status_code == 403
    assert "Target these" not in client.get("/contacts/").text
    client.force_login(org.marketer)
    assert client.post("/campaigns/target/", {"campaign": 987654}).status_code == 404
    assert client.post("/campaigns/target/", {"campaign": "1; drop"}).status_code == 404
    assert client.post("/campaigns/target/", {"campaign": "\u00b2"}).status_code == 404
    assert client.post("/campaigns/target/", {"campaign": "9" * 30}).status_code == 404
    assert client.get("/campaigns/target/").status_code == 405
    client.force_login(org.outsider)
    assert client.post("/campaigns/target/", {"campaign": campaign.pk}).status_code == 404
    assert not Job.objects.exists() and not CampaignMember.objects.exists()


def test_an_ended_campaign_targets_nobody_and_says_why(client, org):
    _people()
    campaign = make_campaign(org.marketer)
    type(campaign).objects.filter(pk=campaign.pk).update(status="finished")
    client.force_login(org.marketer)
    response = client.post("/campaigns/target/", {"campaign": campaign.pk}, follow=True)
    assert "This campaign has ended" in response.text
    assert not Job.objects.exists()


def test_adding_one_contact_from_their_page(client, org):
    ann, *_ = _people()
    campaign = make_campaign(org.marketer)
    client.force_login(org.marketer)
    page = client.get(f"/contacts/{ann.pk}/")
    assert "No campaign has targeted or reached them yet." in page.text
    assert "Add to campaign" in page.text
    url = "/campaigns/members/add/"
    added = client.post(url, {"campaign": campaign.pk, "contact": ann.pk}, follow=True)
    assert f"Added to {campaign.name}." in added.text
    assert CampaignMember.objects.get(contact=ann).status == "targeted"
    again = client.post(url, {"campaign": campaign.pk, "contact": ann.pk}, follow=True)
    assert f"Already in {campaign.name}." in again.text
    assert campaign.members.count() == 1
    assert client.post(url, {"campaign": campaign.pk, "contact": 987654}).status_code == 404
    assert client.post(url, {"campaign": campaign.pk, "contact": "\u00b2"}).status_code == 404
    assert client.post(url, {"contact": ann.pk}).status_code == 404  # no campaign chosen
    client.force_login(org.sales_rep)
    assert client.post(url, {"campaign": campaign.pk, "contact": ann.pk}).status_code == 403


def test_members_through_the_api_with_the_pages_permissions(api_for, live_org):
    ann, ben, cal = _people()
    campaign = make_campaign(live_org.marketer)
    marketer = api_for(live_org.marketer)
    target = marketer.post(f"/campaigns/{campaign.pk}/members/target", json={"q": "baker"})
    assert target.status_code == 202, target.text
    job = marketer.get(f"/jobs/{target.json()['id']}").json()
    assert job["status"] == "done" and "2 contacts targeted" in job["message"]
    listed = marketer.get(f"/campaigns/{campaign.pk}/members").json()
    assert {m["contact_id"] for m in listed["items"]} == {ann.pk, ben.pk}
    assert {m["status"] for m in listed["items"]} == {"targeted"}

    hostile = marketer.post(f"/campaigns/{campaign.pk}/members/target", json={"q": "x" * 101})
    assert hostile.status_code == 422
    rep = api_for(live_org.sales_rep)  # reads the campaign, may not change it
    assert rep.get(f"/campaigns/{campaign.pk}/members").status_code == 200
    assert rep.post(f"/campaigns/{campaign.pk}/members/target", json={}).status_code == 403
    outsider = api_for(live_org.outsider)
    assert outsider.get(f"/campaigns/{campaign.pk}/members").status_code == 404
    assert marketer.post("/campaigns/987654/members/target", json={}).status_code == 404
    assert campaign.members.count() == 2 and cal.pk not in set(
        campaign.members.values_list("contact_id", flat=True)
    )


def test_a_contact_reached_by_a_campaigns_touches_shows_it_without_being_a_member(
    client, org, django_assert_max_num_queries
):
    from tandem.factories.campaigns import TouchpointFactory

    ann, *_ = _people()
    reached = make_campaign(org.marketer, name="Heat-pump search ads")
    member_of = make_campaign(org.marketer, name="Spring open days")
    CampaignMember.objects.create(campaign=member_of, contact=ann)
    for _ in range(3):
        TouchpointFactory(contact=ann, campaign=reached)
    TouchpointFactory(contact=ann, campaign=member_of)  # a member's touch: listed once
    TouchpointFactory(contact=ann, campaign=None)
    client.force_login(org.sales_rep)
    with django_assert_max_num_queries(40):
        page = client.get(f"/contacts/{ann.pk}/").content.decode()
    assert "Heat-pump search ads</a><small>3 touches, last" in page
    assert page.count("Spring open days</a>") == 1 and "Targeted · " in page
    assert "No campaign has targeted or reached them yet." not in page
