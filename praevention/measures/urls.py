from django.urls import path

from praevention.measures import search_views, views

app_name = "measures"

urlpatterns = [
    path("", views.MeasureListView.as_view(), name="list"),
    path("neu/", views.create, name="create"),
    path("vorschlaege/", search_views.suggestions, name="suggest"),
    path("aehnliche/", search_views.similar, name="similar"),
    path("oeffentlich/", views.publish, name="publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.edit, name="edit"),
    path("<int:pk>/archivieren/", views.archive, name="archive"),
    path("<int:pk>/wiederherstellen/", views.restore, name="restore"),
    path("<int:pk>/verlauf/", views.history, name="history"),
    path("<int:pk>/bestaetigen/", views.confirm, name="confirm"),
]
