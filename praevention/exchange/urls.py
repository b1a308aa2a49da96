from django.urls import path

from praevention.exchange import views

app_name = "exchange"

urlpatterns = [
    path("export/<slug:fmt>/", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/bestaetigen/", views.import_confirm, name="import_confirm"),
]
