"""Which district this database serves, and setting it up (`manage.py setup_district`).

The database is the source of truth: `District` holds the district's number, name, level
names and credit lines; its social spaces, outlines and indicator values are loaded from files
(the Berlin profile `catalog.lor` for "01" … "12", any other municipality's files through
`catalog.spacefiles`). Setting up is one transaction and idempotent: a second run writes
nothing. Spaces the files no longer hold are deleted when unused and archived when a measure
links them. A database that already serves another district and holds measures is refused.
"""

from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from praevention.catalog import lor
from praevention.catalog.models import District, MonitoringIndicator, SocialMonitoring
from praevention.catalog.spacedata import (
    LoadError,
    LoadResult,
    write_indicators,
    write_monitoring,
    write_spaces,
)

NAME_CACHE_KEY = "district-facts"


def current() -> District | None:
    """The district this database serves, or None before `setup_district` ran."""
    return District.objects.first()


def facts() -> dict:
    """{"name", "credits", "level_names"} of the recorded district (empty before setup),
    cached until the next setup: page titles and credit lines need them on every page."""
    found = cache.get(NAME_CACHE_KEY)
    if found is None:
        district = current()
        found = {
            "name": district.name if district else "",
            "credits": list(district.credits) if district else [],
            "level_names": dict(district.level_names) if district else {},
        }
        cache.set(NAME_CACHE_KEY, found, 60 * 60)
    return found


def current_name() -> str:
    """The district's name for page titles: the DISTRICT_NAME setting if set (an override),
    else the recorded district's name, else ""."""
    return settings.DISTRICT_NAME or facts()["name"]


def space_credit() -> str:
    """The credit line of the spaces and outlines, as the district's files give it."""
    return " ".join(facts()["credits"])


def level_name(level: str, plural: bool = False) -> str:
    """The name of `level` ("bzr") in this district: "Bezirksregion(en)" in Berlin, the
    files' own names elsewhere."""
    names = facts()["level_names"].get(level)
    if names:
        return names[1 if plural else 0]
    from praevention.catalog.models import SocialSpace

    return str(SocialSpace.Level(level).label)


def _refuse_switch(number: str, name: str) -> None:
    # Asked through the app registry: measures sit above the catalogue and may not be imported
    # here (the layer contract), but a database with measures must not change its district.
    Measure = django_apps.get_model("measures", "Measure")
    district = current()
    if district is None or district.number == number or not Measure.objects.exists():
        return
    raise LoadError(
        _(
            "Diese Datenbank gehört zu %(old_number)s %(old)s und enthält schon Maßnahmen; sie "
            "kann nicht auf %(new_number)s %(new)s umgestellt werden, denn die Maßnahmen "
            "verweisen auf die Sozialräume von %(old)s. Bitte für %(new)s eine eigene, leere "
            "Datenbank anlegen („manage.py migrate“, dann „manage.py setup_district "
            "%(new_number)s“) oder die Maßnahmen vorher exportieren und löschen."
        )
        % {"old_number": district.number, "old": district.name, "new_number": number, "new": name}
    )


def install(files: lor.DistrictFiles, *, name: str = "") -> dict[str, LoadResult]:
    """Store `files` as this database's district, in one transaction; see the module."""
    name = name or files.name
    with transaction.atomic():
        _refuse_switch(files.number, name)
        results = {"spaces": write_spaces(files.spaces, prune=True)}
        for year, records in sorted(files.years.items()):
            results[str(year)] = write_monitoring(records, year=year)
            write_indicators(files.indicators.get(year, []), year=year)
        # Values of years the files no longer carry would be shown as current: remove them.
        SocialMonitoring.objects.exclude(year__in=list(files.years)).delete()
        MonitoringIndicator.objects.exclude(year__in=list(files.years)).delete()
        wanted = {
            "number": files.number,
            "name": name,
            "profile": files.profile,
            "level_names": files.level_names,
            "credits": files.credits,
        }
        district = current()
        if district is None:
            District.objects.create(**wanted)
        elif any(getattr(district, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(district, key, value)
            district.save()
    cache.delete(NAME_CACHE_KEY)
    return results


def setup_district(number: str, *, name: str = "") -> dict[str, LoadResult]:
    """Set up Berlin district `number` ("01" … "12") from the shipped files; `name` overrides
    the name from the data. Raises LoadError (nothing written) for an unknown number, a broken
    file or a refused switch."""
    return install(lor.berlin_district(number), name=name)
