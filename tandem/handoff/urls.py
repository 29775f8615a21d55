from django.urls import path

from tandem.handoff import (
    configuration_views,
    contract_views,
    lead_views,
    referral_views,
    report_views,
)

app_name = "handoff"
urlpatterns = [
    path("leads/", lead_views.queue, name="queue"),
    path("leads/board/", lead_views.board, name="board"),
    path("leads/<id:pk>/", lead_views.lead, name="lead"),
    path("leads/<id:pk>/accept/", lead_views.accept, name="accept"),
    path("leads/<id:pk>/reject/", lead_views.reject, name="reject"),
    path("leads/<id:pk>/follow-up/", lead_views.follow_up, name="follow_up"),
    path("leads/<id:pk>/reassign/", lead_views.reassign, name="reassign"),
    path("leads/<id:pk>/stage/", lead_views.move_stage, name="move_stage"),
    path("leads/<id:pk>/convert/", lead_views.convert, name="convert"),
    path("referrals/", referral_views.my_referrals, name="referrals"),
    path("referrals/new/", referral_views.new_referral, name="new_referral"),
    path("contacts/<id:pk>/refer/", referral_views.refer_contact, name="refer_contact"),
    path("sla/", report_views.sla_report, name="sla_report"),
    path("sla/contract/", contract_views.contract, name="contract"),
    path("sla/contract/sla/new/", contract_views.propose_sla, name="propose_sla"),
    path("sla/contract/scoring/new/", contract_views.propose_scoring, name="propose_scoring"),
    path("sla/reasons/", configuration_views.reasons, name="reasons"),
    path("sla/routing/", configuration_views.routing, name="routing"),
    path("sla/routing/capacity/<id:user_id>/", configuration_views.capacity, name="capacity"),
    path("sla/routing/teams/<id:team_id>/", configuration_views.team_hours, name="team_hours"),
]
