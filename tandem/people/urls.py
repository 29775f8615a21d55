from django.urls import path

from tandem.people import views

app_name = "people"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("people/", views.directory, name="directory"),
    path("people/mentions/", views.mention_suggestions, name="mentions"),
    path("people/new/", views.new_person, name="new_person"),
    path("people/<id:pk>/", views.person, name="person"),
    path("people/<id:pk>/active/", views.set_active, name="set_active"),
    path("people/<id:pk>/grants/", views.set_grants, name="set_grants"),
    path("teams/", views.teams, name="teams"),
    path("teams/<id:pk>/", views.team, name="team"),
    path("teams/<id:pk>/members/", views.add_member, name="add_member"),
    path("teams/<id:pk>/members/<id:membership_id>/", views.change_member, name="change_member"),
]
