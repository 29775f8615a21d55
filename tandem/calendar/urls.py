from django.urls import path

from tandem.calendar import delegate_views, views

app_name = "calendar"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/items/<id:pk>/", views.item, name="item"),
    path("calendar/items/<id:pk>/move/", views.move, name="move"),
    path("calendar/items/<id:pk>/readiness/", views.mark_readiness, name="readiness"),
    path("calendar/delegates/", delegate_views.delegates, name="delegates"),
    path(
        "calendar/delegates/<id:pk>/remove/", delegate_views.remove_delegate, name="remove_delegate"
    ),
]
