from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from praevention.core.views import accessibility, healthz, privacy
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
    path("berichte/", include("praevention.editions.urls")),
    path("downloads/", include("praevention.core.urls")),
    path("", include("praevention.meetings.urls")),
    path("healthz", healthz, name="healthz"),
    # Statements every public body publishes; readable without login.
    path("barrierefreiheit/", accessibility, name="accessibility"),
    path("datenschutz/", privacy, name="privacy"),
    # The language can be chosen on the login page too.
    path("sprache/", login_not_required(set_language), name="set_language"),
    path("fachbereiche.css", department_colours, name="department_colours"),
    path("admin/", admin.site.urls),
    # The public, read-only HSDS 3.0 API: the only prefix anonymous visitors may read.
    path("api/hsds/", include("praevention.api.urls")),
]
