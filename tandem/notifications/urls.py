from django.urls import path

from tandem.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.centre, name="centre"),
    path("notifications/read-all/", views.read_all, name="read_all"),
    path("notifications/<id:pk>/open/", views.open_notification, name="open"),
    path("records/<str:label>/<id:pk>/comments/", views.comments, name="comments"),
]
