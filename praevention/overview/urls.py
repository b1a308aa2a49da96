from django.urls import path

from praevention.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.start, name="start"),
    path("ueberblick/", views.overview, name="overview"),
    path("ueberblick/<slug:matrix>/", views.overview, name="matrix"),
    path("luecken/", views.gap_radar, name="gaps"),
    path("karte/", views.district_map, name="map"),
    path("bericht/", views.committee_report, name="report"),
    path("bericht/bericht.xlsx", views.committee_report_xlsx, name="report_xlsx"),
]
