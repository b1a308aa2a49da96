"""`praevention_squash` calls `praevention_fold` with its schema, so a restore works.

pg_dump's output (and so `manage.py restore`, docs/OPERATIONS.md) runs with an empty
search_path: rebuilding the trigram indexes on `praevention_squash(…)` then failed with
"function praevention_fold(text) does not exist", and the restore was rolled back. The schema
is the one both functions were created in (the connection's current schema); naming it in the
call costs nothing per row, unlike a `SET search_path` clause on the function.
"""

from django.db import migrations

SQUASH = r"""
CREATE OR REPLACE FUNCTION praevention_squash(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 100
AS $$
BEGIN
  RETURN regexp_replace({schema}.praevention_fold(value), '[-[:space:]‐‑–—:*_·/''’.]+', '', 'g');
END
$$
"""


def qualify(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        (schema,) = cursor.fetchone()
    schema_editor.execute(SQUASH.format(schema=schema))


class Migration(migrations.Migration):
    dependencies = [("measures", "0011_merge_20261206_0649")]

    operations = [migrations.RunPython(qualify, migrations.RunPython.noop)]
