from django.urls import path

from praevention.meetings import views

app_name = "meetings"

urlpatterns = [
    path("sitzungen/", views.meeting_list, name="list"),
    path("sitzungen/neu/", views.meeting_create, name="create"),
    path("sitzungen/<int:pk>/", views.meeting_detail, name="detail"),
    path("sitzungen/<int:pk>/bearbeiten/", views.meeting_edit, name="edit"),
    path("sitzungen/<int:pk>/protokoll/", views.meeting_minutes, name="minutes"),
    path("sitzungen/<int:pk>/termin.ics", views.meeting_ics, name="ics"),
    path("sitzungen/<int:pk>/archivieren/", views.meeting_archive, name="archive"),
    path("sitzungen/<int:pk>/beschluesse/", views.decision_create, name="decision_create"),
    path("sitzungen/<int:pk>/aufgaben/", views.follow_up_create, name="follow_up_create"),
    path("sitzungen/massnahmen-titel/", views.measure_titles, name="measure_titles"),
    path("aufgaben/", views.tasks, name="tasks"),
    path("aufgaben/<int:pk>/erledigt/", views.follow_up_done, name="follow_up_done"),
    path("aufgaben/<int:pk>/faellig/", views.follow_up_reschedule, name="follow_up_reschedule"),
    path("massnahmen/<int:pk>/kommentare/", views.comment_create, name="comment_create"),
    path("kommentare/<int:pk>/bearbeiten/", views.comment_edit, name="comment_edit"),
    path("kommentare/<int:pk>/zurueckziehen/", views.comment_withdraw, name="comment_withdraw"),
    path("kommentare/<int:pk>/ausblenden/", views.comment_hide, name="comment_hide"),
    path("profil/", views.profile, name="profile"),
    path("profil/kalender/", views.calendar_subscription, name="calendar_subscription"),
    # Anonymous routes: the token in the address is the authority (tests/core/test_url_walk.py).
    path("kalender/<str:key>.ics", views.calendar_feed, name="calendar_feed"),
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
