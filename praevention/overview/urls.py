from django.urls import path

from praevention.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.start, name="start"),
    path("ueberblick/", views.overview, name="overview"),
    path("ueberblick/<slug:matrix>/", views.overview, name="matrix"),
    path("luecken/", views.gap_radar, name="gaps"),
    path("bericht/", views.report, name="report"),
    path("bericht/bericht.xlsx", views.report_xlsx, name="report_xlsx"),
]
