"""`praevention_squash` without a call to `praevention_fold` (PostgreSQL only).

pg_restore empties search_path before it rebuilds indexes, so an index on a function that
calls another of our functions by its bare name cannot be rebuilt (the backup round trip
failed). Migration 0010 creates the self-contained function on new databases already; this
replaces the first version where 0010 ran before. Same result, so the indexes stay valid.
"""

import importlib

from django.db import migrations

seeded = importlib.import_module(
    "praevention.measures.migrations.0010_seed_synonyms_squashed_search"
)


def replace(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(seeded.SQUASH)


class Migration(migrations.Migration):
    dependencies = [("measures", "0011_merge_20261206_0649")]

    operations = [migrations.RunPython(replace, migrations.RunPython.noop)]
