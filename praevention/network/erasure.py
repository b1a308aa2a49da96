"""Erasing a person as the GDPR and the BlnDSG expect (issue #28, fault 8): pseudonymised,
not deleted, so what they wrote stays and is signed "ehemalige Person".

`person_pseudonymise` replaces name, e-mail address, phone and function in the live tables
and in the history tables (django-simple-history), rewrites the admin's log entries that
name them, deletes their login records (django-axes) and sessions, and deactivates the
account (no usable password). Their comments, decisions, follow-ups and measure edits stay,
linked to the pseudonymised account. Frozen report editions keep what they printed: they are
the committee's record and are never edited (editions/models.py); the admin action says so.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils.translation import gettext as _

from praevention.accounts.addresses import canonical_email
from praevention.accounts.models import User
from praevention.network.models import Person

FORMER = "ehemalige Person"


def _former_address(user_pk: int) -> str:
    # Unique (an account keeps its row) and undeliverable (.invalid, RFC 2606).
    return f"ehemalige-person-{user_pk}@geloescht.invalid"


def _record_by(obj, by):
    # django-simple-history's documented way to name who made the next history row.
    obj._history_user = by


@transaction.atomic
def person_pseudonymise(*, person: Person, by: User | None) -> Person:
    """Replace everything that identifies `person` (and their account) by "ehemalige Person".

    Idempotent. Returns the person as stored afterwards.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    user = User.objects.select_for_update().get(pk=person.user_id)
    address = canonical_email(user.email)
    login_names = {user.email, address}

    user.first_name = ""
    user.last_name = FORMER
    user.email = _former_address(user.pk)
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()

    person = Person.objects.get(pk=person.pk)
    person.function = ""
    person.phone = ""
    person.is_core_team = False
    _record_by(person, by)
    person.save()
    # The history keeps the rows (who changed what, when) without the personal data.
    Person.history.filter(id=person.pk).update(function="", phone="")

    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        model.objects.filter(username__in=login_names).delete()
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=FORMER)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=f"{FORMER} ({person.department.short_name})")
    return person


def frozen_editions_note() -> str:
    return _(
        "Festgeschriebene Ausgaben des Berichts behalten, was sie gedruckt haben: Sie sind das "
        "Protokoll des Ausschusses und werden nie geändert."
    )
