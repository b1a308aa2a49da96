from django.urls import path

from praevention.editions import views

app_name = "editions"

urlpatterns = [
    path("", views.edition_list, name="list"),
    path("festschreiben/", views.freeze, name="freeze"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/bericht.pdf", views.edition_pdf, name="pdf"),
    path("<int:pk>/bericht.xlsx", views.edition_xlsx, name="xlsx"),
    path("<int:pk>/zurueckziehen/", views.withdraw, name="withdraw"),
]
