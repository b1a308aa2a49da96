"""Forms of meetings, decisions, follow-ups, comments and the digest setting.

Text is normalised through `core.text` before it is checked and stored (STYLE.md habit 14).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from praevention.core import periods
from praevention.core.forms import (
    NormalizedModelForm,
    SafeModelChoiceField,
    SafeModelMultipleChoiceField,
)
from praevention.core.text import normalize_line, normalize_text
from praevention.measures.models import Measure, validate_plausible_year
from praevention.meetings.models import Comment, Decision, DigestSetting, FollowUp, Meeting
from praevention.network.models import Department, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _persons():
    return Person.objects.select_related("user", "department").filter(user__is_active=True)


class PersonChoiceField(SafeModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.user} ({person.department.short_name})"


class PersonMultipleChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, person):
        return f"{person.user} ({person.department.short_name})"


class MeasureTitleInput(forms.TextInput):
    """A text input that suggests measure titles while typing (htmx fills the page's
    `<datalist id="measure-titles">`); without JavaScript the exact title is typed."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "list": "measure-titles",
                "autocomplete": "off",
                "hx-get": reverse_lazy("meetings:measure_titles"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#measure-titles",
                "hx-swap": "innerHTML",
                **(attrs or {}),
            }
        )


class MeasureByTitleField(forms.CharField):
    """A measure chosen by its title, not from a list: a network may hold thousands of
    measures, too many for a select. Matches the title whatever its case or invisible
    characters; only measures that are not archived."""

    widget = MeasureTitleInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        title = normalize_line(super().clean(value) or "")
        if not title:
            return None
        measure = Measure.objects.active().filter(title__iexact=title).only("title").first()
        if measure is None:
            raise ValidationError(
                _(
                    "Keine Maßnahme heißt „%(title)s“. Bitte den Titel so eingeben, wie er in "
                    "der Liste der Maßnahmen steht (Vorschläge erscheinen beim Tippen)."
                ),
                code="unknown_measure",
                params={"title": title[:200]},
            )
        return measure


class NormalizedTextForm(NormalizedModelForm):
    """Normalises the listed text fields (core.forms.NormalizedModelForm does the rest)."""

    LINE_FIELDS: tuple = ()
    TEXT_FIELDS: tuple = ()

    def normalizers(self):
        return {
            **dict.fromkeys(self.LINE_FIELDS, normalize_line),
            **dict.fromkeys(self.TEXT_FIELDS, normalize_text),
        }


class PlausibleDatesMixin:
    """Dates and times of meetings and follow-ups lie in the plausible years of the whole app
    (`measures.models.validate_plausible_year`, 1990–2100): a slip such as year 0001 is a
    German field error, never stored."""

    plausible_date_fields = ("starts_at", "ends_at", "due_on")

    def clean(self):
        cleaned = super().clean()
        for name in self.plausible_date_fields:
            value = cleaned.get(name)
            if value is None:
                continue
            try:
                validate_plausible_year(value)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned


class FollowUpRescheduleForm(PlausibleDatesMixin, forms.ModelForm):
    """Fälligkeit ändern: the due date only; a task done is reopened first."""

    class Meta:
        model = FollowUp
        fields = ["due_on"]
        widgets = {"due_on": DATE}

    DONE_MESSAGE = _("Eine erledigte Aufgabe hat keine Fälligkeit mehr: erst wieder öffnen.")

    def clean(self):
        cleaned = super().clean()
        if not self.instance.is_open:
            raise ValidationError(self.DONE_MESSAGE)
        return cleaned


class MeetingForm(PlausibleDatesMixin, NormalizedTextForm):
    LINE_FIELDS = ("title", "place")
    TEXT_FIELDS = ("agenda", "notes")

    class Meta:
        model = Meeting
        fields = [
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "participants",
            "agenda",
            "notes",
        ]
        field_classes = {"participants": PersonMultipleChoiceField}
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "participants": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _persons().filter(is_core_team=True)

    def clean(self):
        cleaned = super().clean()
        if periods.ends_before_start(cleaned.get("starts_at"), cleaned.get("ends_at")):
            self.add_error("ends_at", periods.END_BEFORE_START)
        return cleaned


class DecisionForm(NormalizedTextForm):
    """A decision; up to three measures it concerns, entered by title."""

    TEXT_FIELDS = ("text",)
    MEASURE_FIELDS = ("measure_1", "measure_2", "measure_3")

    measure_1 = MeasureByTitleField(label=_("Maßnahme 1"))
    measure_2 = MeasureByTitleField(label=_("Maßnahme 2"))
    measure_3 = MeasureByTitleField(label=_("Maßnahme 3"))

    class Meta:
        model = Decision
        fields = ["text", "departments"]
        field_classes = {"departments": SafeModelMultipleChoiceField}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.all()
        self.order_fields(["text", *self.MEASURE_FIELDS, "departments"])

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in self.MEASURE_FIELDS]
        cleaned["measures"] = list({m.pk: m for m in chosen if m is not None}.values())
        return cleaned


class FollowUpForm(PlausibleDatesMixin, NormalizedTextForm):
    """A follow-up; its department is the responsible person's unless chosen otherwise."""

    LINE_FIELDS = ("title",)

    measure = MeasureByTitleField(label=_("Maßnahme"))

    class Meta:
        model = FollowUp
        fields = ["title", "responsible", "department", "due_on", "decision"]
        field_classes = {
            "responsible": PersonChoiceField,
            "department": SafeModelChoiceField,
            "decision": SafeModelChoiceField,
        }
        widgets = {
            "due_on": DATE,
        }

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _persons()
        self.fields["department"].required = False
        self.fields["department"].help_text = _(
            "leer lassen: der Fachbereich der verantwortlichen Person"
        )
        self.order_fields(["title", "responsible", "department", "due_on", "measure", "decision"])
        decisions = Decision.objects.filter(is_archived=False)
        self.fields["decision"].queryset = (
            decisions.filter(meeting=meeting) if meeting else decisions.none()
        )
        if meeting is None:
            del self.fields["decision"]
        for name in ("responsible", "department", "decision"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        responsible = cleaned.get("responsible")
        if responsible and not cleaned.get("department"):
            cleaned["department"] = responsible.department
        return cleaned


class CommentForm(NormalizedTextForm):
    TEXT_FIELDS = ("text",)

    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Ihr Kommentar oder Ihre Frage")}


class DigestSettingForm(forms.ModelForm):
    class Meta:
        model = DigestSetting
        fields = ["weekly_digest"]
