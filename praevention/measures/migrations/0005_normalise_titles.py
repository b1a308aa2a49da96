"""Titles in their normal form and unique whatever the letter case (issue #12, fault 11)."""

from django.db import migrations

from praevention.core.text import normalize_line


def normalise_titles(apps, schema_editor):
    """Stored titles in their normal form, and those equal but for letter case told apart
    (" (2)", " (3)" …) so the case-insensitive unique constraint can be created."""
    Measure = apps.get_model("measures", "Measure")
    taken = set()
    for measure in Measure.objects.order_by("pk").only("pk", "title"):
        base = normalize_line(measure.title) or f"Maßnahme {measure.pk}"
        title, number = base, 1
        while title.casefold() in taken:
            number += 1
            title = f"{base[:190]} ({number})"
        taken.add(title.casefold())
        if title != measure.title:
            Measure.objects.filter(pk=measure.pk).update(title=title)


class Migration(migrations.Migration):
    dependencies = [("measures", "0004_active_ids_index")]

    operations = [migrations.RunPython(normalise_titles, migrations.RunPython.noop)]
