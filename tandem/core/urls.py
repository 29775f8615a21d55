from django.urls import path

from tandem.core import rate_views, views

app_name = "core"
urlpatterns = [
    path("jobs/<id:pk>/", views.job_detail, name="job"),
    path("jobs/<id:pk>/download/", views.job_download, name="job_download"),
    path("jobs/<id:pk>/resume/", views.job_resume, name="job_resume"),
    path("records/<str:label>/<id:pk>/history/", views.record_history, name="history"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("exchange-rates/", rate_views.rates, name="exchange_rates"),
    path("exchange-rates/<id:pk>/remove/", rate_views.remove_rate, name="remove_rate"),
    path("views/<str:list_name>/save/", views.save_view, name="save_view"),
    path("views/<id:pk>/delete/", views.delete_view, name="delete_view"),
]
