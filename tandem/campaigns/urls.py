from django.urls import path

from tandem.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.new_campaign, name="new_campaign"),
    path("campaigns/export.<str:fmt>", views.export_campaigns, name="export_campaigns"),
    path("campaigns/touchpoints/import/", views.import_touchpoints, name="import_touchpoints"),
    path("campaigns/<id:pk>/", views.campaign, name="campaign"),
    path("campaigns/target/", views.target_list, name="target_list"),
    path("campaigns/members/add/", views.add_member, name="add_member"),
    path("f/<str:form_key>/", views.capture, name="capture"),
]
