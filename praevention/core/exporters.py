"""Every download is an exporter in one registry: views, background jobs and the API look it up.

An app registers its exporters in its `AppConfig.ready()` (`register(Exporter(...))`); a
view asks `get(key)` for it, checks `exporter.allowed(user)` and answers with
`exporter.response(subject, filename=...)`. So the list exports (CSV, XLSX, HSDS JSON), the
report (XLSX, PDF) and the frozen editions' files are found in one place, and a new front end
(a background job, the API) offers exactly what the pages offer, under the same permission.

The registry sits in `core` so that every app above it can register; it imports none of them
(STYLE.md, habit 18; issue #22, item 7).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.utils.functional import Promise

Content: TypeAlias = bytes | Iterable[str] | Iterable[bytes]
Visitor: TypeAlias = AbstractBaseUser | AnonymousUser


class InvalidSelection(ValueError):
    """The parameters do not describe a selection (e.g. an invalid filter); `str()` is the
    German message for the user."""


@dataclass(frozen=True, kw_only=True)
class Exporter:
    """One kind of download.

    key           unique, dotted: "<what>.<format>", e.g. "measures.csv", "report.pdf"
    label         what the user sees (German, lazy)
    content_type  the HTTP Content-Type of the file
    extension     the file name's ending without the dot ("csv")
    render        subject → the file: bytes, or an iterable of str/bytes chunks, which the
                  response streams without holding the file in memory
    allowed       user → may they download it (the owning app's policy predicate)
    select        parameters (a QueryDict) → the subject, for callers that have only the
                  parameters (a background job, the API); raises InvalidSelection. None for
                  exporters whose subject is a stored object (an edition)
    heavy         costs a worker seconds and memory that grow with the data: takes one of
                  the user's download slots (`core.downloads`)
    """

    key: str
    label: str | Promise
    content_type: str
    extension: str
    render: Callable[[Any], Content]
    # The owning app's predicate over its own user type (core cannot name accounts.User).
    allowed: Callable[[Any], bool]
    select: Callable[[QueryDict], Any] | None = None
    heavy: bool = False

    def response(self, subject: Any, *, filename: str) -> HttpResponseBase:
        """`render(subject)` as an attachment named `filename` (without extension)."""
        return self.attachment(self.render(subject), filename=filename)

    def attachment(self, content: Content, *, filename: str) -> HttpResponseBase:
        """`content` made by `render` as a download named `filename` (without extension).

        Bytes become an `HttpResponse`, chunks a `StreamingHttpResponse` whose first chunk
        leaves as soon as it is made.
        """
        response: HttpResponseBase
        if isinstance(content, bytes | bytearray | memoryview):
            response = HttpResponse(bytes(content), content_type=self.content_type)
        else:
            response = StreamingHttpResponse(content, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{self.extension}"'
        return response


_REGISTRY: dict[str, Exporter] = {}


class AlreadyRegistered(KeyError):
    """Two exporters with one key: each download has exactly one."""


def register(exporter: Exporter) -> Exporter:
    """Add `exporter` to the registry; raises AlreadyRegistered when its key is taken."""
    if exporter.key in _REGISTRY and _REGISTRY[exporter.key] != exporter:
        raise AlreadyRegistered(exporter.key)
    _REGISTRY[exporter.key] = exporter
    return exporter


def get(key: str) -> Exporter:
    """The exporter registered under `key`; raises KeyError for an unknown key."""
    return _REGISTRY[key]


def find(key: str) -> Exporter | None:
    """The exporter registered under `key`, or None (for keys that come from a URL)."""
    return _REGISTRY.get(key)


def all_exporters() -> Iterator[Exporter]:
    """Every registered exporter, sorted by key."""
    return iter(sorted(_REGISTRY.values(), key=lambda exporter: exporter.key))
