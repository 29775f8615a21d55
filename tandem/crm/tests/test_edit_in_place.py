"""A contact's and an account's properties edited in place on their record pages: one
field at a time through htmx, the same service and rules as the edit page."""

import pytest

from tandem.crm import services

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def contact(org):
    return services.create_contact(
        actor=org.sales_rep, first_name="Ruth", last_name="Bailey", phone="07700 900123"
    )


def test_one_field_is_edited_in_place_and_saved_through_the_service(client, org, contact):
    client.force_login(org.sales_rep)
    url = f"/contacts/{contact.pk}/edit/?field=phone"
    shown = client.get(url, **HTMX).content.decode()
    assert shown.lstrip().startswith('<article id="properties"')
    assert 'name="phone"' in shown and 'name="email"' not in shown
    saved = client.post(url, {"phone": "+44 7700 900 456"}, **HTMX)
    assert saved.status_code == 200 and "Saved." in saved.content.decode()
    contact.refresh_from_db()
    assert (contact.phone, contact.phone_e164) == ("+44 7700 900 456", "+447700900456")
    assert contact.first_name == "Ruth"  # the other properties are left as they were
    cancel = client.get(f"/contacts/{contact.pk}/edit/", **HTMX).content.decode()
    assert 'name="phone"' not in cancel and "+44 7700 900 456" in cancel


def test_a_refused_value_comes_back_in_place_with_its_message(client, org, contact):
    client.force_login(org.sales_rep)
    refused = client.post(f"/contacts/{contact.pk}/edit/?field=phone", {"phone": "0113 49"}, **HTMX)
    assert refused.status_code == 422
    assert "too few digits" in refused.content.decode()
    contact.refresh_from_db()
    assert contact.phone == "07700 900123"


def test_without_javascript_the_link_is_a_page_with_that_one_field(client, org, contact):
    client.force_login(org.sales_rep)
    page = client.get(f"/contacts/{contact.pk}/edit/?field=job_title").content.decode()
    assert 'name="job_title"' in page and 'name="phone"' not in page and "<html" in page
    done = client.post(f"/contacts/{contact.pk}/edit/?field=job_title", {"job_title": "Manager"})
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.job_title == "Manager" and contact.phone == "07700 900123"


def test_only_those_who_may_change_it_see_edit_or_may_post(client, org, contact):
    client.force_login(org.marketer)  # reads the shared record, does not own it
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'aria-label="Edit phone"' not in page
    assert (
        client.post(f"/contacts/{contact.pk}/edit/?field=phone", {"phone": "x"}, **HTMX).status_code
        == 403
    )
    client.force_login(org.outsider)
    assert client.get(f"/contacts/{contact.pk}/edit/?field=phone", **HTMX).status_code == 404
    client.force_login(org.sales_rep)
    assert 'aria-label="Edit phone"' in client.get(f"/contacts/{contact.pk}/").content.decode()


def test_an_accounts_name_is_edited_in_place(client, org):
    account = services.create_account(actor=org.sales_rep, name="Acme Solar")
    client.force_login(org.sales_rep)
    url = f"/accounts/{account.pk}/edit/?field=name"
    assert client.post(url, {"name": ""}, **HTMX).status_code == 422  # a name is required
    saved = client.post(url, {"name": "Acme Solar Ltd"}, **HTMX)
    assert saved.status_code == 200 and "Acme Solar Ltd" in saved.content.decode()
    account.refresh_from_db()
    assert account.name == "Acme Solar Ltd"


def test_a_field_that_is_not_a_property_edits_nothing_and_is_not_an_error(client, org, contact):
    client.force_login(org.sales_rep)
    for field in ("owner", "erased_at", "<script>", "x" * 5000):
        page = client.get(f"/contacts/{contact.pk}/edit/", {"field": field}, **HTMX)
        shown = page.content.decode()
        # Not a property in place: the column as it was, with no form and no error.
        assert page.status_code == 200 and shown.lstrip().startswith('<article id="properties"')
        assert "<form" not in shown and "07700 900123" in shown
