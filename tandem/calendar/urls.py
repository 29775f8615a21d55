from django.urls import path

from tandem.calendar import capacity_views, views

app_name = "calendar"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/items/<id:pk>/", views.item, name="item"),
    path("calendar/items/<id:pk>/move/", views.move, name="move"),
    path("calendar/items/<id:pk>/readiness/", views.mark_readiness, name="readiness"),
    path("calendar/capacity/", capacity_views.capacity_page, name="capacity"),
    path("calendar/capacity/rule/", capacity_views.capacity_rule, name="capacity_rule"),
]
