from django.urls import path

from praevention.api import views

app_name = "api"

# Every route here answers anonymous GET requests (tests/core/test_url_walk.py: PUBLIC_PREFIXES).
urlpatterns = [
    path("", views.info, name="info"),
    path("openapi.json", views.openapi, name="openapi"),
    path("services", views.services, name="services"),
    path("services/<str:id>", views.service, name="service"),
    path("organizations", views.organizations, name="organizations"),
    path("organizations/<str:id>", views.organization, name="organization"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", views.taxonomy, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views.taxonomy_term, name="taxonomy_term"),
    path("<path:rest>", views.not_found, name="not_found"),
]
