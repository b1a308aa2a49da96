from django.urls import path

from praevention.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.start, name="start"),
]
