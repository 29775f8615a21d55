from django.urls import path

from tandem.attribution import views

app_name = "attribution"
urlpatterns = [
    path("attribution/", views.report, name="report"),
    path("attribution/refresh/", views.refresh, name="refresh"),
    path("attribution/export.csv", views.export, name="export"),
    path("attribution/model/new/", views.propose, name="propose"),
    path("attribution/campaigns/<id:pk>/return/", views.campaign_return, name="campaign_return"),
]
