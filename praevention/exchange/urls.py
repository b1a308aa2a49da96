from django.urls import path

from praevention.exchange import views

app_name = "exchange"

urlpatterns = [
    path("export/<slug:fmt>/", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/vorlage.xlsx", views.import_template, name="import_template"),
    path("import/spalten/", views.import_columns, name="import_columns"),
    path("import/blatt/", views.import_sheet, name="import_sheet"),
    path("import/werte/", views.import_values, name="import_values"),
    path("import/bestaetigen/", views.import_confirm, name="import_confirm"),
]
