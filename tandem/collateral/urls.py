from django.urls import path

from tandem.collateral import ask_views, file_views, library_views, views

app_name = "collateral"

urlpatterns = [
    path("collateral/", views.assets, name="assets"),
    path("collateral/new/", views.new_asset, name="new"),
    path("collateral/library/", library_views.library_page, name="library"),
    path("collateral/analytics/", library_views.analytics, name="analytics"),
    path("collateral/requests/", ask_views.requests_page, name="requests"),
    path("collateral/requests/<id:pk>/", ask_views.request_page, name="request"),
    path("collateral/requests/<id:pk>/triage/", ask_views.triage, name="triage"),
    path("collateral/requests/<id:pk>/deliver/", ask_views.deliver, name="deliver"),
    path("collateral/<id:pk>/", views.asset, name="asset"),
    path("collateral/<id:pk>/edit/", views.edit_asset, name="edit"),
    path("collateral/<id:pk>/policy/", views.policy, name="policy"),
    path("collateral/<id:pk>/upload/", views.upload, name="upload"),
    path("collateral/<id:pk>/release/", views.release, name="release"),
    path("collateral/<id:pk>/publish/", views.publish, name="publish"),
    path("collateral/<id:pk>/print/", views.send_to_print, name="print"),
    path("collateral/<id:pk>/retire/", views.retire, name="retire"),
    path("collateral/<id:pk>/use/", library_views.use, name="use"),
    path("collateral/<id:pk>/feedback/", library_views.feedback, name="feedback"),
    path("collateral/<id:pk>/review/", file_views.review, name="review"),
    path("collateral/<id:pk>/compare/", file_views.compare, name="compare"),
    path(
        "collateral/<id:pk>/versions/<int:number>/download/",
        file_views.download,
        name="download",
    ),
    path(
        "collateral/<id:pk>/versions/<int:number>/pages/<int:page>.png",
        file_views.page_image,
        name="page",
    ),
    path("collateral/<id:pk>/versions/<int:number>/pins/", file_views.pin, name="pin"),
    path("collateral/<id:pk>/pins/<id:pin_id>/reply/", file_views.reply, name="reply"),
    path("collateral/<id:pk>/pins/<id:pin_id>/resolve/", file_views.resolve, name="resolve"),
]
