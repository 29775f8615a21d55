"""The front line's two clicks: "Log branch visit" and "Log call" on a contact (page and
list rows), by htmx or a plain post, and the note that may follow."""

import pytest

from tandem.crm import services
from tandem.crm.models import Activity


@pytest.fixture
def jane(org):
    return services.create_contact(
        actor=org.sales_rep, first_name="Jane", last_name="Doe", email="jane@acme.co.uk"
    )


def test_a_branch_visit_in_one_click_lands_on_the_timeline_as_the_front_liners(client, org, jane):
    client.force_login(org.front_liner)
    page = client.get(f"/contacts/{jane.pk}/").content.decode()
    assert "Log branch visit" in page and "Log call" in page

    logged = client.post(f"/contacts/{jane.pk}/log/visit/", HTTP_HX_REQUEST="true")
    assert logged.status_code == 200
    assert logged["HX-Trigger"] == "activity-logged"  # the timeline reloads itself
    visit = Activity.objects.get(contact=jane)
    assert (visit.kind, visit.subject) == (Activity.Kind.IN_BRANCH, "Branch visit")
    assert visit.owner == org.front_liner and visit.team_id == org.front_line.pk
    said = logged.content.decode()
    assert "Branch visit logged on" in said and f"/activities/{visit.pk}/note/" in said

    timeline = client.get(f"/contacts/{jane.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Served in branch" in timeline and "Fran Branch" in timeline

    noted = client.post(
        f"/activities/{visit.pk}/note/", {"note": "Wants a quote for solar"}, HTTP_HX_REQUEST="true"
    )
    assert noted.status_code == 200 and "Note added" in noted.content.decode()
    visit.refresh_from_db()
    assert visit.body == "Wants a quote for solar"


def test_without_javascript_the_page_offers_the_note_after_the_call(client, org, jane):
    client.force_login(org.front_liner)
    logged = client.post(f"/contacts/{jane.pk}/log/call/")
    call = Activity.objects.get(contact=jane)
    assert (call.kind, call.subject) == (Activity.Kind.CALL, "Phone call")
    assert logged.status_code == 302
    assert logged["Location"] == f"/contacts/{jane.pk}/?noted={call.pk}#quick-log"
    page = client.get(logged["Location"]).content.decode()
    assert "Phone call logged on" in page and f'action="/activities/{call.pk}/note/"' in page
    noted = client.post(f"/activities/{call.pk}/note/", {"note": "Call back Monday"})
    assert noted.status_code == 302 and noted["Location"] == f"/contacts/{jane.pk}/"
    call.refresh_from_db()
    assert call.body == "Call back Monday"
    # Someone else's activity id in the address offers no note form.
    client.force_login(org.marketer)
    page = client.get(f"/contacts/{jane.pk}/?noted={call.pk}").content.decode()
    assert f'action="/activities/{call.pk}/note/"' not in page


def test_a_note_adds_to_what_an_activity_says_and_needs_words(client, org, jane):
    call = services.log_activity(
        actor=org.front_liner, kind="call", subject="Phone call", body="Asked about", contact=jane
    )
    client.force_login(org.front_liner)
    empty = client.post(f"/activities/{call.pk}/note/", {"note": " "}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422 and "Write the note first." in empty.content.decode()
    client.post(f"/activities/{call.pk}/note/", {"note": "batteries"}, HTTP_HX_REQUEST="true")
    call.refresh_from_db()
    assert call.body == "Asked about\n\nbatteries"


def test_quick_logs_from_the_contact_list_rows(client, org, jane):
    client.force_login(org.front_liner)
    rows = client.get("/contacts/", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-post="/contacts/{jane.pk}/log/visit/"' in rows
    assert f'hx-target="#logged-{jane.pk}"' in rows
    client.post(f"/contacts/{jane.pk}/log/call/", HTTP_HX_REQUEST="true")
    assert Activity.objects.filter(contact=jane, kind="call").count() == 1


def test_who_may_log_and_note(client, org, jane):
    client.force_login(org.outsider)
    assert client.post(f"/contacts/{jane.pk}/log/visit/").status_code == 404
    client.force_login(org.front_liner)
    assert client.post(f"/contacts/{jane.pk}/log/lunch/").status_code == 404
    mine = services.log_activity(actor=org.front_liner, kind="call", subject="x", contact=jane)
    client.force_login(org.marketer)  # another team's activity: not theirs to change
    assert client.post(f"/activities/{mine.pk}/note/", {"note": "mine now"}).status_code == 403
    assert Activity.objects.filter(contact=jane).count() == 1
    mine.refresh_from_db()
    assert mine.body == ""
