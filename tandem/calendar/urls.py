from django.urls import path

from tandem.calendar import kill_views, performance_views, views

app_name = "calendar"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/items/<id:pk>/", views.item, name="item"),
    path("calendar/items/<id:pk>/move/", views.move, name="move"),
    path("calendar/items/<id:pk>/readiness/", views.mark_readiness, name="readiness"),
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
