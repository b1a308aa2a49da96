"""Comments on measures: members write; authors change or withdraw within 15 minutes;
coordinators hide; every version stays in the history."""

import datetime

import pytest
from django.urls import reverse

from praevention.meetings.models import Comment
from tests.meetings.factories import CommentFactory

pytestmark = pytest.mark.django_db


def age(comment, minutes):
    Comment.objects.filter(pk=comment.pk).update(
        created_at=comment.created_at - datetime.timedelta(minutes=minutes)
    )
    comment.refresh_from_db()


def test_member_of_another_department_comments_on_a_measure(client, kernteam_ges, jug_measure):
    client.force_login(kernteam_ges)
    response = client.post(
        reverse("meetings:comment_create", args=[jug_measure.pk]),
        {"comment-text": "Können wir die Flyer auch in Arztpraxen auslegen?\u200b "},
    )
    assert response["Location"] == jug_measure.get_absolute_url() + "#kommentare"
    comment = Comment.objects.get()
    assert comment.author == kernteam_ges
    assert comment.text == "Können wir die Flyer auch in Arztpraxen auslegen?"
    page = client.get(jug_measure.get_absolute_url()).content.decode()
    assert "Können wir die Flyer auch in Arztpraxen auslegen?" in page


def test_an_empty_comment_is_refused_with_a_message(client, kernteam_ges, jug_measure):
    client.force_login(kernteam_ges)
    response = client.post(
        reverse("meetings:comment_create", args=[jug_measure.pk]),
        {"comment-text": " \u200b "},
        follow=True,
    )
    assert "Bitte schreiben Sie einen Kommentar" in response.content.decode()
    assert not Comment.objects.exists()


def test_author_edits_within_15_minutes_and_history_keeps_the_old_text(
    client, kernteam_ges, comment
):
    client.force_login(kernteam_ges)
    url = reverse("meetings:comment_edit", args=[comment.pk])
    age(comment, 14)
    response = client.post(url, {"text": "Wie viele Familien wurden erreicht?"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Wie viele Familien wurden erreicht?"
    assert [h.text for h in comment.history.order_by("history_date")] == [
        "Wie viele Familien?",
        "Wie viele Familien wurden erreicht?",
    ]


def test_author_cannot_edit_or_withdraw_after_15_minutes(client, kernteam_ges, comment):
    client.force_login(kernteam_ges)
    age(comment, 16)
    assert client.get(reverse("meetings:comment_edit", args=[comment.pk])).status_code == 403
    response = client.post(reverse("meetings:comment_withdraw", args=[comment.pk]))
    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.is_withdrawn and comment.text == "Wie viele Familien?"
    page = client.get(comment.measure.get_absolute_url()).content.decode()
    assert reverse("meetings:comment_edit", args=[comment.pk]) not in page


def test_withdrawn_comment_leaves_the_page_but_not_the_history(client, kernteam_ges, comment):
    client.force_login(kernteam_ges)
    client.post(reverse("meetings:comment_withdraw", args=[comment.pk]))
    page = client.get(comment.measure.get_absolute_url()).content.decode()
    assert "Wie viele Familien?" not in page
    assert "zurückgezogen" in page
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert comment.history.count() == 2


def test_coordinator_hides_a_comment_and_shows_it_again(
    client, koordination, kernteam_jug, comment
):
    client.force_login(koordination)
    client.post(reverse("meetings:comment_hide", args=[comment.pk]), {"hidden": "1"})
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == koordination

    client.force_login(kernteam_jug)
    page = client.get(comment.measure.get_absolute_url()).content.decode()
    assert "Wie viele Familien?" not in page and "Von der Koordination ausgeblendet." in page

    client.force_login(koordination)
    client.post(reverse("meetings:comment_hide", args=[comment.pk]), {"hidden": "0"})
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_by is None


def test_nobody_comments_on_an_archived_measure(client, kernteam_ges, jug_measure):
    jug_measure.is_archived = True
    jug_measure.save()
    client.force_login(kernteam_ges)
    response = client.post(
        reverse("meetings:comment_create", args=[jug_measure.pk]), {"comment-text": "Hallo"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_measure_page_with_many_comments_runs_a_constant_number_of_queries(
    client, kernteam_ges, jug_measure, django_assert_max_num_queries
):
    for _ in range(30):
        CommentFactory(measure=jug_measure)
    client.force_login(kernteam_ges)
    with django_assert_max_num_queries(21):
        assert client.get(jug_measure.get_absolute_url()).status_code == 200
