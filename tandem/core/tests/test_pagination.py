"""Lists stop counting at a cap, so a million-row table pages as fast as a small one."""

from tandem.core import pagination
from tandem.factories.people import UserFactory


def test_past_the_cap_the_pager_says_many(client, org, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    client.force_login(org.admin)
    small = client.get("/teams/").content.decode()  # 4 teams: under the cap, counted
    assert "Page 1 of 2" in small
    for _ in range(10):
        UserFactory()
    page = client.get("/people/?page=2").content.decode()
    assert "Page 2 of many" in page
    last = client.get("/people/?page=999").content.decode()
    assert "Page 3 of many" in last  # the last page reachable within the cap
