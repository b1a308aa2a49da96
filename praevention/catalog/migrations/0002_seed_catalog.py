"""Seed the master data every district starts with (Berlin strategy, LOR 2021, Good Practice).

The social spaces are Charlottenburg-Wilmersdorf's; another district edits them in the admin.
"""

from django.db import migrations

LIFE_PHASES = [
    (1, "Schwangerschaft und Geburt", None, None),
    (2, "0–3 Jahre: Krippe und Familie", 0, 3),
    (3, "3–6 Jahre: Kita", 3, 6),
    (4, "6–10 Jahre: Grundschule", 6, 10),
    (5, "10–16 Jahre: weiterführende Schule", 10, 16),
    (6, "16–27 Jahre: Ausbildung und Beruf", 16, 27),
    (7, "Eltern", None, None),
]

FIELDS_OF_ACTION = ["Teilhabe", "Bildung", "Gesund aufwachsen", "Materielle Versorgung"]

TARGET_GROUPS = [
    "Kinder von 3–6 Jahren ohne Kitaplatz",
    "Kinder und Jugendliche aus belasteten Familien",
    "Alleinerziehende Haushalte",
    "Familien mit Bezug von SGB II / Bürgergeld",
    "Familien mit Flucht- oder Migrationsgeschichte",
    "Kinderreiche Familien",
    "Schwangere und junge Familien (Frühe Hilfen)",
    "Kinder mit Behinderung",
]

RISK_FACTORS = {
    "Arbeitslosigkeit der Eltern": ["Familien mit Bezug von SGB II / Bürgergeld"],
    "Bezug von Transferleistungen": [
        "Familien mit Bezug von SGB II / Bürgergeld",
        "Alleinerziehende Haushalte",
    ],
    "Alleinerziehend": ["Alleinerziehende Haushalte"],
    "Drei oder mehr Kinder im Haushalt": ["Kinderreiche Familien"],
    "Sprachbarrieren": [
        "Familien mit Flucht- oder Migrationsgeschichte",
        "Kinder von 3–6 Jahren ohne Kitaplatz",
    ],
    "Fluchterfahrung": ["Familien mit Flucht- oder Migrationsgeschichte"],
    "Psychische Erkrankung oder Sucht eines Elternteils": [
        "Kinder und Jugendliche aus belasteten Familien"
    ],
    "Beengte Wohnverhältnisse": [
        "Kinder und Jugendliche aus belasteten Familien",
        "Kinderreiche Familien",
    ],
    "Fehlender Kitaplatz": ["Kinder von 3–6 Jahren ohne Kitaplatz"],
    "Sehr junge Elternschaft": ["Schwangere und junge Familien (Frühe Hilfen)"],
    "Behinderung oder chronische Erkrankung": ["Kinder mit Behinderung"],
}

EVIDENCE_LEVELS = [
    (0, "nicht evaluiert", "Keine Evaluation vorhanden."),
    (1, "theoretisch gut begründet", "Stufe 1: Wirkannahmen theoretisch gut begründet."),
    (2, "Effektivität wahrscheinlich", "Stufe 2: Hinweise auf Wirksamkeit aus Evaluationen."),
    (3, "Effektivität nachgewiesen", "Stufe 3: Wirksamkeit in kontrollierten Studien belegt."),
]

GOOD_PRACTICE = [
    "Konzeption",
    "Zielgruppenbezug",
    "Setting-Ansatz",
    "Empowerment",
    "Partizipation",
    "Niedrigschwellige Arbeitsweise",
    "Multiplikatorenkonzept",
    "Nachhaltigkeit",
    "Integriertes Handlungskonzept / Vernetzung",
    "Qualitätsmanagement",
    "Dokumentation und Evaluation",
    "Belege für Wirkungen und Kosten",
]


def seed(apps, schema_editor):
    LifePhase = apps.get_model("catalog", "LifePhase")
    FieldOfAction = apps.get_model("catalog", "FieldOfAction")
    TargetGroup = apps.get_model("catalog", "TargetGroup")
    RiskFactor = apps.get_model("catalog", "RiskFactor")
    EvidenceLevel = apps.get_model("catalog", "EvidenceLevel")
    GoodPracticeCriterion = apps.get_model("catalog", "GoodPracticeCriterion")

    for position, name, age_from, age_to in LIFE_PHASES:
        LifePhase.objects.update_or_create(
            name=name, defaults={"position": position, "age_from": age_from, "age_to": age_to}
        )
    for position, name in enumerate(FIELDS_OF_ACTION, start=1):
        FieldOfAction.objects.update_or_create(name=name, defaults={"position": position})
    groups = {}
    for position, name in enumerate(TARGET_GROUPS, start=1):
        groups[name], _ = TargetGroup.objects.update_or_create(
            name=name, defaults={"position": position}
        )
    for position, (name, group_names) in enumerate(RISK_FACTORS.items(), start=1):
        factor, _ = RiskFactor.objects.update_or_create(name=name, defaults={"position": position})
        factor.target_groups.set([groups[g] for g in group_names])
    for level, name, description in EVIDENCE_LEVELS:
        EvidenceLevel.objects.update_or_create(
            level=level, defaults={"name": name, "description": description}
        )
    for position, name in enumerate(GOOD_PRACTICE, start=1):
        GoodPracticeCriterion.objects.update_or_create(name=name, defaults={"position": position})
    # Social spaces are no longer seeded here: a district is set up on purpose
    # (`manage.py setup_district`, issue #24); databases migrated before keep theirs.


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
