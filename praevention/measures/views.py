from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView

from praevention.accounts.policy import require
from praevention.measures import policy, search_views, services
from praevention.measures.filters import MeasureFilter
from praevention.measures.forms import MeasureForm, ParticipationFormSet
from praevention.measures.history import measure_history
from praevention.measures.models import Measure, Participation


def _measure(pk):
    return get_object_or_404(Measure.objects.with_relations(), pk=pk)


class MeasureListView(ListView):
    """The filterable list; htmx asks for the results part only, without JS the whole page."""

    template_name = "measures/measure_list.html"
    context_object_name = "measures"
    paginate_by = 25
    extra_context = {"nav": "measures"}

    def dispatch(self, request, *args, **kwargs):
        require(policy.can_view(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and not self.request.headers.get(
            "HX-History-Restore-Request"
        ):
            return ["measures/_results.html"]
        return [self.template_name]

    def get_queryset(self):
        self.filterset = MeasureFilter(
            self.request.GET,
            queryset=MeasureFilter.base_queryset().for_table(),
        )
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        """Like ListView's, but a page number beyond the end or not a number shows the nearest
        page (Django's `Paginator.get_page`) instead of a 404: a bookmarked page 3 of a list
        that has since become shorter still opens."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            query_string=query.urlencode(),
            can_create=policy.can_create(self.request.user),
            can_publish=policy.can_publish(self.request.user),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.errors:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


def detail(request, pk):
    measure = get_object_or_404(Measure.objects.for_detail(), pk=pk)
    require(policy.can_view(request.user, measure))
    return render(
        request,
        "measures/measure_detail.html",
        {
            "nav": "measures",
            "measure": measure,
            "can_edit": policy.can_edit(request.user, measure),
            "can_confirm": policy.can_confirm(request.user, measure),
            "can_publish": policy.can_publish(request.user),
            "publication": measure.publication_changes.select_related("changed_by").last(),
        },
    )


def _render_form(request, measure, form, formset, status=200, stale=None):
    if measure is None:
        search_views.offer_duplicate_hint(form)
    return render(
        request,
        "measures/measure_form.html",
        {"nav": "measures", "measure": measure, "form": form, "formset": formset, "stale": stale},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def create(request):
    require(policy.can_create(request.user))
    measure = Measure()
    if request.method == "GET":
        person = getattr(request.user, "person", None)
        initial = (
            [{"department": person.department, "role": Participation.Role.LEAD}] if person else []
        )
        form = MeasureForm(instance=measure)
        formset = ParticipationFormSet(instance=measure, initial=initial)
        return _render_form(request, None, form, formset)

    form = MeasureForm(request.POST, instance=measure)
    formset = ParticipationFormSet(request.POST, instance=measure)
    if form.is_valid() and formset.is_valid():
        try:
            measure = services.save_or_explain(
                lambda: services.measure_create(
                    measure=form.instance,
                    m2m=form.m2m_data(),
                    participations=formset.participations(),
                    by=request.user,
                )
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Maßnahme „%s“ wurde angelegt.") % measure.title)
            return redirect(measure)
    return _render_form(request, None, form, formset, status=400)


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    measure = _measure(pk)
    require(policy.can_edit(request.user, measure))
    if measure.is_archived:
        messages.warning(request, _("Archivierte Maßnahmen bitte zuerst wiederherstellen."))
        return redirect(measure)
    if request.method == "GET":
        form = MeasureForm(instance=measure)
        formset = ParticipationFormSet(instance=measure)
        return _render_form(request, measure, form, formset)

    form = MeasureForm(request.POST, instance=measure)
    formset = ParticipationFormSet(request.POST, instance=measure)
    if form.is_valid() and formset.is_valid():
        try:
            services.save_or_explain(
                lambda: services.measure_update(
                    measure=form.instance,
                    m2m=form.m2m_data(),
                    participations=formset.participations(),
                    expected_version=form.cleaned_data["version"],
                    by=request.user,
                )
            )
        except services.StaleMeasureError as stale:
            # Keep what the user typed; a deliberate second save is based on the new version.
            form.data = form.data.copy()
            form.data["version"] = stale.measure.version
            return _render_form(request, stale.measure, form, formset, status=409, stale=stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect(measure)
    return _render_form(request, measure, form, formset, status=400)


def _archive_view(request, pk, archived):
    measure = _measure(pk)
    check = policy.can_archive if archived else policy.can_restore
    require(check(request.user, measure))
    if request.method == "POST":
        try:
            services.measure_set_archived(measure=measure, archived=archived, by=request.user)
        except ValidationError as busy:
            messages.error(request, " ".join(busy.messages))
            return redirect(measure)
        if archived:
            messages.success(request, _("Die Maßnahme wurde archiviert."))
        else:
            messages.success(request, _("Die Maßnahme wurde wiederhergestellt."))
        return redirect(measure)
    return render(
        request,
        "measures/measure_confirm_archive.html",
        {"nav": "measures", "measure": measure, "archiving": archived},
    )


@require_http_methods(["GET", "POST"])
def archive(request, pk):
    return _archive_view(request, pk, archived=True)


@require_http_methods(["GET", "POST"])
def restore(request, pk):
    return _archive_view(request, pk, archived=False)


def history(request, pk):
    measure = get_object_or_404(Measure, pk=pk)
    require(policy.can_view_history(request.user, measure))
    change_sets = list(reversed(measure_history(measure)))
    return render(
        request,
        "measures/measure_history.html",
        {"nav": "measures", "measure": measure, "change_sets": change_sets},
    )


@require_http_methods(["POST"])
def confirm(request, pk):
    """One click by the lead: the entry is still right (`zuletzt bestätigt am` = now)."""
    measure = get_object_or_404(Measure, pk=pk)
    require(policy.can_confirm(request.user, measure))
    services.measure_confirm(measure=measure, by=request.user)
    messages.success(request, _("Danke! Der Eintrag ist als aktuell bestätigt."))
    return redirect(measure)


@require_http_methods(["POST"])
def publish(request):
    """Coordinators mark the chosen measures "öffentlich" for the HSDS API, or take the mark
    back (`public` = 1 or 0), from the list in bulk or from a measure's page. Raises no
    version: an edit open meanwhile saves without a conflict."""
    require(policy.can_publish(request.user))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("measures:list")
    public = request.POST.get("public")
    ids = request.POST.getlist("measure")
    if public not in ("0", "1") or not all(value.isdigit() for value in ids):
        messages.error(request, _("Die Auswahl war ungültig; es wurde nichts geändert."))
        return redirect(back)
    if not ids:
        messages.error(request, _("Bitte mindestens eine Maßnahme auswählen."))
        return redirect(back)
    changed = services.measures_set_public(
        measure_ids=[int(value) for value in ids], public=public == "1", by=request.user
    )
    if public == "1":
        text = ngettext(
            "%(count)d Maßnahme ist jetzt öffentlich.",
            "%(count)d Maßnahmen sind jetzt öffentlich.",
            changed,
        )
    else:
        text = ngettext(
            "%(count)d Maßnahme ist nicht mehr öffentlich.",
            "%(count)d Maßnahmen sind nicht mehr öffentlich.",
            changed,
        )
    messages.success(request, text % {"count": changed})
    return redirect(back)
