"""A campaign's return, shown by attribution as a panel on the campaign page: a page
view only reads stored reports (it starts no job); a POST queues them."""

from tandem.attribution.models import AttributionReport
from tandem.core.models import Job
from tandem.factories.campaigns import CampaignFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_campaign_page_shows_the_return_panel_and_a_get_starts_no_job(client, org):
    campaign = CampaignFactory(owner=org.marketer)
    client.force_login(org.marketer)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert '<p class="returns"><strong>Return</strong> by' in page
    assert "not computed yet." in page and "Compute the return now" in page
    assert f'action="/attribution/campaigns/{campaign.pk}/return/"' in page
    assert not Job.objects.exists() and not AttributionReport.objects.exists()


def test_a_post_queues_the_reports_and_answers_with_the_panel(client, org):
    campaign = CampaignFactory(owner=org.marketer)
    client.force_login(org.marketer)
    url = f"/attribution/campaigns/{campaign.pk}/return/"
    assert client.get(url).status_code == 405
    answer = client.post(url, **HTMX)
    assert answer.status_code == 200
    panel = answer.content.decode()
    assert panel.startswith('<div id="campaign-return">')
    assert "being computed in the background" in panel and "Compute the return" not in panel
    assert Job.objects.filter(kind="attribution.report").count() == 2
    # Asking again while they compute queues nothing more; without htmx, back to the page.
    answer = client.post(url)
    assert answer.status_code == 302 and answer["Location"] == f"/campaigns/{campaign.pk}/"
    assert Job.objects.count() == 2
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "being computed in the background" in page


def test_only_those_who_see_the_campaign_may_queue_its_return(client, org):
    campaign = CampaignFactory(owner=org.marketer)
    client.force_login(org.outsider)
    assert client.post(f"/attribution/campaigns/{campaign.pk}/return/").status_code == 404
    assert not Job.objects.exists()
