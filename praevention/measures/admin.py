"""Measures in the admin: participations edited as one set, archive instead of delete."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from praevention.measures import policy, rules, services
from praevention.measures.models import Measure, Participation, SearchSynonym
from praevention.measures.services import measure_set_archived
from praevention.network.models import Person

LEAD = Participation.Role.LEAD


class ParticipationInlineForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ("department", "role")

    def validate_constraints(self):
        # "One lead per measure" is checked across all rows by the formset. Checked per
        # row, the database still holds the old lead, so moving the lead would be refused:
        # the row's constraints are checked without `role` (and, as Django does, without the
        # fields the form lacks or that already failed).
        exclude = {
            field.name
            for field in Participation._meta.get_fields()
            if field.name not in self.fields or field.name in self.errors
        } | {"role"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            for name, errors in error.update_error_dict({}).items():
                self.add_error(name if name in self.fields else None, errors)


class ParticipationFormSet(BaseInlineFormSet):
    """The participations of one measure: exactly one lead, every department once."""

    # Set by ParticipationInline.get_formset: who saves, for the participation policy.
    user = None

    def participations(self):
        """[(department, role)] the rows will hold after the save."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("department") is None:
                continue
            rows.append((data["department"], data.get("role")))
        return rows

    def clean(self):
        if any(self.errors):
            return
        after = self.participations()
        errors = rules.participation_errors(after)
        if not errors and self.user is not None:
            before = []
            if self.instance.pk:
                before = services.stored_participations(self.instance.pk)
            errors = policy.participation_change_errors(self.user, before, after)
        if errors:
            raise ValidationError(errors)
        super().clean()

    def note_changes(self):
        """What `formset.save()` would note for the admin's change message; the rows are
        written by the services, not by the formset."""
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []

        def deleted(form):
            return bool(getattr(form, "cleaned_data", {}).get("DELETE"))

        for form in self.initial_forms:
            if deleted(form):
                self.deleted_objects.append(form.instance)
            elif form.has_changed():
                self.changed_objects.append((form.instance, form.changed_data))
        for form in self.extra_forms:
            if form.has_changed() and not deleted(form):
                self.new_objects.append(form.instance)

    @property
    def initial_forms(self):
        forms = super().initial_forms
        if getattr(self, "_saving_existing", False):
            # The old lead is written (deleted or demoted) before any other row, so the
            # partial unique index never sees two leads while the lead moves.
            forms = sorted(forms, key=lambda form: form.initial.get("role") != LEAD)
        return forms

    def save_existing_objects(self, commit=True):
        self._saving_existing = True
        try:
            return super().save_existing_objects(commit)
        finally:
            self._saving_existing = False


class ParticipationInline(admin.TabularInline):
    model = Participation
    form = ParticipationInlineForm
    formset = ParticipationFormSet
    fields = ("department", "role")
    autocomplete_fields = ("department",)

    def get_extra(self, request, obj=None, **kwargs):
        # A new measure starts with one empty row for its lead; existing ones have theirs.
        return 0 if obj is not None else 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The participation policy needs the saving user (measures/policy.py).
        formset.user = request.user
        return formset


class MeasureAdminForm(forms.ModelForm):
    """Refuses to save over a change made since the page was loaded (optimistic locking).

    Like the front end (`services.measure_update`), the check runs under the measure's row
    lock: the admin's change view is one transaction, so the lock taken in `clean()` holds
    until the save commits, and of two simultaneous saves of one version exactly one wins.
    """

    # No Meta: the admin builds it from the fieldsets.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read from the database: the history's revert form edits an old copy.
        self.stored_version = self._stored_version()
        self.fields["loaded_version"].initial = self.stored_version
        self.instance.limit_catalog_choices(self.fields)
        # A change without the version it started from cannot be checked: refused.
        self.fields["loaded_version"].required = self.stored_version is not None
        self.fields["loaded_version"].error_messages["required"] = _(
            "Das Formular ist unvollständig (die geladene Version fehlt). Bitte laden Sie die "
            "Seite neu."
        )

    def _stored_version(self):
        if not self.instance.pk:
            return None
        return Measure.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if "loaded_version" in self.errors:
            # Hidden, so the message goes to the top of the form.
            for error in self.errors.pop("loaded_version"):
                self.add_error(None, error)
            return cleaned_data
        loaded = cleaned_data.get("loaded_version")
        if self.stored_version is None:
            return cleaned_data
        if connection.in_atomic_block:
            # Held until the admin's transaction commits the save.
            current = services.lock_measure(self.instance.pk, self.instance.title)
        else:
            current = self._stored_version()
        self.stored_version = current
        if current != loaded:
            raise ValidationError(
                _(
                    "Diese Maßnahme wurde geändert, nachdem Sie die Seite geöffnet haben "
                    "(jetzt Version %(current)s, geöffnet Version %(loaded)s). Ihre "
                    "Änderungen wurden nicht gespeichert. Bitte laden Sie die Seite neu."
                ),
                params={"current": current, "loaded": loaded},
                code="stale",
            )
        return cleaned_data


class ParticipatingDepartmentFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("beteiligter Fachbereich")


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    form = MeasureAdminForm
    inlines = (ParticipationInline,)
    fieldsets = (
        (
            _("Grunddaten"),
            {
                "fields": (
                    "title",
                    "summary",
                    "description",
                    "status",
                    ("start_date", "end_date"),
                    "poverty_focus",
                    "fields_of_action",
                    "strategic_goals",
                    "contact_person",
                    "external_partners",
                    "links",
                )
            },
        ),
        (
            _("Zielgruppen und Räume"),
            {"fields": ("target_groups", "life_phases", "social_spaces")},
        ),
        (
            _("Finanzierung und Reichweite"),
            {
                "fields": (
                    ("reach_planned", "reach_actual"),
                    "budget_eur",
                    "funding_source",
                    "funding_ends_on",
                )
            },
        ),
        (
            _("Qualität und Evidenz"),
            {"fields": ("evidence_level", "good_practice_criteria", "evaluation_notes")},
        ),
        (
            _("Verwaltung"),
            {
                "fields": (
                    "is_archived",
                    "version",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "loaded_version",
                )
            },
        ),
    )
    readonly_fields = ("version", "created_by", "created_at", "updated_at")
    filter_horizontal = (
        "target_groups",
        "life_phases",
        "fields_of_action",
        "good_practice_criteria",
    )
    autocomplete_fields = ("social_spaces", "strategic_goals", "contact_person")

    list_display = ("title", "status", "lead_department", "is_archived", "updated_at")
    list_filter = (
        "status",
        "is_archived",
        "poverty_focus",
        "evidence_level",
        ("participations__department", ParticipatingDepartmentFilter),
    )
    search_fields = ("title", "summary")
    search_help_text = _("Suche nach Titel oder Kurzbeschreibung")
    ordering = ("title",)
    actions = ("archive", "restore")

    def get_queryset(self, request):
        # The lead's name comes with the row (and sorts the column) instead of a query per row.
        return super().get_queryset(request).with_lead_name()

    @admin.display(description=_("Federführung"), ordering="lead_name")
    def lead_department(self, measure):
        return measure.lead_name or ""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contact_person":
            # The selected person is shown by name and department: one query, not three.
            kwargs["queryset"] = Person.objects.select_related("user", "department")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # The object-level rule of the front end: core-team members their department's.
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return policy.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        """Measures are archived, not deleted; only a superuser may remove one for good."""
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # Participations go with their measure, the lead included: a superuser deleting
        # the measure needs no right to delete a lead row on its own.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(Participation._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        # Nothing is written yet: the one writer saves the measure with its links and
        # participations in `save_related`. The history's revert view calls only
        # `form.save_m2m()` after this, so that call writes (participations as stored).
        form.save_m2m = lambda: self._write(request, form, None, change)

    def save_related(self, request, form, formsets, change):
        participations = None
        for formset in formsets:
            if isinstance(formset, ParticipationFormSet):
                participations = formset.participations()
                formset.note_changes()
        self._write(request, form, participations, change)

    def _write(self, request, form, participations, change):
        """Save through the services, like the front end: one version, one history record."""
        measure = form.instance
        m2m = {
            name: form.cleaned_data[name]
            for name in Measure.M2M_FIELDS
            if name in form.cleaned_data
        }
        if not change:
            services.measure_create(
                measure=measure, m2m=m2m, participations=participations or [], by=request.user
            )
            return
        if participations is None:
            participations = [
                (p.department, p.role) for p in measure.participations.select_related("department")
            ]
        services.measure_update(
            measure=measure,
            m2m=m2m,
            participations=participations,
            expected_version=form.stored_version,
            by=request.user,
        )

    def _set_archived(self, request, queryset, archived):
        changed = 0
        for measure in queryset:
            if measure.is_archived != archived:
                try:
                    measure_set_archived(measure=measure, archived=archived, by=request.user)
                except ValidationError as busy:
                    self.message_user(request, " ".join(busy.messages), messages.ERROR)
                    continue
                self.log_change(
                    request,
                    measure,
                    _("Archiviert.") if archived else _("Wiederhergestellt."),
                )
                changed += 1
        return changed

    @admin.action(description=_("Ausgewählte Maßnahmen archivieren"), permissions=["change"])
    def archive(self, request, queryset):
        changed = self._set_archived(request, queryset, archived=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d Maßnahme wurde archiviert.",
                "%(count)d Maßnahmen wurden archiviert.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Ausgewählte Maßnahmen wiederherstellen"), permissions=["change"])
    def restore(self, request, queryset):
        changed = self._set_archived(request, queryset, archived=False)
        self.message_user(
            request,
            ngettext(
                "%(count)d Maßnahme wurde wiederhergestellt.",
                "%(count)d Maßnahmen wurden wiederhergestellt.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )


class ParticipationAdminForm(forms.ModelForm):
    # Set by ParticipationAdmin.get_form: who saves, for the participation policy.
    user = None

    class Meta:
        model = Participation
        fields = ("measure", "department", "role")

    def clean(self):
        cleaned_data = super().clean()
        measure = cleaned_data.get("measure") or getattr(self.instance, "measure", None)
        department = cleaned_data.get("department")
        if self.user is None or measure is None or department is None:
            return cleaned_data
        before = services.stored_participations(measure.pk)
        after = [(d, r) for d, r in before if d != self.instance.department_id]
        after = [(d, r) for d, r in after if d != department.pk]
        after.append((department.pk, cleaned_data.get("role")))
        errors = policy.participation_change_errors(self.user, before, after)
        if errors:
            raise ValidationError(errors)
        return cleaned_data

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.instance.pk and self.initial.get("role") == LEAD and role != LEAD:
            # Alone, this row cannot hand the lead on: the measure would have none.
            raise ValidationError(
                _(
                    "Die Federführung wechseln Sie auf der Seite der Maßnahme, damit sie "
                    "nie ohne Federführung ist."
                ),
                code="lead_required",
            )
        return role


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    """Single participations; the lead itself moves only on the measure's page."""

    form = ParticipationAdminForm
    list_display = ("measure", "department", "role", "updated_at")
    list_filter = ("role", "department")
    list_select_related = ("measure", "department")
    search_fields = ("measure__title", "department__name", "department__short_name")
    search_help_text = _("Suche nach Maßnahme oder Fachbereich")
    autocomplete_fields = ("measure", "department")
    ordering = ("measure__title", "department__name")

    def get_readonly_fields(self, request, obj=None):
        # Moving a row to another measure could leave the old one without its lead.
        return ("measure",) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # the participation policy asks who saves
        return form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return policy.can_edit(request.user, obj.measure)

    def has_delete_permission(self, request, obj=None):
        # Without an object this is the bulk delete, which cannot tell leads from
        # partners; a lead row alone would leave its measure without a lead.
        if obj is None or obj.role == LEAD:
            return False
        if not super().has_delete_permission(request, obj):
            return False
        # Removing another department is the lead department's (measures/policy.py).
        before = services.stored_participations(obj.measure_id)
        after = [(d, r) for d, r in before if d != obj.department_id]
        return not policy.participation_change_errors(request.user, before, after)


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Coordinators keep the search's synonyms and abbreviations (one group per entry)."""

    list_display = ["__str__", "updated_at"]
    search_fields = ["terms"]
    ordering = ["terms"]
    fields = ["terms"]
