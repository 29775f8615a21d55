from django.urls import path

from tandem.crm import (
    account_views,
    board_views,
    consent_views,
    contact_views,
    import_views,
    opportunity_views,
    views,
)

app_name = "crm"
urlpatterns = [
    path("accounts/", account_views.accounts, name="accounts"),
    path("accounts/new/", account_views.new_account, name="new_account"),
    path("accounts/<id:pk>/", account_views.account, name="account"),
    path(
        "accounts/<id:account_pk>/opportunities/new/",
        opportunity_views.new_opportunity,
        name="new_opportunity",
    ),
    path("contacts/", contact_views.contacts, name="contacts"),
    path("contacts/new/", contact_views.new_contact, name="new_contact"),
    path("contacts/import/", import_views.upload, name="import_upload"),
    path("contacts/import/<str:token>/", import_views.mapping, name="import_mapping"),
    path(
        "opportunities/import/",
        import_views.upload,
        {"kind": "opportunities"},
        name="import_opportunities",
    ),
    path(
        "opportunities/import/<str:token>/",
        import_views.mapping,
        {"kind": "opportunities"},
        name="import_opportunities_mapping",
    ),
    path("contacts/export.<str:fmt>", contact_views.export_contacts, name="export_contacts"),
    path("accounts/export.<str:fmt>", account_views.export_accounts, name="export_accounts"),
    path(
        "opportunities/export.<str:fmt>",
        opportunity_views.export_opportunities,
        name="export_opportunities",
    ),
    path("contacts/<id:pk>/", contact_views.contact, name="contact"),
    path("contacts/<id:pk>/edit/", contact_views.edit_contact, name="edit_contact"),
    path("contacts/<id:pk>/consent/", consent_views.contact_consent, name="contact_consent"),
    path("contacts/<id:pk>/consent/opt-in/", consent_views.ask_to_opt_in, name="ask_to_opt_in"),
    path("consent/confirm/<str:token>/", consent_views.confirm_opt_in, name="confirm_opt_in"),
    path("contacts/<id:pk>/erase/", consent_views.erase_contact, name="erase_contact"),
    path("accounts/<id:pk>/edit/", account_views.edit_account, name="edit_account"),
    path("opportunities/", opportunity_views.opportunities, name="opportunities"),
    path("opportunities/board/", board_views.board, name="board"),
    path("opportunities/forecast/", board_views.forecast, name="forecast"),
    path("opportunities/<id:pk>/", opportunity_views.opportunity, name="opportunity"),
    path(
        "opportunities/<id:pk>/edit/", opportunity_views.edit_opportunity, name="edit_opportunity"
    ),
    path("opportunities/<id:pk>/move/", board_views.move, name="move_opportunity"),
    path("records/<str:label>/<id:pk>/activities/", views.log_activity, name="log_activity"),
    path("contacts/<id:pk>/log/<str:what>/", views.quick_log, name="quick_log"),
    path("activities/<id:pk>/note/", views.add_note, name="add_note"),
    path("activities/<id:pk>/done/", views.complete_task, name="complete_task"),
]
