from django.urls import path

from praevention.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.start, name="start"),
    path("ueberblick/", views.overview, name="overview"),
    path("ueberblick/finanzierung/", views.funding, name="funding"),
    path("ueberblick/<slug:matrix>/", views.overview, name="matrix"),
    path("luecken/", views.gap_radar, name="gaps"),
    path("karte/", views.district_map, name="map"),
    path("bericht/", views.report, name="report"),
    path("bericht/bericht.pdf", views.report_pdf, name="report_pdf"),
    path("bericht/bericht.xlsx", views.report_xlsx, name="report_xlsx"),
]
