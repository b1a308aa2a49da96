"""Pages of the meetings app: short views that fetch, ask the policy, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from praevention.accounts.policy import allowed_if, require
from praevention.core.mail import site_url
from praevention.core.text import normalize_line
from praevention.measures.models import Measure
from praevention.meetings import calendar, digest, policy, selectors, services
from praevention.meetings.forms import (
    CommentForm,
    DecisionForm,
    DigestSettingForm,
    FollowUpForm,
    FollowUpRescheduleForm,
    MeetingForm,
)
from praevention.meetings.models import (
    CalendarSubscription,
    Comment,
    DigestSetting,
    FollowUp,
    Meeting,
)


@allowed_if(policy.can_view_meetings)
def meeting_list(request):
    """Upcoming meetings first (soonest first), then past ones (latest first), 25 a page."""
    archived = request.GET.get("archiv") == "1"
    meetings = Meeting.objects.filter(is_archived=archived).for_list()
    now = timezone.now()
    upcoming = (
        list(meetings.filter(starts_at__gte=now).order_by("starts_at")) if not archived else []
    )
    page = Paginator(meetings.filter(starts_at__lt=now).order_by("-starts_at"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "nav": "meetings",
            "upcoming": upcoming,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "query_string": "archiv=1" if archived else "",
            "archived": archived,
            "can_create": policy.can_create_meeting(request.user),
        },
    )


def _render_meeting_form(request, form, meeting=None, status=200):
    return render(
        request,
        "meetings/meeting_form.html",
        {"nav": "meetings", "form": form, "meeting": meeting},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@allowed_if(policy.can_create_meeting)
def meeting_create(request):
    if request.method == "GET":
        return _render_meeting_form(request, MeetingForm())
    form = MeetingForm(request.POST)
    if not form.is_valid():
        return _render_meeting_form(request, form, status=400)
    meeting = services.meeting_save(
        meeting=form.instance, participants=form.cleaned_data["participants"], by=request.user
    )
    messages.success(request, _("Die Sitzung „%s“ wurde angelegt.") % meeting.title)
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_object_or_404(Meeting.objects.prefetch_related("participants"), pk=pk)
    require(policy.can_edit_meeting(request.user, meeting))
    if request.method == "GET":
        return _render_meeting_form(request, MeetingForm(instance=meeting), meeting)
    form = MeetingForm(request.POST, instance=meeting)
    if not form.is_valid():
        return _render_meeting_form(request, form, meeting, status=400)
    try:
        services.meeting_save(
            meeting=form.instance, participants=form.cleaned_data["participants"], by=request.user
        )
    except ValidationError as refused:
        form.add_error(None, refused)
        return _render_meeting_form(request, form, meeting, status=400)
    messages.success(request, _("Die Änderungen wurden gespeichert."))
    return redirect(meeting)


def _render_detail(request, meeting, decision_form=None, follow_up_form=None, status=200):
    can_edit = policy.can_edit_meeting(request.user, meeting)
    if can_edit:
        decision_form = decision_form or DecisionForm(prefix="decision")
        follow_up_form = follow_up_form or FollowUpForm(prefix="follow_up", meeting=meeting)
    follow_ups = list(meeting.follow_ups.all())
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "nav": "meetings",
            "meeting": meeting,
            "decisions": list(meeting.decisions.all()),
            "follow_ups": [(f, policy.can_change_follow_up(request.user, f)) for f in follow_ups],
            "can_edit": can_edit,
            "decision_form": decision_form,
            "follow_up_form": follow_up_form,
            "today": timezone.localdate(),
        },
        status=status,
    )


@allowed_if(policy.can_view_meetings)
def meeting_detail(request, pk):
    meeting = selectors.meeting_for_detail(Meeting.objects.all(), pk)
    return _render_detail(request, meeting)


@allowed_if(policy.can_view_meetings)
def meeting_minutes(request, pk):
    """The minutes as one printable page (print CSS: no navigation, no forms)."""
    meeting = selectors.meeting_for_detail(Meeting.objects.all(), pk)
    return render(
        request,
        "meetings/meeting_minutes.html",
        {
            "nav": "meetings",
            "meeting": meeting,
            "decisions": list(meeting.decisions.all()),
            "follow_ups": list(meeting.follow_ups.all()),
        },
    )


@allowed_if(policy.can_view_meetings)
def meeting_ics(request, pk):
    """The meeting as an iCalendar file (RFC 5545) for the participants' calendars."""
    meeting = get_object_or_404(Meeting.objects.prefetch_related("participants__user"), pk=pk)
    response = HttpResponse(
        calendar.meeting_ics(meeting, request.build_absolute_uri(meeting.get_absolute_url())),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="sitzung-{meeting.pk}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def meeting_archive(request, pk):
    meeting = get_object_or_404(Meeting.objects.prefetch_related("participants"), pk=pk)
    require(policy.can_archive_meeting(request.user, meeting))
    if request.method == "POST":
        services.meeting_set_archived(meeting=meeting, archived=True, by=request.user)
        messages.success(request, _("Die Sitzung wurde archiviert."))
        return redirect("meetings:list")
    return render(
        request, "meetings/meeting_confirm_archive.html", {"nav": "meetings", "meeting": meeting}
    )


@require_POST
def decision_create(request, pk):
    meeting = selectors.meeting_for_detail(Meeting.objects.all(), pk)
    require(policy.can_record_decision(request.user, meeting))
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return _render_detail(request, meeting, decision_form=form, status=400)
    services.decision_create(
        meeting=meeting,
        text=form.cleaned_data["text"],
        measures=form.cleaned_data["measures"],
        departments=form.cleaned_data["departments"],
        by=request.user,
    )
    messages.success(request, _("Der Beschluss wurde festgehalten."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#beschluesse")


@require_POST
def follow_up_create(request, pk):
    meeting = selectors.meeting_for_detail(Meeting.objects.all(), pk)
    require(policy.can_create_follow_up(request.user, meeting))
    form = FollowUpForm(request.POST, prefix="follow_up", meeting=meeting)
    if not form.is_valid():
        return _render_detail(request, meeting, follow_up_form=form, status=400)
    follow_up = form.save(commit=False)
    follow_up.meeting = meeting
    follow_up.measure = form.cleaned_data["measure"]
    follow_up.department = form.cleaned_data["department"]
    services.follow_up_create(follow_up=follow_up, by=request.user)
    messages.success(
        request,
        _("Die Aufgabe für %(person)s wurde angelegt.") % {"person": follow_up.responsible.user},
    )
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#aufgaben")


@allowed_if(policy.can_view_meetings)
def measure_titles(request):
    """Up to 20 titles of current measures containing what was typed, as <option>s for the
    meeting forms' datalist (htmx); the typed text comes in the input's own parameter."""
    typed = normalize_line(next((value for value in request.GET.values() if value), ""))[:200]
    titles = (
        Measure.objects.active()
        .filter(title__icontains=typed)
        .order_by("title")
        .values_list("title", flat=True)[:20]
        if len(typed) >= 2
        else []
    )
    return render(request, "meetings/_measure_titles.html", {"titles": titles})


def _next_url(request, fallback):
    """Where to go back to: `next` of the form (POST) or of the link to it (GET), if it is
    a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
def follow_up_done(request, pk):
    """Mark done (done=1) or open again (done=0); back to where the button was."""
    follow_up = get_object_or_404(FollowUp, pk=pk)
    require(policy.can_change_follow_up(request.user, follow_up))
    done = request.POST.get("done", "1") != "0"
    services.follow_up_set_done(follow_up=follow_up, done=done, by=request.user)
    if done:
        messages.success(request, _("Die Aufgabe „%s“ ist erledigt.") % follow_up.title)
    else:
        messages.success(request, _("Die Aufgabe „%s“ ist wieder offen.") % follow_up.title)
    return redirect(_next_url(request, reverse("meetings:tasks")))


@require_http_methods(["GET", "POST"])
def follow_up_reschedule(request, pk):
    """Fälligkeit ändern (the responsible person or a coordinator); back to where the link was."""
    follow_up = get_object_or_404(FollowUp.objects.with_relations(), pk=pk)
    require(policy.can_change_follow_up(request.user, follow_up))
    back = _next_url(request, reverse("meetings:tasks"))
    due_on = follow_up.due_on  # as stored: a refused form must not show its date as current
    form = FollowUpRescheduleForm(request.POST or None, instance=follow_up)
    if request.method == "POST" and form.is_valid():
        services.follow_up_reschedule(
            follow_up=follow_up, due_on=form.cleaned_data["due_on"], by=request.user
        )
        messages.success(
            request,
            _("Die Aufgabe „%(title)s“ ist jetzt am %(date)s fällig.")
            % {
                "title": follow_up.title,
                "date": date_format(follow_up.due_on, "SHORT_DATE_FORMAT"),
            },
        )
        return redirect(back)
    return render(
        request,
        "meetings/follow_up_reschedule.html",
        {"nav": "meetings", "form": form, "follow_up": follow_up, "due_on": due_on, "next": back},
        status=400 if request.method == "POST" else 200,
    )


@allowed_if(policy.can_view_meetings)
def tasks(request):
    """Meine Aufgaben: every open follow-up of mine, my department's, and (coordinators) all
    overdue ones."""
    person = selectors.person_of(request.user)
    return render(
        request,
        "meetings/tasks.html",
        {
            "nav": "meetings",
            "tasks": selectors.my_tasks(person, limit=selectors.TASK_PAGE_LIMIT),
            "department_open": selectors.department_open(person, selectors.TASK_PAGE_LIMIT),
            "all_overdue": (
                selectors.all_overdue(limit=selectors.TASK_PAGE_LIMIT)
                if policy.can_view_all_overdue(request.user)
                else None
            ),
            "person": person,
            "today": timezone.localdate(),
        },
    )


def _measure_anchor(measure):
    return reverse("measures:detail", args=[measure.pk]) + "#kommentare"


@require_POST
def comment_create(request, pk):
    measure = get_object_or_404(Measure, pk=pk)
    require(policy.can_comment(request.user, measure))
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        services.comment_create(measure=measure, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, _("Ihr Kommentar wurde veröffentlicht."))
    else:
        messages.error(request, _("Bitte schreiben Sie einen Kommentar (höchstens 4.000 Zeichen)."))
    return redirect(_measure_anchor(measure))


@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("measure"), pk=pk)
    require(policy.can_edit_comment(request.user, comment))
    form = CommentForm(request.POST if request.method == "POST" else None, instance=comment)
    if request.method == "POST" and form.is_valid():
        services.comment_update(comment=comment, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, _("Ihr Kommentar wurde geändert."))
        return redirect(_measure_anchor(comment.measure))
    return render(
        request,
        "meetings/comment_form.html",
        {"nav": "measures", "form": form, "comment": comment},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def comment_withdraw(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("measure"), pk=pk)
    require(policy.can_withdraw_comment(request.user, comment))
    services.comment_withdraw(comment=comment, by=request.user)
    messages.success(request, _("Ihr Kommentar wurde zurückgezogen."))
    return redirect(_measure_anchor(comment.measure))


@require_POST
def comment_hide(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("measure"), pk=pk)
    require(policy.can_hide_comment(request.user, comment))
    hidden = request.POST.get("hidden", "1") != "0"
    services.comment_set_hidden(comment=comment, hidden=hidden, by=request.user)
    if hidden:
        messages.success(request, _("Der Kommentar ist ausgeblendet."))
    else:
        messages.success(request, _("Der Kommentar ist wieder sichtbar."))
    return redirect(_measure_anchor(comment.measure))


def _calendar_url(user) -> str:
    """The user's secret calendar address on SITE_URL, or "" while they have none."""
    subscription = CalendarSubscription.objects.filter(user=user).first()
    return site_url() + subscription.get_absolute_url() if subscription else ""


@require_http_methods(["GET", "POST"])
@allowed_if(policy.can_edit_profile)
def profile(request):
    """The person's profile: who they are in the network, and whether they get the digest."""
    setting = DigestSetting.objects.filter(user=request.user).first() or DigestSetting(
        user=request.user
    )
    form = DigestSettingForm(request.POST if request.method == "POST" else None, instance=setting)
    if request.method == "POST" and form.is_valid():
        setting = form.save(commit=False)
        setting._history_user = request.user
        setting.save()
        if setting.weekly_digest:
            messages.success(request, _("Sie erhalten die wöchentliche Zusammenfassung."))
        else:
            messages.success(request, _("Die wöchentliche Zusammenfassung ist abgeschaltet."))
        return redirect("meetings:profile")
    return render(
        request,
        "meetings/profile.html",
        {
            "nav": "profile",
            "form": form,
            "person": selectors.person_of(request.user),
            "calendar_url": _calendar_url(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe of the weekly digest (RFC 8058), without logging in.

    The signed token in the address is the authority (`digest.unsubscribe_token`), so the
    POST that mail programs send has no CSRF token and needs none. GET only asks, as link
    scanners of mail servers open every link: it shows a button that POSTs here.
    """
    user = digest.user_for_unsubscribe_token(token)
    if user is None:
        raise Http404(_("Dieser Abmeldelink ist ungültig."))
    done = request.method == "POST"
    if done:
        digest.unsubscribe(user)
    return render(request, "meetings/unsubscribe.html", {"done": done, "email": user.email})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, key):
    """A person's calendar subscription (`calendar.feed_ics`), opened by calendar programs
    without a session: the secret key in the address is the authority. A renewed or
    switched-off key, or an account that lost its role, answers 404."""
    subscription = (
        CalendarSubscription.objects.select_related("user").filter(key=key).first()
        if len(key) <= 64
        else None
    )
    if subscription is None or not policy.can_view_meetings(subscription.user):
        raise Http404(_("Diese Kalenderadresse gilt nicht mehr."))
    now = timezone.now()
    meetings, follow_ups = selectors.calendar_feed(subscription.user, now)
    body = calendar.feed_ics(
        name=_("Präventionsnetz: %(name)s")
        % {"name": subscription.user.get_full_name() or subscription.user.email},
        meetings=meetings,
        follow_ups=follow_ups,
        site_url=site_url(),
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="praeventionsnetz.ics"'
    # A secret address: neither shared caches nor search engines keep it.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def calendar_subscription(request):
    """Create or renew (`renew`) or switch off (`revoke`) the user's calendar address."""
    require(policy.can_view_meetings(request.user))
    if request.POST.get("action") == "revoke":
        services.calendar_key_revoke(user=request.user)
        messages.success(request, _("Die Kalenderadresse ist abgeschaltet."))
    else:
        services.calendar_key_renew(user=request.user)
        messages.success(
            request,
            _(
                "Ihre neue Kalenderadresse steht unten. Eine frühere Adresse gilt nicht mehr: "
                "tragen Sie die neue in Ihrem Kalenderprogramm ein."
            ),
        )
    return redirect(reverse("meetings:profile") + "#calendar-heading")
