"""One rule for every period of the app (a measure's run, a meeting): the end is never before
the start. The database holds it as a check constraint, the forms say it at the end field –
both from here, in one wording."""

import datetime
from typing import TypeVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

END_BEFORE_START = _("Das Ende darf nicht vor dem Beginn liegen.")

When = TypeVar("When", datetime.date, datetime.datetime)


def end_not_before_start(
    *, start: str, end: str, name: str, start_optional: bool = True
) -> models.CheckConstraint:
    """The constraint: `end` is empty (or `start` is, when it may be) or not before `start`."""
    condition = Q(**{f"{end}__isnull": True})
    if start_optional:
        condition |= Q(**{f"{start}__isnull": True})
    condition |= Q(**{f"{end}__gte": F(start)})
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=END_BEFORE_START
    )


def ends_before_start(start: When | None, end: When | None) -> bool:
    """True when both are given and `end` lies before `start` (forms then show END_BEFORE_START
    at the end field)."""
    return start is not None and end is not None and end < start
