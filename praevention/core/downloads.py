"""Heavy downloads take one of the user's slots: a bounded number per account at a time.

Three XLSX exports of one account once held every worker for 100 s, and a colleague's page
did not load (issue #28, item 6). A slot is a row in `core_downloadslot`, not a cache entry,
so no eviction can hand out more; a slot is freed when the download's response is closed
(streamed ones after their last byte), when its background job ends, or, should a worker die,
after `DOWNLOAD_SLOT_SECONDS`.
"""

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.core.exporters import Exporter
from praevention.core.models import DownloadSlot


def acquire(
    user: AbstractBaseUser, exporter: Exporter, *, seconds: int | None = None
) -> DownloadSlot | None:
    """A new slot for `user`, or None when they hold DOWNLOADS_PER_USER unexpired ones.

    The user's row is locked while counting, so two requests at the same moment cannot both
    take the last slot. `seconds`: how long the slot lives at most (DOWNLOAD_SLOT_SECONDS).
    """
    now = timezone.now()
    lifetime = timedelta(seconds=seconds or settings.DOWNLOAD_SLOT_SECONDS)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        running = DownloadSlot.objects.filter(user_id=user.pk, expires_at__gt=now)
        if running.count() >= settings.DOWNLOADS_PER_USER:
            return None
        return DownloadSlot.objects.create(
            user_id=user.pk, exporter=exporter.key, expires_at=now + lifetime
        )


def release(slot: DownloadSlot) -> None:
    """Free `slot`, and remove slots that expired (a worker died); freeing twice is harmless."""
    DownloadSlot.objects.filter(Q(pk=slot.pk) | Q(expires_at__lte=timezone.now())).delete()


def too_many() -> HttpResponse:
    """The German 429: how many downloads may run at once, and to wait."""
    message = _(
        "Sie haben bereits %(count)d Downloads gleichzeitig laufen. Bitte warten Sie, bis "
        "einer fertig ist, und versuchen Sie es dann erneut."
    ) % {"count": settings.DOWNLOADS_PER_USER}
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "10"
    return response


class _Releasing:
    """The streamed chunks, then the slot freed: when the response is closed (Django calls
    `close` of the content it streams, also when the client leaves early)."""

    def __init__(self, chunks: Iterable[Any], slot: DownloadSlot) -> None:
        self.chunks = chunks
        self.slot: DownloadSlot | None = slot

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self.chunks
        finally:
            self.close()

    def close(self) -> None:
        if self.slot is not None:
            release(self.slot)
            self.slot = None


def download(
    user: AbstractBaseUser, exporter: Exporter, subject: Any, *, filename: str
) -> HttpResponseBase:
    """`exporter.response(subject)`, holding one of the user's slots while it is made and
    sent when the exporter is heavy; the German 429 (`too_many`) when none is free."""
    if not exporter.heavy:
        return exporter.response(subject, filename=filename)
    slot = acquire(user, exporter)
    if slot is None:
        return too_many()
    try:
        content = exporter.render(subject)
    except BaseException:
        release(slot)
        raise
    if isinstance(content, bytes):
        release(slot)
        return exporter.attachment(content, filename=filename)
    return exporter.attachment(_Releasing(content, slot), filename=filename)
