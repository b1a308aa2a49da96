"""Create the three roles as groups with their model permissions.

Object-level rules (own department) live in measures/policy.py; these are the model-level rights.
"""

from django.db import migrations

VIEW_ONLY = {
    "network": ["department", "person"],
    "catalog": [
        "targetgroup",
        "riskfactor",
        "lifephase",
        "fieldofaction",
        "strategicgoal",
        "evidencelevel",
        "goodpracticecriterion",
        "socialspace",
    ],
}

KERNTEAM = {
    **{(app, model): ["view"] for app, models in VIEW_ONLY.items() for model in models},
    ("measures", "measure"): ["view", "add", "change"],
    ("measures", "participation"): ["view", "add", "change", "delete"],
    ("measures", "historicalmeasure"): ["view"],
    ("measures", "historicalparticipation"): ["view"],
}

KOORDINATION = {
    **KERNTEAM,
    **{("catalog", model): ["view", "add", "change", "delete"] for model in VIEW_ONLY["catalog"]},
    ("network", "department"): ["view", "add", "change"],
    ("network", "person"): ["view"],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(spec):
        found = []
        for (app_label, model), actions in spec.items():
            for action in actions:
                found.append(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )
        return found

    kernteam, _ = Group.objects.get_or_create(name="Kernteam")
    kernteam.permissions.set(permissions(KERNTEAM))
    koordination, _ = Group.objects.get_or_create(name="Koordination")
    koordination.permissions.set(permissions(KOORDINATION))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Kernteam", "Koordination", "Admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0002_seed_catalog"),
        ("measures", "0001_initial"),
        ("network", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
