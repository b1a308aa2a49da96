"""Seed which life phases the seeded target groups occur in, so the gap radar stops counting
cells that cannot exist ("Kinder von 3–6 Jahren ohne Kitaplatz" × "Schwangerschaft und Geburt").

Groups found by their seeded name; a renamed group, or one whose phases someone already set, is
left alone. Groups not listed occur in every phase and keep no phases (= all).
"""

from django.db import migrations

# Target group -> positions of its life phases (0002_seed_catalog.LIFE_PHASES: 1 pregnancy,
# 2 0–3, 3 3–6, 4 6–10, 5 10–16, 6 16–27, 7 parents). The parents accompany a child's group.
PHASES = {
    "Kinder von 3–6 Jahren ohne Kitaplatz": [3, 7],
    "Kinder und Jugendliche aus belasteten Familien": [2, 3, 4, 5, 6, 7],
    "Schwangere und junge Familien (Frühe Hilfen)": [1, 2, 7],
}


def seed(apps, schema_editor):
    TargetGroup = apps.get_model("catalog", "TargetGroup")
    LifePhase = apps.get_model("catalog", "LifePhase")
    by_position = {phase.position: phase for phase in LifePhase.objects.all()}
    for name, positions in PHASES.items():
        group = TargetGroup.objects.filter(name=name).first()
        if group is None or group.life_phases.exists():
            continue
        phases = [by_position[p] for p in positions if p in by_position]
        if len(phases) == len(positions):
            group.life_phases.set(phases)


def unseed(apps, schema_editor):
    TargetGroup = apps.get_model("catalog", "TargetGroup")
    for group in TargetGroup.objects.filter(name__in=PHASES):
        group.life_phases.clear()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_target_group_life_phases")]

    operations = [migrations.RunPython(seed, unseed)]
