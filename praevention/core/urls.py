from django.urls import path

from praevention.core import views

app_name = "core"

urlpatterns = [
    path("<uuid:pk>/", views.export_job, name="export_job"),
    path("<uuid:pk>/datei", views.export_job_file, name="export_job_file"),
]
