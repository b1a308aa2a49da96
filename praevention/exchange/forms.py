from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_upload_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def too_big_message():
    return _(
        "Die Datei ist zu groß: erlaubt sind höchstens %(size)s. Bitte die Datei aufteilen "
        "oder Bilder und weitere Tabellenblätter entfernen."
    ) % {"size": filesizeformat(max_upload_bytes())}


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes IMPORT_MAX_BYTES.

    Django would otherwise store any size in memory or a temporary file before the view can
    look at it. The file is skipped (not the connection reset), so the user gets a page
    that says why.
    """

    def __init__(self, request=None, limit=None):
        super().__init__(request)
        self.limit = limit if limit is not None else max_upload_bytes()
        self.too_big = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_big = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Datei (CSV oder Excel)"),
        help_text=gettext_lazy("Eine .csv- oder .xlsx-Datei, höchstens %(size)s."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": gettext_lazy("Bitte eine Datei auswählen."),
            "empty": gettext_lazy("Die Datei ist leer."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": filesizeformat(max_upload_bytes())
        }
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = reverse("exchange:import")
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(
            "file", Submit("submit", _("Datei prüfen"), css_class="btn btn-primary")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_big_message(), code="too_big")
        return upload
