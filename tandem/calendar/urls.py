from django.urls import path

from tandem.calendar import (
    capacity_views,
    delegate_views,
    feed_views,
    kill_views,
    performance_views,
    views,
)

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
    path("calendar/feeds/", feed_views.feed_list, name="feeds"),
    path("calendar/feeds/<id:pk>/revoke/", feed_views.revoke, name="revoke_feed"),
    path("calendar/feed/<str:secret>.ics", feed_views.feed, name="feed"),
    path("calendar/capacity/", capacity_views.capacity_page, name="capacity"),
    path("calendar/capacity/rule/", capacity_views.capacity_rule, name="capacity_rule"),
    # Cutting what fails: the criteria, the decision on a flagged campaign, performance.
    path("calendar/kill-criteria/", kill_views.kill_criteria, name="kill_criteria"),
    path("calendar/kill-criteria/new/", kill_views.propose, name="propose_kill"),
    path("calendar/items/<id:pk>/decision/", kill_views.decide, name="decide"),
    path("calendar/performance/", performance_views.performance_page, name="performance"),
    path(
        "calendar/performance/export.<str:fmt>",
        performance_views.export_performance,
        name="export_performance",
    ),
]
