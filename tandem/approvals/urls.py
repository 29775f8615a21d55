from django.urls import path

from tandem.approvals import views

app_name = "approvals"
urlpatterns = [
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<id:pk>/", views.detail, name="detail"),
    path("decisions/<id:pk>/decide/", views.decide, name="decide"),
    path("decisions/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("decisions/<id:pk>/override/", views.override, name="override"),
]
