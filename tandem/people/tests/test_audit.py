"""Field history (who, when, old -> new, source) and the append-only event log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.audit import Source, acting_as
from tandem.core.models import AppendOnlyError, DomainEvent
from tandem.core.services import record_event
from tandem.people.services import change_role, update_profile


def test_history_records_who_changed_what_and_through_which_channel(org):
    with acting_as(org.marketer, Source.API):
        update_profile(
            actor=org.marketer,
            user=org.marketer,
            full_name="Mia M. Marketer",
            time_zone="Europe/Paris",
        )
    entry = org.marketer.history.latest("history_date")
    assert entry.history_user == org.marketer
    assert entry.history_source == "api"
    diff = {c.field: (c.old, c.new) for c in entry.diff_against(entry.prev_record).changes}
    assert diff["full_name"] == ("Mia Marketer", "Mia M. Marketer")
    assert diff["time_zone"] == ("Europe/London", "Europe/Paris")


def test_password_hashes_never_reach_the_history(org):
    fields = {f.name for f in org.marketer.history.model._meta.fields}
    assert "password" not in fields


def test_events_are_append_only(org):
    with acting_as(org.admin, Source.WEB):
        event = record_event("test.happened", subject=org.sales, data={"n": 1})
    assert event.actor == org.admin and event.source == "web"
    event.name = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        DomainEvent.objects.filter(pk=event.pk).update(name="x")
    with pytest.raises(AppendOnlyError):
        DomainEvent.objects.all().delete()
    assert DomainEvent.objects.get(pk=event.pk).name == "test.happened"


def test_history_page_shows_old_and_new_values_with_source(client, org):
    membership = org.marketer.memberships.get()
    with acting_as(org.marketing_head, Source.WEB):
        change_role(actor=org.marketing_head, membership=membership, role="head")
    client.force_login(org.marketer)
    response = client.get(f"/records/people.team/{org.marketing.pk}/history/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "team role changed" in body  # the event, with who did it
    assert "Hana Head" in body


def test_history_of_a_user_shows_the_change(client, org):
    with acting_as(org.marketer, Source.WEB):
        update_profile(actor=org.marketer, user=org.marketer, full_name="Mia New", time_zone="UTC")
    client.force_login(org.marketer)
    body = client.get(f"/records/people.user/{org.marketer.pk}/history/").content.decode()
    assert "<del>Mia Marketer</del>" in body and "<ins>Mia New</ins>" in body
    assert "web" in body


@pytest.mark.parametrize(
    "url",
    [
        "/records/people.team/{team}/history/",
        "/records/people.team/999999/history/",
        "/records/api.apitoken/1/history/",  # not a registered record kind
        "/records/nonsense/1/history/",
    ],
)
def test_history_is_404_for_what_you_cannot_see(client, org, url):
    client.force_login(org.outsider)
    assert client.get(url.format(team=org.marketing.pk)).status_code == 404


def test_history_page_query_count_does_not_grow_with_entries(client, org):
    client.force_login(org.admin)
    url = f"/records/people.user/{org.marketer.pk}/history/"
    with acting_as(org.admin, Source.WEB):
        update_profile(actor=org.admin, user=org.marketer, full_name="A", time_zone="UTC")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with acting_as(org.admin, Source.WEB):
        for n in range(10):
            update_profile(
                actor=org.admin, user=org.marketer, full_name=f"Name {n}", time_zone="UTC"
            )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_audit_log_is_for_admins(client, org):
    client.force_login(org.marketing_head)
    assert client.get("/audit/").status_code == 403
    client.force_login(org.admin)
    response = client.get("/audit/?event=team.")
    assert response.status_code == 200
