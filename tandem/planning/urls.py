from django.urls import path

from tandem.planning import scorecard_views, views

app_name = "planning"

urlpatterns = [
    path("plan/", views.periods, name="periods"),
    path("plan/<id:pk>/", views.plan, name="plan"),
    path("plan/<id:pk>/target/", views.target, name="target"),
    path("plan/<id:pk>/figures/", views.figure, name="figure"),
    path("plan/<id:pk>/figures/clear/", views.clear_figure, name="clear_figure"),
    path("plan/<id:pk>/sla/", views.propose_sla, name="propose_sla"),
    path("plan/<id:pk>/close/", views.close, name="close"),
]

urlpatterns += [
    path("plan/<id:pk>/scorecard/", scorecard_views.scorecard_page, name="scorecard"),
    path("plan/<id:pk>/scorecard/targets/", scorecard_views.kpi_targets, name="kpi_targets"),
    path("plan/<id:pk>/incentive/", scorecard_views.incentive_page, name="incentive"),
    path(
        "plan/<id:pk>/incentive/propose/",
        scorecard_views.propose_incentive,
        name="propose_incentive",
    ),
]
