"""Saved views on list pages: kept filters only, private or shared, deleted by the owner."""

from tandem.core.models import SavedView


def test_saving_the_current_filters_keeps_only_what_the_list_understands(client, org):
    client.force_login(org.sales_rep)
    response = client.post(
        "/views/crm.contacts/save/",
        {"name": "My Leeds people", "query": "q=leeds&mine=1&page=7&evil=%3Cscript%3E"},
    )
    view = SavedView.objects.get()
    assert view.query == "q=leeds&mine=1"
    assert response["Location"] == "/contacts/?q=leeds&mine=1"
    page = client.get("/contacts/").content.decode()
    assert 'href="?q=leeds&amp;mine=1">My Leeds people</a>' in page


def test_private_views_are_private_and_shared_ones_are_for_everyone(client, org):
    client.force_login(org.marketer)
    client.post("/views/crm.accounts/save/", {"name": "Mine only", "query": "mine=1"})
    client.post(
        "/views/crm.accounts/save/",
        {"name": "Yorkshire", "query": "region=Yorkshire", "shared": "1"},
    )
    client.force_login(org.sales_rep)
    page = client.get("/accounts/").content.decode()
    assert ">Yorkshire</a>" in page and ">Mine only</a>" not in page
    shared = SavedView.objects.get(name="Yorkshire")
    private = SavedView.objects.get(name="Mine only")
    assert client.post(f"/views/{shared.pk}/delete/").status_code == 403
    assert client.post(f"/views/{private.pk}/delete/").status_code == 404
    client.force_login(org.marketer)
    client.post(f"/views/{shared.pk}/delete/")
    assert not SavedView.objects.filter(pk=shared.pk).exists()


def test_names_are_required_escaped_and_lists_must_exist(client, org):
    client.force_login(org.marketer)
    client.post("/views/crm.contacts/save/", {"name": "", "query": "q=a"})
    assert not SavedView.objects.exists()
    assert client.post("/views/people.passwords/save/", {"name": "x"}).status_code == 404
    client.post("/views/campaigns.campaigns/save/", {"name": "<b>Live</b>", "query": "status=live"})
    page = client.get("/campaigns/").content.decode()
    assert "&lt;b&gt;Live&lt;/b&gt;" in page
    client.force_login(org.outsider)
    assert client.post("/views/crm.contacts/save/", {"name": "x"}).status_code == 403
