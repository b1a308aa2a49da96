"""Forms of meetings, decisions, follow-ups, comments and the digest setting.

Text is normalised through `core.text` before it is checked and stored (STYLE.md habit 14).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from praevention.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from praevention.core.text import normalize_line, normalize_text
from praevention.measures.models import Measure
from praevention.measures.widgets import Select
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


class NormalizedTextForm(forms.ModelForm):
    """Normalises the listed text fields; text that is empty afterwards counts as missing."""

    LINE_FIELDS: tuple = ()
    TEXT_FIELDS: tuple = ()

    def clean(self):
        cleaned = super().clean()
        for names, normalize in (
            (self.LINE_FIELDS, normalize_line),
            (self.TEXT_FIELDS, normalize_text),
        ):
            for name in names:
                value = cleaned.get(name)
                if value is None:
                    continue
                cleaned[name] = normalize(value)
                if not cleaned[name] and self.fields[name].required:
                    self.add_error(name, _("Bitte füllen Sie dieses Feld aus."))
        return cleaned


class MeetingForm(NormalizedTextForm):
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
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("Das Ende darf nicht vor dem Beginn liegen."))
        return cleaned


class DecisionForm(NormalizedTextForm):
    TEXT_FIELDS = ("text",)

    class Meta:
        model = Decision
        fields = ["text", "measures", "departments"]
        field_classes = {
            "measures": SafeModelMultipleChoiceField,
            "departments": SafeModelMultipleChoiceField,
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.SelectMultiple(attrs={"size": 6}),
            "departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = Measure.objects.active().only("title")
        self.fields["measures"].help_text = _("Mehrere mit Strg bzw. ⌘ auswählen")
        self.fields["departments"].queryset = Department.objects.all()


class FollowUpForm(NormalizedTextForm):
    """A follow-up; its department is the responsible person's unless chosen otherwise."""

    LINE_FIELDS = ("title",)

    class Meta:
        model = FollowUp
        fields = ["title", "responsible", "department", "due_on", "measure", "decision"]
        field_classes = {
            "responsible": PersonChoiceField,
            "department": SafeModelChoiceField,
            "measure": SafeModelChoiceField,
            "decision": SafeModelChoiceField,
        }
        widgets = {
            "due_on": DATE,
            "responsible": Select,
            "department": Select,
            "measure": Select,
            "decision": Select,
        }

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _persons()
        self.fields["department"].required = False
        self.fields["department"].help_text = _(
            "leer lassen: der Fachbereich der verantwortlichen Person"
        )
        self.fields["measure"].queryset = Measure.objects.active().only("title")
        decisions = Decision.objects.filter(is_archived=False)
        self.fields["decision"].queryset = (
            decisions.filter(meeting=meeting) if meeting else decisions.none()
        )
        if meeting is None:
            del self.fields["decision"]
        for name in ("responsible", "department", "measure", "decision"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        responsible = cleaned.get("responsible")
        if responsible and not cleaned.get("department"):
            cleaned["department"] = responsible.department
        return cleaned


class FollowUpDueForm(forms.ModelForm):
    """What the responsible person changes besides the status: the due date."""

    class Meta:
        model = FollowUp
        fields = ["due_on"]
        widgets = {"due_on": DATE}


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
