"""The search's synonyms and abbreviations, who keeps them, and compounds written apart.

1. Seeds `SearchSynonym` with the abbreviations and synonyms of Berlin's child and youth
   services that people type every day (a coordinator changes them in the admin).
2. Coordinators (and admins) may view, add, change and delete them; the core team views them.
3. PostgreSQL: `praevention_squash(text)`, the folded text without the characters that split
   a compound or a gender form ("Eltern-Kind-Gruppe", "Schüler:innen", "Schüler*innen"
   → "elternkindgruppe", "schuelerinnen"), the SQL twin of `measures.search.squash`, and a
   trigram index on it for title, summary and description.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

SYNONYMS = [
    ["Kita", "Kindertagesstätte", "Kindertageseinrichtung", "Kindergarten"],
    ["KJGD", "Kinder- und Jugendgesundheitsdienst"],
    ["ESU", "Einschulungsuntersuchung"],
    ["HzE", "Hilfen zur Erziehung"],
    ["ASD", "Regionaler Sozialpädagogischer Dienst", "RSD"],
    ["KJHG", "SGB VIII", "Kinder- und Jugendhilfegesetz"],
    ["BuT", "Bildung und Teilhabe", "Bildungs- und Teilhabepaket"],
    ["ÖGD", "Öffentlicher Gesundheitsdienst"],
    ["KJPD", "Kinder- und Jugendpsychiatrischer Dienst"],
    ["EFB", "Erziehungs- und Familienberatung"],
    ["Jobcenter", "JC"],
]

# Characters that split a compound or a gender form: white space, hyphens and dashes, the
# gender colon, star, underscore and middle dot, slash, apostrophes, full stop.
# Only built-in functions inside (as praevention_fold): a restore (pg_restore, which empties
# search_path) rebuilds the index without finding our other functions.
SQUASH = r"""
CREATE OR REPLACE FUNCTION praevention_squash(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 100
AS $$
BEGIN
  RETURN regexp_replace(
    lower(
      replace(replace(replace(replace(replace(replace(replace(replace(
        value,
        'Ä', 'ae'), 'Ö', 'oe'), 'Ü', 'ue'), 'ẞ', 'ss'),
        'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss')
    ),
    '[-[:space:]‐‑–—:*_·/''’.]+', '', 'g'
  );
END
$$
"""
INDEXES = {
    "measure_title_squash_trgm": "title",
    "measure_summary_squash_trgm": "summary",
    "measure_description_squash_trgm": "description",
}


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("measures", "SearchSynonym")
    for terms in SYNONYMS:
        SearchSynonym.objects.get_or_create(terms="\n".join(terms))


def unseed(apps, schema_editor):
    apps.get_model("measures", "SearchSynonym").objects.filter(
        terms__in=["\n".join(terms) for terms in SYNONYMS]
    ).delete()


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("measures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    keep = Permission.objects.filter(
        content_type__app_label="measures",
        codename__in=[
            f"{action}_searchsynonym" for action in ("view", "add", "change", "delete")
        ],
    )
    view = keep.filter(codename="view_searchsynonym")
    for name, permissions in (("Koordination", keep), ("Admin", keep), ("Kernteam", view)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from praevention.measures.search import Squash

    schema_editor.execute(SQUASH)
    Measure = apps.get_model("measures", "Measure")
    for name, field in INDEXES.items():
        schema_editor.add_index(
            Measure, GinIndex(OpClass(Squash(field), name="gin_trgm_ops"), name=name)
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS praevention_squash(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0009_search_synonyms"),
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
