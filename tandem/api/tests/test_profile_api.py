"""PATCH /me over real HTTP: partial updates, validation per field, read-only tokens."""


def test_patch_me_changes_only_what_is_sent(api_for, live_org):
    api = api_for(live_org.marketer)
    response = api.patch("/me", json={"time_zone": "America/New_York"})
    assert response.status_code == 200, response.text
    assert response.json()["time_zone"] == "America/New_York"
    assert response.json()["full_name"] == "Mia Marketer"
    live_org.marketer.refresh_from_db()
    entry = live_org.marketer.history.latest("history_date")
    assert entry.history_source == "api" and entry.history_user_id == live_org.marketer.pk


def test_patch_me_names_the_bad_field(api_for, live_org):
    api = api_for(live_org.marketer)
    bad_zone = api.patch("/me", json={"time_zone": "Mars/Olympus"})
    assert bad_zone.status_code == 422
    assert bad_zone.json()["details"]["field"] == "time_zone"
    empty_name = api.patch("/me", json={"full_name": "   "})
    assert empty_name.status_code == 422 and empty_name.json()["details"]["field"] == "full_name"
    too_long = api.patch("/me", json={"full_name": "x" * 151})
    assert too_long.status_code == 422
    assert too_long.json()["details"]["errors"][0]["field"] == "full_name"
    live_org.marketer.refresh_from_db()
    assert live_org.marketer.full_name == "Mia Marketer"


def test_a_read_only_token_cannot_patch_me(api_for, live_org):
    response = api_for(live_org.marketer, scope="read").patch("/me", json={"job_title": "CEO"})
    assert response.status_code == 403 and response.json()["code"] == "read_only_token"
