from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from praevention.catalog.models import SocialSpace
from praevention.core import periods
from praevention.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from praevention.measures import rules
from praevention.measures.models import FIRST_YEAR, LAST_YEAR, Measure, Participation
from praevention.network.models import Department, Person

# The browser offers only plausible years (measures.models.FIRST_YEAR … LAST_YEAR).
DATE = forms.DateInput(
    attrs={"type": "date", "min": f"{FIRST_YEAR}-01-01", "max": f"{LAST_YEAR}-12-31"},
    format="%Y-%m-%d",
)


def grouped_social_spaces(spaces):
    """Choices for the social-space select: the Prognoseräume first, then one group per
    Bezirksregion holding the region itself and its Planungsräume (LOR numbers nest by prefix).
    One query: the spaces ordered by LOR number."""
    spaces = list(spaces)
    groups = [(_("Prognoseräume (ganzer Bereich)"), [])]
    regions = {}
    for space in spaces:
        label = f"{space.shown_number} {space.name}"
        if space.level in (SocialSpace.Level.BEZIRK, SocialSpace.Level.PROGNOSERAUM):
            groups[0][1].append((space.pk, label))
        elif space.level == SocialSpace.Level.BEZIRKSREGION:
            options = [(space.pk, _("%(label)s (ganze Bezirksregion)") % {"label": label})]
            regions[space.lor_number] = options
            groups.append((_("Bezirksregion %(label)s") % {"label": label}, options))
        else:
            parent = space.lor_number[: SocialSpace.LOR_LENGTH[SocialSpace.Level.BEZIRKSREGION]]
            target = regions.get(parent)
            if target is None:
                target = []
                regions[parent] = target
                groups.append((parent, target))
            target.append((space.pk, label))
    return groups


def measure_form_layout() -> Layout:
    """The measure form's sections (crispy-forms): basics; target groups, phases, spaces;
    reach and funding; contact, quality and evidence."""
    return Layout(
        Fieldset(
            _("Grunddaten"),
            "title",
            "summary",
            "description",
            Div(
                Div("status", css_class="col-md-4"),
                Div("start_date", css_class="col-md-4"),
                Div("end_date", css_class="col-md-4"),
                css_class="row",
            ),
            "poverty_focus",
            "version",
        ),
        Fieldset(
            _("Zielgruppen, Lebensphasen und Sozialräume"),
            Div(
                Div("target_groups", css_class="col-md-6"),
                Div("life_phases", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("social_spaces", css_class="col-md-6"),
                Div("fields_of_action", css_class="col-md-6"),
                css_class="row",
            ),
            "strategic_goals",
        ),
        Fieldset(
            _("Reichweite und Finanzierung"),
            Div(
                Div("reach_planned", css_class="col-md-6"),
                Div("reach_actual", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("budget_eur", css_class="col-md-4"),
                Div("funding_source", css_class="col-md-4"),
                Div("funding_ends_on", css_class="col-md-4"),
                css_class="row",
            ),
        ),
        Fieldset(
            _("Kontakt, Qualität und Evidenz"),
            "contact_person",
            "external_partners",
            "evidence_level",
            "good_practice_criteria",
            "evaluation_notes",
            "links",
        ),
    )


class MeasureForm(forms.ModelForm):
    """All fields of a measure; `version` carries the state the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Measure
        fields = [
            "title",
            "summary",
            "description",
            "status",
            "start_date",
            "end_date",
            "poverty_focus",
            "target_groups",
            "life_phases",
            "social_spaces",
            "fields_of_action",
            "strategic_goals",
            "reach_planned",
            "reach_actual",
            "budget_eur",
            "funding_source",
            "funding_ends_on",
            "contact_person",
            "external_partners",
            "evidence_level",
            "good_practice_criteria",
            "evaluation_notes",
            "links",
        ]
        field_classes = {
            **{name: SafeModelChoiceField for name in ["contact_person", "evidence_level"]},
            **{name: SafeModelMultipleChoiceField for name in Measure.M2M_FIELDS},
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "external_partners": forms.Textarea(attrs={"rows": 2}),
            "evaluation_notes": forms.Textarea(attrs={"rows": 3}),
            "links": forms.Textarea(attrs={"rows": 2}),
            "start_date": DATE,
            "end_date": DATE,
            "funding_ends_on": DATE,
            "poverty_focus": forms.RadioSelect,
            "target_groups": forms.CheckboxSelectMultiple,
            "life_phases": forms.CheckboxSelectMultiple,
            # 69 spaces: a native grouped list (type to jump to a name, Ctrl/Shift to pick more).
            "social_spaces": forms.SelectMultiple(attrs={"size": 14}),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "strategic_goals": forms.CheckboxSelectMultiple,
            "good_practice_criteria": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_person"].queryset = Person.objects.select_related(
            "user", "department"
        ).filter(user__is_active=True)
        self.fields["strategic_goals"].queryset = self.fields[
            "strategic_goals"
        ].queryset.select_related("field_of_action")
        self.fields["social_spaces"].queryset = self.fields["social_spaces"].queryset.order_by(
            "lor_number"
        )
        # Archived entries only where the measure has them (safety) – before the grouping,
        # so the grouped choices are built from the limited queryset; the queryset still
        # validates what is posted.
        self.instance.limit_catalog_choices(self.fields)
        self.fields["social_spaces"].choices = grouped_social_spaces(
            self.fields["social_spaces"].queryset
        )
        self.fields["social_spaces"].help_text = _(
            "Planungsraum, Bezirksregion oder Prognoseraum; mit Strg bzw. ⌘ mehrere wählen. "
            "Eine Maßnahme im Planungsraum zählt auch für seine Bezirksregion und seinen "
            "Prognoseraum."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = measure_form_layout()

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            # Hidden, so the message goes to the top of the form.
            raise forms.ValidationError(
                _("Das Formular ist unvollständig. Bitte laden Sie die Seite neu."),
                code="missing_version",
            )
        return version

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            for error in self.errors.pop("version"):
                self.add_error(None, error)
        if periods.ends_before_start(cleaned.get("start_date"), cleaned.get("end_date")):
            self.add_error("end_date", periods.END_BEFORE_START)
        return cleaned

    def m2m_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.M2M}

    M2M = set(Measure.M2M_FIELDS)


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["department", "role"]
        field_classes = {"department": SafeModelChoiceField}

    def validate_constraints(self):
        """The rules span all rows (one lead, no department twice): the formset checks them."""

    def validate_unique(self):
        """See validate_constraints."""


class BaseParticipationFormSet(BaseInlineFormSet):
    """Participating departments: exactly one lead, no department twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the department list of every row, not one per row.
        choices = [("", "---------")] + [
            (d.pk, d.name) for d in Department.objects.order_by("name").only("pk", "name")
        ]
        for form in self.forms:
            form.fields["department"].choices = choices

    def validate_unique(self):
        """Duplicates are reported by clean() in the users' words."""

    def active_forms(self):
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME))
            if form.cleaned_data.get("department")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        errors = rules.participation_errors(self.participations())
        if errors:
            raise forms.ValidationError(errors)

    def participations(self):
        """[(department, role)] the user wants, for the service."""
        return [(f.cleaned_data["department"], f.cleaned_data["role"]) for f in self.active_forms()]


ParticipationFormSet = inlineformset_factory(
    Measure,
    Participation,
    form=ParticipationForm,
    formset=BaseParticipationFormSet,
    fields=["department", "role"],
    extra=3,
    can_delete=True,
    max_num=30,
    validate_max=True,
)
