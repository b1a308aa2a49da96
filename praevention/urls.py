from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from praevention.core.views import healthz
from praevention.network.views import department_colours

admin.site.site_header = _("Präventionsnetz – Verwaltung")
admin.site.site_title = _("Präventionsnetz")
admin.site.index_title = _("Konten, Stammdaten und Maßnahmen")

handler400 = "praevention.core.views.bad_request"

urlpatterns = [
    path("", include("praevention.overview.urls")),
    path("konto/", include("praevention.accounts.urls")),
    path("massnahmen/", include("praevention.measures.urls")),
    path("austausch/", include("praevention.exchange.urls")),
    path("healthz", healthz, name="healthz"),
    path("fachbereiche.css", department_colours, name="department_colours"),
    path("admin/", admin.site.urls),
]
