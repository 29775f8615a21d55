from django.urls import path

from tandem.handoff import views

app_name = "handoff"
urlpatterns = [
    path("leads/", views.queue, name="queue"),
    path("leads/board/", views.board, name="board"),
    path("leads/<int:pk>/", views.lead, name="lead"),
    path("leads/<int:pk>/accept/", views.accept, name="accept"),
    path("leads/<int:pk>/reject/", views.reject, name="reject"),
    path("leads/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("leads/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("leads/<int:pk>/stage/", views.move_stage, name="move_stage"),
    path("sla/", views.sla_report, name="sla_report"),
    path("sla/contract/", views.contract, name="contract"),
    path("sla/contract/<str:kind>/<int:pk>/<str:decision>/", views.decide, name="decide"),
    path("sla/contract/sla/new/", views.propose_sla, name="propose_sla"),
    path("sla/contract/scoring/new/", views.propose_scoring, name="propose_scoring"),
    path("sla/reasons/", views.reasons, name="reasons"),
    path("sla/routing/", views.routing, name="routing"),
    path("sla/routing/capacity/<int:user_id>/", views.capacity, name="capacity"),
    path("sla/routing/teams/<int:team_id>/", views.team_hours, name="team_hours"),
]
