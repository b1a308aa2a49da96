"""GIN index for the German full-text search (PostgreSQL only; SQLite searches with LIKE)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "measure_search_german"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from praevention.measures.search import search_vector

    Measure = apps.get_model("measures", "Measure")
    schema_editor.add_index(Measure, GinIndex(search_vector(), name=INDEX_NAME))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("measures", "0002_exactly_one_lead")]

    operations = [migrations.RunPython(create, drop)]
