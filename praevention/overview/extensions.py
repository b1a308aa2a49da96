"""What higher apps add to the committee report (page and PDF), without the overview naming them.

The overview sits below `editions` (docs/ARCHITECTURE.md): the report may compare itself with
a frozen edition ("Seit dem letzten Bericht"), but the overview cannot import editions. So
editions registers a `ReportExtension` in its `AppConfig.ready()`; the report's views call
`prepare_report` (read the request, cheap) and `complete_report` (compute the figures, inside
the PDF's cache). Their templates come through the slots `report.actions` and
`report.sections` (`core.slots`).
"""

from typing import Any, Protocol

from django.http import QueryDict


class ReportExtension(Protocol):
    def prepare(self, params: QueryDict) -> dict[str, Any]:
        """The context entries this extension reads from the request (e.g. `since`)."""
        ...

    def is_invalid(self, context: dict[str, Any]) -> bool:
        """True when the request asks for something wrong (the page answers 400 and says so)."""
        ...

    def complete(self, context: dict[str, Any]) -> None:
        """Add the extension's figures to the report's context (e.g. `progress`)."""
        ...


_EXTENSIONS: list[ReportExtension] = []


def register_report_extension(extension: ReportExtension) -> None:
    """Called in an app's `AppConfig.ready()`; registering the same object twice keeps one."""
    if extension not in _EXTENSIONS:
        _EXTENSIONS.append(extension)


def prepare_report(params: QueryDict, context: dict[str, Any]) -> bool:
    """Add every extension's entries to `context`; True when any of them finds the request wrong."""
    invalid = False
    for extension in _EXTENSIONS:
        context.update(extension.prepare(params))
        invalid = extension.is_invalid(context) or invalid
    return invalid


def complete_report(context: dict[str, Any]) -> None:
    """Let every extension add its figures to a prepared, valid report context."""
    for extension in _EXTENSIONS:
        extension.complete(context)
