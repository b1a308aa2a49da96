"""The three roles of the network, stored as Django groups by a data migration."""

from django.utils.translation import gettext_lazy as _

KERNTEAM = "Kernteam"
KOORDINATION = "Koordination"
ADMIN = "Admin"

ALL = [KERNTEAM, KOORDINATION, ADMIN]

LABELS = {
    KERNTEAM: _("Kernteam"),
    KOORDINATION: _("Koordination"),
    ADMIN: _("Admin"),
}
