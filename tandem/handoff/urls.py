from django.urls import path

from tandem.handoff import views

app_name = "handoff"
urlpatterns = [
    path("leads/", views.queue, name="queue"),
    path("leads/board/", views.board, name="board"),
    path("leads/<id:pk>/", views.lead, name="lead"),
    path("leads/<id:pk>/accept/", views.accept, name="accept"),
    path("leads/<id:pk>/reject/", views.reject, name="reject"),
    path("leads/<id:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("leads/<id:pk>/reassign/", views.reassign, name="reassign"),
    path("leads/<id:pk>/stage/", views.move_stage, name="move_stage"),
    path("sla/", views.sla_report, name="sla_report"),
    path("sla/contract/", views.contract, name="contract"),
    path("sla/contract/<str:kind>/<id:pk>/<str:decision>/", views.decide, name="decide"),
    path("sla/contract/sla/new/", views.propose_sla, name="propose_sla"),
    path("sla/contract/scoring/new/", views.propose_scoring, name="propose_scoring"),
    path("sla/reasons/", views.reasons, name="reasons"),
    path("sla/routing/", views.routing, name="routing"),
    path("sla/routing/capacity/<id:user_id>/", views.capacity, name="capacity"),
    path("sla/routing/teams/<id:team_id>/", views.team_hours, name="team_hours"),
]
