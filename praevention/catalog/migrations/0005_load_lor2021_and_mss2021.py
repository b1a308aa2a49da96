"""Load the district's official social spaces (LOR 2021: 5 + 11 + 53, with outlines) and the
Monitoring Soziale Stadtentwicklung 2021 from the files in `catalog/data/lor2021-bezirk04/`.

Every fresh database has them; the loaders are idempotent, so `seed_demo` may load them again.
"""

from django.db import migrations


def load(apps, schema_editor):
    from praevention.catalog import lor

    lor.load_district(
        space_model=apps.get_model("catalog", "SocialSpace"),
        geometry_model=apps.get_model("catalog", "SocialSpaceGeometry"),
        monitoring_model=apps.get_model("catalog", "SocialMonitoring"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_social_monitoring_and_outlines")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
