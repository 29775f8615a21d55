"""Attribution over real HTTP: the report of a scope, refresh, models, the joint choice."""

from tandem.attribution.models import AttributionReport
from tandem.attribution.tests.conftest import END, START, build_world

QUERY = {"start": str(START), "end": str(END)}


def test_the_report_through_the_api(api_for, live_org):
    build_world(live_org)
    rep = api_for(live_org.sales_rep)
    answer = rep.get("/attribution/report", params=QUERY)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # The worker ran the job on commit (immediate mode), before the answer was built.
    assert body["status"] == "ready" and body["totals"]["conversions"] == 3
    linear = {c["label"]: c["value"] for c in body["credits"] if c["model"] == "linear"}
    assert linear == {"E-mail": 500.0, "Events": 500.0, "Social": 500.0}
    assert {c["model"] for c in body["credits"]} >= {"markov_1", "shapley", "time_decay"}
    again = rep.post("/attribution/report/refresh", json=QUERY)
    assert again.status_code == 202 and again.json()["status"] == "done"
    assert AttributionReport.objects.count() == 1
    models = rep.get("/attribution/models").json()
    assert len(models) == 10 and all(m["explanation"] for m in models)


def test_bad_scopes_and_outsiders(api_for, live_org):
    rep = api_for(live_org.sales_rep)
    bad = rep.get("/attribution/report", params={"start": "2026-10-31", "end": "2026-10-01"})
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "start"
    wrong = rep.get("/attribution/report", params={"by": "<script>"})
    assert wrong.status_code == 422 and wrong.json()["details"]["field"] == "by"
    outsider = api_for(live_org.outsider)
    assert outsider.get("/attribution/report").status_code == 404
    assert outsider.get("/attribution/choices").status_code == 404
    assert not AttributionReport.objects.exists()


def test_the_heads_choose_the_model_through_the_api(api_for, live_org):
    marketing = api_for(live_org.marketing_head)
    proposed = marketing.post(
        "/attribution/choices", json={"model": "shapley", "lookback_days": 30}
    )
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    decide = f"/approvals/{proposed.json()['approval_request_id']}/decide"
    approve = {"outcome": "approve", "version": 1}
    assert api_for(live_org.sales_rep).post(decide, json=approve).status_code == 403
    done = api_for(live_org.sales_head).post(decide, json=approve)
    assert done.json()["status"] == "approved"
    assert marketing.get("/attribution/choices").json()[0]["status"] == "active"
    bad = marketing.post("/attribution/choices", json={"model": "guess", "lookback_days": 30})
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "model"
    assert marketing.get("/attribution/report", params=QUERY).json()["model_in_force"] == "shapley"
