from django.urls import path

from tandem.planning import views

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
