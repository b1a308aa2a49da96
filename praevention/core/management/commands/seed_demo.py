"""Load the Charlottenburg-Wilmersdorf demo network: departments, core team, logins, measures.

Idempotent: every row is found by its natural key and written only when something differs, so a
second run changes no row count in any table, not even in the history tables. The demo logins'
passwords are reset on every run, so the password printed by `--print-logins` always works.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.accounts import roles
from praevention.accounts.models import User
from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.measures.models import Measure, Participation
from praevention.network.models import Department, Person

DEMO_PASSWORD = "Praevention-2023"
DEMO_KERNTEAM_EMAIL = "kernteam@demo.praeventionsnetz.de"
DEMO_KOORDINATION_EMAIL = "koordination@demo.praeventionsnetz.de"
DEMO_ADMIN_EMAIL = "admin@demo.praeventionsnetz.de"
# (role, e-mail): exactly one login per role, all with DEMO_PASSWORD.
DEMO_LOGINS = [
    (roles.KERNTEAM, DEMO_KERNTEAM_EMAIL),
    (roles.KOORDINATION, DEMO_KOORDINATION_EMAIL),
    (roles.ADMIN, DEMO_ADMIN_EMAIL),
]

Kind = Department.Kind
Role = Participation.Role
Status = Measure.Status
Focus = Measure.PovertyFocus

# (short name, name, kind, colour, description). Colours reach at least 4.5:1 against white.
DEPARTMENTS = [
    (
        "QPK",
        "OE Qualitätsentwicklung, Planung und Koordination",
        Kind.OE,
        "#1f6f8b",
        "Planungs- und Koordinationsstelle Gesundheit; koordiniert das Präventionsnetz.",
    ),
    (
        "Jug",
        "Jugendamt",
        Kind.AMT,
        "#2e7d32",
        "Jugendhilfe mit Netzwerk Frühe Hilfen, Kindertagesbetreuung und Familienförderung.",
    ),
    (
        "Ges",
        "Gesundheitsamt",
        Kind.AMT,
        "#c62828",
        "Kinder- und Jugendgesundheitsdienst, Zahnärztlicher Dienst, Gesundheitsförderung.",
    ),
    (
        "SchuS",
        "Schul- und Sportamt",
        Kind.AMT,
        "#6a1b9a",
        "Schulträger der öffentlichen Schulen und zuständig für Sportstätten.",
    ),
    (
        "Soz",
        "Sozialamt",
        Kind.AMT,
        "#8d5a00",
        "Leistungen nach SGB XII, Bildung und Teilhabe, Wohnhilfen.",
    ),
    (
        "FBW",
        "Familienbildung West e. V.",
        Kind.PARTNER,
        "#37474f",
        "Freier Träger der Familienbildung mit zwei Familienzentren im Bezirk.",
    ),
    (
        "NBN",
        "Nachbarschaftshaus Nord gGmbH",
        Kind.PARTNER,
        "#ad1457",
        "Freier Träger der Kinder- und Jugendarbeit und der Stadtteilarbeit.",
    ),
]

# Catalogue names exactly as seeded by catalog/migrations/0002_seed_catalog.py.
TG_OHNE_KITA = "Kinder von 3–6 Jahren ohne Kitaplatz"
TG_BELASTET = "Kinder und Jugendliche aus belasteten Familien"
TG_ALLEIN = "Alleinerziehende Haushalte"
TG_SGB2 = "Familien mit Bezug von SGB II / Bürgergeld"
TG_FLUCHT = "Familien mit Flucht- oder Migrationsgeschichte"
TG_KINDERREICH = "Kinderreiche Familien"
TG_FRUEHE_HILFEN = "Schwangere und junge Familien (Frühe Hilfen)"
TG_BEHINDERUNG = "Kinder mit Behinderung"

LP_SCHWANGERSCHAFT = "Schwangerschaft und Geburt"
LP_0_3 = "0–3 Jahre: Krippe und Familie"
LP_3_6 = "3–6 Jahre: Kita"
LP_6_10 = "6–10 Jahre: Grundschule"
LP_10_16 = "10–16 Jahre: weiterführende Schule"
LP_16_27 = "16–27 Jahre: Ausbildung und Beruf"
LP_ELTERN = "Eltern"

FA_TEILHABE = "Teilhabe"
FA_BILDUNG = "Bildung"
FA_GESUND = "Gesund aufwachsen"
FA_MATERIELL = "Materielle Versorgung"

GP_KONZEPTION = "Konzeption"
GP_ZIELGRUPPE = "Zielgruppenbezug"
GP_SETTING = "Setting-Ansatz"
GP_EMPOWERMENT = "Empowerment"
GP_PARTIZIPATION = "Partizipation"
GP_NIEDRIGSCHWELLIG = "Niedrigschwellige Arbeitsweise"
GP_MULTIPLIKATOREN = "Multiplikatorenkonzept"
GP_NACHHALTIGKEIT = "Nachhaltigkeit"
GP_VERNETZUNG = "Integriertes Handlungskonzept / Vernetzung"
GP_QUALITAET = "Qualitätsmanagement"
GP_DOKUMENTATION = "Dokumentation und Evaluation"

R_NORD = "Charlottenburg Nord"
R_HEERSTRASSE = "Heerstraße"
R_WESTEND = "Westend"
R_SCHLOSS = "Schloss Charlottenburg"
R_MIERENDORFF = "Mierendorffplatz"
R_KANTSTRASSE = "Otto-Suhr-Allee/Kantstraße"
R_GRUNEWALD = "Grunewald"
R_SCHMARGENDORF = "Schmargendorf"
R_HALENSEE = "Halensee"
R_LIETZENBURGER = "Lietzenburger Straße"
R_VOLKSPARK = "Volkspark Wilmersdorf"

# ILLUSTRATIVE status classes for the demo, NOT the official figures of the Monitoring Soziale
# Stadtentwicklung: 1 high status (little need) … 4 very low status (highest need).
# Schloss Charlottenburg and Heerstraße have high need but few demo measures: a visible gap.
MSS_STATUS_CLASSES = {
    R_NORD: 4,
    R_HEERSTRASSE: 3,
    R_WESTEND: 1,
    R_SCHLOSS: 3,
    R_MIERENDORFF: 3,
    R_KANTSTRASSE: 2,
    R_GRUNEWALD: 1,
    R_SCHMARGENDORF: 1,
    R_HALENSEE: 2,
    R_LIETZENBURGER: 2,
    R_VOLKSPARK: 2,
}

G_TEILHABE_ANGEBOTE = "Kinder und Familien kennen und nutzen Angebote der sozialen Teilhabe"
G_BUT = "Leistungen für Bildung und Teilhabe erreichen alle anspruchsberechtigten Kinder"
G_BETEILIGUNG = "Familien gestalten die Angebote in ihrem Sozialraum mit"
G_FRUEHE_BILDUNG = "Alle Kinder erhalten vor der Einschulung frühe Bildung und Sprachförderung"
G_UEBERGAENGE = "Übergänge von der Kita bis zur weiterführenden Schule gelingen"
G_ABSCHLUSS = "Jugendliche erreichen einen Schulabschluss und einen Anschluss in Ausbildung"
G_RUND_UM_GEBURT = "Familien werden rund um die Geburt früh und niedrigschwellig begleitet"
G_BEWEGUNG = "Kinder bewegen sich ausreichend und ernähren sich gesund"
G_PSYCHE = "Die psychische Gesundheit von Kindern und Eltern wird gestärkt"
G_GELDLEISTUNGEN = "Familien erhalten alle ihnen zustehenden Geldleistungen"
G_MAHLZEIT = "Kinder erhalten täglich eine gesunde Mahlzeit, auch in den Ferien"
G_WOHNRAUM = "Familien finden und halten angemessenen Wohnraum"

# Two goals per field stay without a measure on purpose (G_PSYCHE, G_WOHNRAUM): gaps to find.
STRATEGIC_GOALS = {
    FA_TEILHABE: [G_TEILHABE_ANGEBOTE, G_BUT, G_BETEILIGUNG],
    FA_BILDUNG: [G_FRUEHE_BILDUNG, G_UEBERGAENGE, G_ABSCHLUSS],
    FA_GESUND: [G_RUND_UM_GEBURT, G_BEWEGUNG, G_PSYCHE],
    FA_MATERIELL: [G_GELDLEISTUNGEN, G_MAHLZEIT, G_WOHNRAUM],
}

# (e-mail, first name, last name, department, function, phone, role, core team since).
# The admin login is IT, not a core-team member, so it has no joining date.
PEOPLE = [
    (
        DEMO_KOORDINATION_EMAIL,
        "Katrin",
        "Albers",
        "QPK",
        "Planungskoordinatorin",
        "030 9029-14210",
        roles.KOORDINATION,
        date(2023, 1, 16),
    ),
    (
        "miriam.yilmaz@demo.praeventionsnetz.de",
        "Miriam",
        "Yılmaz",
        "QPK",
        "Koordinatorin für Gesundheitsförderung",
        "030 9029-14215",
        roles.KERNTEAM,
        date(2023, 1, 16),
    ),
    (
        DEMO_KERNTEAM_EMAIL,
        "Jonas",
        "Becker",
        "Jug",
        "Sozialraumkoordinator Jugendhilfe",
        "030 9029-15320",
        roles.KERNTEAM,
        date(2023, 2, 1),
    ),
    (
        "anna.schroeder@demo.praeventionsnetz.de",
        "Anna",
        "Schröder",
        "Jug",
        "Netzwerkkoordinatorin Frühe Hilfen",
        "030 9029-15335",
        roles.KOORDINATION,
        date(2023, 1, 16),
    ),
    (
        "tobias.wendt@demo.praeventionsnetz.de",
        "Tobias",
        "Wendt",
        "Jug",
        "Fachberatung Kindertagesbetreuung",
        "030 9029-15341",
        roles.KERNTEAM,
        date(2023, 3, 1),
    ),
    (
        "elif.demir@demo.praeventionsnetz.de",
        "Elif",
        "Demir",
        "Ges",
        "Ärztin im Kinder- und Jugendgesundheitsdienst",
        "030 9029-16402",
        roles.KERNTEAM,
        date(2023, 1, 16),
    ),
    (
        "petra.lange@demo.praeventionsnetz.de",
        "Petra",
        "Lange",
        "Ges",
        "Koordinatorin Zahngesundheit",
        "030 9029-16417",
        roles.KERNTEAM,
        date(2023, 4, 3),
    ),
    (
        "markus.hoffmann@demo.praeventionsnetz.de",
        "Markus",
        "Hoffmann",
        "SchuS",
        "Koordinator Schulsozialarbeit",
        "030 9029-17105",
        roles.KERNTEAM,
        date(2023, 2, 1),
    ),
    (
        "claudia.nowak@demo.praeventionsnetz.de",
        "Claudia",
        "Nowak",
        "Soz",
        "Sachgebietsleiterin Bildung und Teilhabe",
        "030 9029-18230",
        roles.KERNTEAM,
        date(2023, 2, 15),
    ),
    (
        "renate.fischer@demo.praeventionsnetz.de",
        "Renate",
        "Fischer",
        "FBW",
        "Geschäftsführerin Familienbildung West e. V.",
        "030 3012-4455",
        roles.KERNTEAM,
        date(2023, 3, 15),
    ),
    (
        DEMO_ADMIN_EMAIL,
        "Thomas",
        "Richter",
        "QPK",
        "IT-Koordination und Fachverfahren",
        "030 9029-14299",
        roles.ADMIN,
        None,
    ),
]


def demo_measures(today):
    """The demo measures; funding and end dates are relative to `today` so gaps stay current."""

    def in_days(days):
        return today + timedelta(days=days)

    return [
        {
            "title": "Sprachförderung für Kinder ohne Kitaplatz",
            "summary": (
                "Spielerische Sprachförderung in Kleingruppen für Kinder, die noch keinen "
                "Kitaplatz haben, mit begleitender Elternberatung."
            ),
            "description": (
                "Zweimal wöchentlich treffen sich Kinder von drei bis sechs Jahren ohne Kitaplatz "
                "in Familienzentren zu Sprachspielgruppen. Pädagogische Fachkräfte beobachten den "
                "Sprachstand, beraten die Eltern zur Kitaplatzsuche und vermitteln in Kitas. "
                "Die Sprachstandsfeststellung wird mit dem Gesundheitsamt abgestimmt."
            ),
            "status": Status.RUNNING,
            "start_date": date(2023, 9, 1),
            "end_date": in_days(120),
            "departments": {"Jug": Role.LEAD, "SchuS": Role.PARTNER, "Ges": Role.ADVISORY},
            "contact": DEMO_KERNTEAM_EMAIL,
            "target_groups": [TG_OHNE_KITA, TG_FLUCHT],
            "life_phases": [LP_3_6, LP_ELTERN],
            "social_spaces": [R_NORD, R_MIERENDORFF, R_HALENSEE],
            "fields_of_action": [FA_BILDUNG, FA_TEILHABE],
            "strategic_goals": [G_FRUEHE_BILDUNG, G_UEBERGAENGE],
            "poverty_focus": Focus.BOTH,
            "reach_planned": 60,
            "reach_actual": 48,
            "budget_eur": Decimal("85000.00"),
            "funding_source": "Landesprogramm Kitaplatz-Alternativen (befristet)",
            "funding_ends_on": in_days(120),
            "evidence_level": 1,
            "good_practice": [GP_ZIELGRUPPE, GP_NIEDRIGSCHWELLIG, GP_SETTING, GP_VERNETZUNG],
            "external_partners": "Familienbildung West e. V., Stadtteilbibliothek Charlottenburg",
            "evaluation_notes": (
                "Sprachstand wird zu Beginn und nach sechs Monaten dokumentiert; "
                "Übergangsquote in Kitas wird halbjährlich berichtet."
            ),
        },
        {
            "title": "Bewegungsangebote für Kinder und Jugendliche aus belasteten Familien",
            "summary": (
                "Kostenlose Sport- und Bewegungsgruppen nachmittags in Schulsporthallen, "
                "mit Übungsleitungen aus Sportvereinen."
            ),
            "description": (
                "Kinder und Jugendliche, die bisher keinen Zugang zum Vereinssport haben, "
                "bewegen sich zweimal pro Woche unter Anleitung. Das Schul- und Sportamt stellt "
                "Hallenzeiten, das Jugendamt sorgt über die Schulsozialarbeit für die Ansprache, "
                "das Sozialamt beteiligt sich über Mittel aus Bildung und Teilhabe."
            ),
            "status": Status.RUNNING,
            "start_date": date(2024, 2, 1),
            "end_date": None,
            "departments": {
                "Ges": Role.LEAD,
                "SchuS": Role.PARTNER,
                "Jug": Role.PARTNER,
                "Soz": Role.FUNDING,
            },
            "contact": "miriam.yilmaz@demo.praeventionsnetz.de",
            "target_groups": [TG_BELASTET, TG_SGB2],
            "life_phases": [LP_6_10, LP_10_16],
            "social_spaces": [R_NORD, R_MIERENDORFF, R_HEERSTRASSE],
            "fields_of_action": [FA_GESUND, FA_TEILHABE],
            "strategic_goals": [G_BEWEGUNG, G_TEILHABE_ANGEBOTE],
            "poverty_focus": Focus.BOTH,
            "reach_planned": 120,
            "reach_actual": 95,
            "budget_eur": Decimal("40000.00"),
            "funding_source": "GKV-Bündnis für Gesundheit (Präventionsgesetz)",
            "funding_ends_on": in_days(150),
            "evidence_level": 2,
            "good_practice": [GP_SETTING, GP_NIEDRIGSCHWELLIG, GP_PARTIZIPATION, GP_VERNETZUNG],
            "external_partners": "Sportvereine im Bezirk, Grundschulen in Charlottenburg-Nord",
            "evaluation_notes": "Teilnahmelisten und jährliche Befragung der Kinder.",
        },
        {
            "title": "Willkommensbesuche für Familien mit Neugeborenen",
            "summary": (
                "Alle Familien mit einem neugeborenen Kind erhalten ein Angebot für einen "
                "Hausbesuch mit Informationen zu Hilfen im Bezirk."
            ),
            "description": (
                "Fachkräfte der Frühen Hilfen besuchen Familien in den ersten Lebenswochen des "
                "Kindes, bringen einen Familienwegweiser mit und vermitteln bei Bedarf in "
                "Beratung, Hebammenhilfe oder Elterncafés."
            ),
            "status": Status.RUNNING,
            "start_date": date(2019, 1, 1),
            "end_date": None,
            "departments": {"Jug": Role.LEAD, "Ges": Role.PARTNER},
            "contact": "anna.schroeder@demo.praeventionsnetz.de",
            "target_groups": [TG_FRUEHE_HILFEN, TG_ALLEIN],
            "life_phases": [LP_SCHWANGERSCHAFT, LP_0_3, LP_ELTERN],
            "social_spaces": [R_NORD, R_MIERENDORFF, R_KANTSTRASSE, R_HALENSEE, R_VOLKSPARK],
            "fields_of_action": [FA_GESUND, FA_TEILHABE],
            "strategic_goals": [G_RUND_UM_GEBURT],
            "poverty_focus": Focus.PREVENT,
            "reach_planned": 900,
            "reach_actual": 610,
            "budget_eur": Decimal("120000.00"),
            "funding_source": "Bundesstiftung Frühe Hilfen",
            "funding_ends_on": None,
            "evidence_level": 2,
            "good_practice": [GP_ZIELGRUPPE, GP_NIEDRIGSCHWELLIG, GP_NACHHALTIGKEIT],
            "external_partners": "Geburtskliniken, Hebammennetzwerk",
            "evaluation_notes": "Annahmequote der Besuche wird monatlich erfasst.",
            "links": "https://www.fruehehilfen.de/",
        },
        {
            "title": "Familienhebammen und Familien-Kinderkrankenpflege",
            "summary": (
                "Längerfristige aufsuchende Begleitung belasteter Familien im ersten "
                "Lebensjahr durch Familienhebammen und Kinderkrankenpflegekräfte."
            ),
            "description": (
                "Familien in belastenden Lebenslagen werden bis zum ersten Geburtstag des Kindes "
                "zu Hause begleitet: Pflege und Ernährung, Entwicklung, Bindung und der Weg zu "
                "weiteren Hilfen. Die Vermittlung erfolgt über die Frühen Hilfen des Jugendamts."
            ),
            "status": Status.RUNNING,
            "start_date": date(2021, 4, 1),
            "end_date": None,
            "departments": {"Ges": Role.LEAD, "Jug": Role.FUNDING},
            "contact": "elif.demir@demo.praeventionsnetz.de",
            "target_groups": [TG_FRUEHE_HILFEN, TG_BELASTET],
            "life_phases": [LP_SCHWANGERSCHAFT, LP_0_3],
            "social_spaces": [R_NORD, R_MIERENDORFF, R_HALENSEE],
            "fields_of_action": [FA_GESUND],
            "strategic_goals": [G_RUND_UM_GEBURT],
            "poverty_focus": Focus.BOTH,
            "reach_planned": 80,
            "reach_actual": 72,
            "budget_eur": Decimal("210000.00"),
            "funding_source": "Bundesstiftung Frühe Hilfen",
            "funding_ends_on": in_days(400),
            "evidence_level": 2,
            "good_practice": [GP_ZIELGRUPPE, GP_EMPOWERMENT, GP_QUALITAET],
            "external_partners": "Freiberufliche Familienhebammen",
            "evaluation_notes": "Dokumentation nach dem Standard des NZFH.",
        },
        {
            "title": "Kita-Sozialarbeit in Kitas mit vielen armutsbetroffenen Kindern",
            "summary": (
                "Sozialarbeiterinnen in ausgewählten Kitas beraten Eltern zu Leistungen, "
                "Wohnen und Erziehung und vernetzen die Kita im Kiez."
            ),
            "description": (
                "In Kitas, in denen viele Kinder aus Familien mit Transferleistungen betreut "
                "werden, bietet eine Sozialarbeiterin offene Sprechstunden an, begleitet zu "
                "Ämtern und stärkt die Zusammenarbeit mit Familienzentren und Schulen."
            ),
            "status": Status.RUNNING,
            "start_date": date(2022, 8, 1),
            "end_date": in_days(75),
            "departments": {"Jug": Role.LEAD, "QPK": Role.ADVISORY},
            "contact": "tobias.wendt@demo.praeventionsnetz.de",
            "target_groups": [TG_BELASTET, TG_SGB2, TG_ALLEIN],
            "life_phases": [LP_3_6, LP_ELTERN],
            "social_spaces": [R_NORD, R_MIERENDORFF],
            "fields_of_action": [FA_BILDUNG, FA_TEILHABE],
            "strategic_goals": [G_UEBERGAENGE, G_BUT],
            "poverty_focus": Focus.MITIGATE,
            "reach_planned": 300,
            "reach_actual": 260,
            "budget_eur": Decimal("150000.00"),
            "funding_source": "Landesprogramm Kita-Sozialarbeit",
            "funding_ends_on": in_days(75),
            "evidence_level": 1,
            "good_practice": [GP_SETTING, GP_NIEDRIGSCHWELLIG, GP_VERNETZUNG],
            "external_partners": "Kita-Träger im Bezirk",
        },
        {
            "title": "Jugendsozialarbeit an Grund- und Oberschulen",
            "summary": (
                "Schulsozialarbeit an Schulen mit hohem Anteil lernmittelbefreiter Kinder: "
                "Einzelfallhilfe, Gruppenangebote, Elternarbeit."
            ),
            "description": (
                "Sozialpädagogische Fachkräfte arbeiten fest an den Schulen, unterstützen "
                "Schülerinnen und Schüler bei Konflikten und Schuldistanz, begleiten Übergänge "
                "und beraten Eltern zu Leistungen für Bildung und Teilhabe."
            ),
            "status": Status.RUNNING,
            "start_date": date(2020, 8, 1),
            "end_date": None,
            "departments": {"SchuS": Role.LEAD, "Jug": Role.PARTNER},
            "contact": "markus.hoffmann@demo.praeventionsnetz.de",
            "target_groups": [TG_BELASTET, TG_SGB2, TG_FLUCHT],
            "life_phases": [LP_6_10, LP_10_16],
            "social_spaces": [R_NORD, R_KANTSTRASSE, R_HALENSEE, R_VOLKSPARK],
            "fields_of_action": [FA_BILDUNG, FA_TEILHABE],
            "strategic_goals": [G_UEBERGAENGE, G_ABSCHLUSS],
            "poverty_focus": Focus.BOTH,
            "reach_planned": 1400,
            "reach_actual": 1250,
            "budget_eur": Decimal("480000.00"),
            "funding_source": "Landesprogramm Jugendsozialarbeit an Berliner Schulen",
            "funding_ends_on": date(today.year + 2, 7, 31),
            "evidence_level": 2,
            "good_practice": [GP_SETTING, GP_NACHHALTIGKEIT, GP_QUALITAET],
            "external_partners": "Freie Träger der Jugendhilfe als Anstellungsträger",
        },
        {
            "title": "Beratung zu Bildung und Teilhabe in Familienzentren",
            "summary": (
                "Offene Sprechstunden in Familienzentren, in denen Familien beim Antrag auf "
                "Leistungen für Bildung und Teilhabe unterstützt werden."
            ),
            "description": (
                "Mitarbeitende des Sozialamts beraten einmal wöchentlich in Familienzentren, "
                "füllen Anträge gemeinsam mit den Familien aus und klären Ansprüche auf "
                "Schulbedarf, Mittagessen, Klassenfahrten und Lernförderung."
            ),
            "status": Status.RUNNING,
            "start_date": date(2023, 3, 1),
            "end_date": None,
            "departments": {"Soz": Role.LEAD, "Jug": Role.PARTNER, "FBW": Role.PARTNER},
            "contact": "claudia.nowak@demo.praeventionsnetz.de",
            "target_groups": [TG_SGB2, TG_ALLEIN, TG_KINDERREICH],
            "life_phases": [LP_3_6, LP_6_10, LP_10_16, LP_ELTERN],
            "social_spaces": [R_NORD, R_MIERENDORFF, R_HEERSTRASSE],
            "fields_of_action": [FA_MATERIELL, FA_TEILHABE],
            "strategic_goals": [G_BUT, G_GELDLEISTUNGEN],
            "poverty_focus": Focus.MITIGATE,
            "reach_planned": 400,
            "reach_actual": 315,
            "budget_eur": Decimal("30000.00"),
            "funding_source": "Bezirkshaushalt (Regelfinanzierung)",
            "funding_ends_on": None,
            "evidence_level": 0,
            "good_practice": [GP_NIEDRIGSCHWELLIG, GP_ZIELGRUPPE],
            "external_partners": "Familienbildung West e. V.",
        },
        {
            "title": "Familienservice-Lotsen für Kinderzuschlag und Wohngeld",
            "summary": (
                "Lotsinnen helfen Familien, alle zustehenden Geldleistungen zu erkennen und "
                "zu beantragen."
            ),
            "description": (
                "Viele Familien nehmen Kinderzuschlag und Wohngeld nicht in Anspruch. "
                "Lotsinnen sollen in Bürgerämtern und im Jobcenter Sprechstunden anbieten "
                "und Anträge bis zum Bescheid begleiten."
            ),
            "status": Status.PLANNED,
            "start_date": in_days(90),
            "end_date": None,
            "departments": {"Soz": Role.LEAD, "QPK": Role.ADVISORY},
            "contact": "claudia.nowak@demo.praeventionsnetz.de",
            "target_groups": [TG_SGB2, TG_ALLEIN, TG_KINDERREICH],
            "life_phases": [LP_ELTERN],
            "social_spaces": [R_NORD, R_KANTSTRASSE],
            "fields_of_action": [FA_MATERIELL],
            "strategic_goals": [G_GELDLEISTUNGEN],
            "poverty_focus": Focus.MITIGATE,
            "reach_planned": 250,
            "reach_actual": None,
            "budget_eur": Decimal("60000.00"),
            "funding_source": "Landesprogramm Prävention von Kinder- und Familienarmut",
            "funding_ends_on": in_days(90 + 730),
            "evidence_level": 0,
            "good_practice": [GP_KONZEPTION, GP_ZIELGRUPPE],
            "external_partners": "Jobcenter Charlottenburg-Wilmersdorf",
        },
        {
            "title": "Mehrsprachige Elternkurse zur Stärkung der Erziehungskompetenz",
            "summary": (
                "Elternkurse auf Arabisch, Türkisch, Ukrainisch und Deutsch zu Erziehung, "
                "Kita und Schule."
            ),
            "description": (
                "In zehn Abenden lernen Eltern, wie Kita und Schule in Berlin funktionieren, "
                "wie sie ihre Kinder im Alltag unterstützen und wo sie Hilfe finden. "
                "Die Kurse wurden von Sprach- und Kulturmittlerinnen begleitet."
            ),
            "status": Status.COMPLETED,
            "start_date": date(2023, 1, 9),
            "end_date": date(2024, 12, 20),
            "departments": {"FBW": Role.LEAD, "Jug": Role.FUNDING, "Ges": Role.ADVISORY},
            "contact": "renate.fischer@demo.praeventionsnetz.de",
            "target_groups": [TG_FLUCHT, TG_ALLEIN],
            "life_phases": [LP_ELTERN, LP_3_6],
            "social_spaces": [R_NORD, R_HALENSEE],
            "fields_of_action": [FA_BILDUNG, FA_TEILHABE],
            "strategic_goals": [G_BETEILIGUNG],
            "poverty_focus": Focus.PREVENT,
            "reach_planned": 90,
            "reach_actual": 104,
            "budget_eur": Decimal("25000.00"),
            "funding_source": "Bezirkliche Mittel der Familienförderung",
            "funding_ends_on": date(2024, 12, 31),
            "evidence_level": 3,
            "good_practice": [GP_EMPOWERMENT, GP_PARTIZIPATION, GP_DOKUMENTATION],
            "external_partners": "Sprach- und Kulturmittlerinnen",
            "evaluation_notes": "Abschlussbericht 2024 mit Befragung der Teilnehmenden.",
        },
        {
            "title": "Coaching für Jugendliche am Übergang von der Schule in den Beruf",
            "summary": (
                "Individuelle Begleitung von Jugendlichen aus Bedarfsgemeinschaften ab der "
                "9. Klasse bis in Ausbildung oder weiterführende Schule."
            ),
            "description": (
                "Coaches treffen die Jugendlichen regelmäßig, helfen bei Bewerbungen und "
                "Praktika und arbeiten eng mit der Jugendberufsagentur zusammen. Das Sozialamt "
                "finanziert Fahrtkosten und Bewerbungsmaterial."
            ),
            "status": Status.RUNNING,
            "start_date": date(2024, 9, 1),
            "end_date": None,
            "departments": {"Jug": Role.LEAD, "Soz": Role.FUNDING, "SchuS": Role.PARTNER},
            "contact": DEMO_KERNTEAM_EMAIL,
            "target_groups": [TG_SGB2, TG_BELASTET],
            "life_phases": [LP_10_16, LP_16_27],
            "social_spaces": [R_NORD, R_HEERSTRASSE],
            "fields_of_action": [FA_BILDUNG, FA_MATERIELL],
            "strategic_goals": [G_ABSCHLUSS],
            "poverty_focus": Focus.BOTH,
            "reach_planned": 45,
            "reach_actual": 38,
            "budget_eur": Decimal("95000.00"),
            "funding_source": "Europäischer Sozialfonds Plus (ESF+)",
            "funding_ends_on": date(today.year + 1, 12, 31),
            "evidence_level": 1,
            "good_practice": [GP_ZIELGRUPPE, GP_EMPOWERMENT, GP_VERNETZUNG],
            "external_partners": "Jugendberufsagentur Berlin, Oberschulen im Bezirk",
        },
        {
            "title": "Zahnputzprogramm und Zahnprophylaxe in Kitas",
            "summary": (
                "Tägliches Zähneputzen in Kitas und halbjährliche Prophylaxe-Besuche des "
                "Zahnärztlichen Dienstes."
            ),
            "description": (
                "Der Zahnärztliche Dienst schult Kita-Fachkräfte, stellt Material bereit und "
                "untersucht die Kinder zweimal im Jahr. Auffällige Befunde werden mit den "
                "Eltern besprochen."
            ),
            "status": Status.RUNNING,
            "start_date": date(2018, 1, 1),
            "end_date": None,
            "departments": {"Ges": Role.LEAD},
            "contact": "petra.lange@demo.praeventionsnetz.de",
            "target_groups": [TG_BELASTET, TG_FLUCHT],
            "life_phases": [LP_3_6],
            "social_spaces": [R_NORD, R_MIERENDORFF, R_KANTSTRASSE, R_HALENSEE, R_LIETZENBURGER],
            "fields_of_action": [FA_GESUND],
            "strategic_goals": [G_BEWEGUNG],
            "poverty_focus": Focus.PREVENT,
            "reach_planned": 2500,
            "reach_actual": 2300,
            "budget_eur": Decimal("18000.00"),
            "funding_source": "Bezirkshaushalt (Regelfinanzierung)",
            "funding_ends_on": None,
            "evidence_level": 3,
            "good_practice": [GP_SETTING, GP_MULTIPLIKATOREN, GP_NACHHALTIGKEIT],
            "external_partners": "Kitas im Bezirk",
        },
        {
            "title": "Ferienprogramm mit kostenlosem Mittagessen",
            "summary": (
                "Ausflüge, Spiel und Sport in den Schulferien mit einer warmen Mahlzeit "
                "für Kinder, die sonst in der Schule essen."
            ),
            "description": (
                "In den Sommer- und Herbstferien bietet das Nachbarschaftshaus ein Tagesprogramm "
                "mit Mittagessen an. Das Angebot ruht, bis neue Räume gefunden sind, und die "
                "Finanzierung läuft in Kürze aus."
            ),
            "status": Status.PAUSED,
            "start_date": date(2023, 7, 1),
            "end_date": in_days(45),
            "departments": {"Jug": Role.LEAD, "Soz": Role.FUNDING, "NBN": Role.PARTNER},
            "contact": "tobias.wendt@demo.praeventionsnetz.de",
            "target_groups": [TG_BELASTET, TG_SGB2, TG_KINDERREICH],
            "life_phases": [LP_6_10, LP_10_16],
            "social_spaces": [R_NORD, R_MIERENDORFF],
            "fields_of_action": [FA_MATERIELL, FA_TEILHABE],
            "strategic_goals": [G_MAHLZEIT, G_TEILHABE_ANGEBOTE],
            "poverty_focus": Focus.MITIGATE,
            "reach_planned": 150,
            "reach_actual": 0,
            "budget_eur": Decimal("35000.00"),
            "funding_source": "Stiftungsmittel (befristet)",
            "funding_ends_on": in_days(45),
            "evidence_level": 0,
            "good_practice": [GP_NIEDRIGSCHWELLIG, GP_PARTIZIPATION],
            "external_partners": "Nachbarschaftshaus Nord gGmbH, Tafel-Initiative",
        },
        {
            "title": "Inklusive Spielgruppen für Kinder mit Behinderung",
            "summary": "Idee: wohnortnahe Spielgruppen, in denen Kinder mit und ohne Behinderung "
            "gemeinsam spielen und Eltern sich austauschen.",
            "description": (
                "Der Kinder- und Jugendgesundheitsdienst sieht einen Bedarf an inklusiven "
                "Angeboten vor dem Kita-Eintritt. Träger und Räume sind noch offen."
            ),
            "status": Status.IDEA,
            "start_date": None,
            "end_date": None,
            "departments": {"Ges": Role.LEAD},
            "contact": "elif.demir@demo.praeventionsnetz.de",
            "target_groups": [TG_BEHINDERUNG],
            "life_phases": [LP_0_3, LP_3_6],
            "social_spaces": [R_WESTEND],
            "fields_of_action": [FA_TEILHABE, FA_GESUND],
            "strategic_goals": [G_TEILHABE_ANGEBOTE],
            "poverty_focus": Focus.PREVENT,
            "reach_planned": None,
            "reach_actual": None,
            "budget_eur": None,
            "funding_source": "",
            "funding_ends_on": None,
            "evidence_level": None,
            "good_practice": [],
            "external_partners": "",
        },
        {
            "title": "Monitoring Kinderarmut und Sozialraumanalyse",
            "summary": (
                "Jährlicher Bericht zu Kinderarmut im Bezirk als Grundlage für die Planung "
                "des Präventionsnetzes."
            ),
            "description": (
                "Die QPK wertet Daten zu Transferleistungen, Einschulungsuntersuchungen und "
                "Kitabesuch auf Ebene der Bezirksregionen aus und stellt sie dem Kernteam, dem "
                "Jugendhilfeausschuss und der Bezirksverordnetenversammlung vor. Bezirksweit."
            ),
            "status": Status.RUNNING,
            "start_date": date(2023, 1, 1),
            "end_date": None,
            "departments": {"QPK": Role.LEAD, "Jug": Role.ADVISORY, "Ges": Role.ADVISORY},
            "contact": DEMO_KOORDINATION_EMAIL,
            "target_groups": [TG_SGB2, TG_BELASTET],
            "life_phases": [],
            "social_spaces": [],
            "fields_of_action": [FA_TEILHABE],
            "strategic_goals": [G_BETEILIGUNG],
            "poverty_focus": Focus.BOTH,
            "reach_planned": None,
            "reach_actual": None,
            "budget_eur": Decimal("5000.00"),
            "funding_source": "Bezirkshaushalt (Regelfinanzierung)",
            "funding_ends_on": None,
            "evidence_level": None,
            "good_practice": [GP_VERNETZUNG, GP_DOKUMENTATION, GP_QUALITAET],
            "external_partners": "Amt für Statistik Berlin-Brandenburg",
        },
        {
            "title": "Elterncafés in Familienzentren",
            "summary": (
                "Offene Treffpunkte für Eltern mit kleinen Kindern mit Beratung, Austausch "
                "und Kinderbetreuung."
            ),
            "description": (
                "Eltern treffen sich wöchentlich mit ihren Kindern, eine Fachkraft der "
                "Familienbildung ist ansprechbar und holt bei Bedarf Beratung aus Jugend- und "
                "Gesundheitsamt dazu."
            ),
            "status": Status.RUNNING,
            "start_date": date(2022, 3, 1),
            "end_date": None,
            "departments": {"FBW": Role.LEAD, "Jug": Role.FUNDING},
            "contact": "renate.fischer@demo.praeventionsnetz.de",
            "target_groups": [TG_ALLEIN, TG_FLUCHT, TG_FRUEHE_HILFEN],
            "life_phases": [LP_0_3, LP_ELTERN],
            "social_spaces": [R_NORD, R_HALENSEE],
            "fields_of_action": [FA_TEILHABE],
            "strategic_goals": [G_BETEILIGUNG, G_TEILHABE_ANGEBOTE],
            "poverty_focus": Focus.PREVENT,
            "reach_planned": 200,
            "reach_actual": 180,
            "budget_eur": Decimal("42000.00"),
            "funding_source": "Bezirkliche Mittel der Familienförderung",
            "funding_ends_on": date(today.year + 1, 12, 31),
            "evidence_level": 1,
            "good_practice": [GP_NIEDRIGSCHWELLIG, GP_PARTIZIPATION, GP_EMPOWERMENT],
            "external_partners": "",
        },
        {
            "title": "Gesundheitslotsinnen für geflüchtete Familien",
            "summary": (
                "Lotsinnen aus den Communities begleiten Schwangere und Familien in "
                "Gemeinschaftsunterkünften zu Vorsorge, Impfungen und Kinderärzten."
            ),
            "description": (
                "Geplant ist ein Lotsinnenprogramm in zwei Gemeinschaftsunterkünften. "
                "Die Lotsinnen werden vom Gesundheitsamt geschult; das Sozialamt klärt "
                "Leistungsansprüche."
            ),
            "status": Status.PLANNED,
            "start_date": in_days(150),
            "end_date": in_days(150 + 730),
            "departments": {"Ges": Role.LEAD, "Soz": Role.PARTNER},
            "contact": "miriam.yilmaz@demo.praeventionsnetz.de",
            "target_groups": [TG_FLUCHT, TG_FRUEHE_HILFEN],
            "life_phases": [LP_SCHWANGERSCHAFT, LP_0_3, LP_ELTERN],
            "social_spaces": [R_WESTEND],
            "fields_of_action": [FA_GESUND, FA_TEILHABE],
            "strategic_goals": [G_RUND_UM_GEBURT],
            "poverty_focus": Focus.BOTH,
            "reach_planned": 120,
            "reach_actual": None,
            "budget_eur": Decimal("70000.00"),
            "funding_source": "Landesprogramm Integrationsfonds",
            "funding_ends_on": in_days(150 + 730),
            "evidence_level": 1,
            "good_practice": [GP_MULTIPLIKATOREN, GP_ZIELGRUPPE, GP_EMPOWERMENT],
            "external_partners": "Betreiber der Gemeinschaftsunterkünfte",
        },
    ]


def upsert(model, lookup, values):
    """Create the row or save only the fields that differ: an unchanged row is not written,
    so a re-run adds no history records. Returns (object, created)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            if getattr(obj, field.attname) != (value.pk if value is not None else None):
                changed.append(name)
        elif getattr(obj, name) != value:
            changed.append(name)
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=[*changed, "updated_at"])
    return obj, False


def ensure_departments():
    """The demo departments by short name; seed_synthetic reuses them."""
    return {
        short: upsert(
            Department,
            {"short_name": short},
            {"name": name, "kind": kind, "colour": colour, "description": description},
        )[0]
        for short, name, kind, colour, description in DEPARTMENTS
    }


def ensure_mss_status_classes(*, overwrite=True):
    """Set the illustrative MSS classes; with overwrite=False only where none is entered yet."""
    regions = SocialSpace.objects.bezirksregionen().filter(name__in=MSS_STATUS_CLASSES)
    for region in regions:
        if overwrite or region.mss_status_class is None:
            upsert(
                SocialSpace,
                {"pk": region.pk},
                {"mss_status_class": MSS_STATUS_CLASSES[region.name]},
            )


def _by_name(model, names, queryset=None, key="name"):
    """Look catalogue entries up by name; a missing one means the seed migration did not run."""
    queryset = queryset if queryset is not None else model.objects.all()
    found = {getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": names})}
    missing = sorted(set(names) - set(found))
    if missing:
        raise CommandError(
            _(
                "Stammdaten fehlen (%(model)s: %(names)s). "
                "Bitte zuerst „manage.py migrate“ ausführen."
            )
            % {"model": model._meta.verbose_name_plural, "names": ", ".join(missing)}
        )
    return found


def _ensure_user(email, first_name, last_name, role, password):
    """A user in exactly one role group; demo logins get the demo password on every run,
    everyone else has no usable password and cannot log in."""
    try:
        group = Group.objects.get(name=role)
    except Group.DoesNotExist:
        raise CommandError(
            _("Die Rolle „%(role)s“ fehlt. Bitte zuerst „manage.py migrate“ ausführen.")
            % {"role": role}
        ) from None
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "is_active": True,
        "is_staff": role in (roles.KOORDINATION, roles.ADMIN),
        "is_superuser": role == roles.ADMIN,
    }
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, **values)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    else:
        changed = [name for name, value in values.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, values[name])
        if password:
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
    user.groups.set([group])
    return user


def _sync_participations(measure, wanted):
    """Make the measure's participations exactly `wanted` ({Department: role}).

    Leads are written last, so the partial unique index never sees two leads at once."""
    existing = {p.department_id: p for p in measure.participations.all()}
    wanted_roles = {department.pk: role for department, role in wanted.items()}
    for department_id, participation in existing.items():
        if department_id not in wanted_roles:
            participation.delete()
    for department_id, role in sorted(wanted_roles.items(), key=lambda item: item[1] == Role.LEAD):
        participation = existing.get(department_id)
        if participation is None:
            Participation.objects.create(measure=measure, department_id=department_id, role=role)
        elif participation.role != role:
            participation.role = role
            participation.save(update_fields=["role", "updated_at"])


class Command(BaseCommand):
    help = "Lädt das Demo-Netzwerk Charlottenburg-Wilmersdorf (mehrfach ausführbar)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Lädt die Demo-Daten und zeigt danach die Demo-Zugänge (nur im DEBUG-Modus).",
        )

    def handle(self, *args, print_logins=False, **options):
        with transaction.atomic():
            summary = self.seed()
        from praevention.meetings.demo import seed_demo_meetings  # two past core-team meetings

        seed_demo_meetings()
        if print_logins:
            self.print_logins()
        else:
            self.stdout.write(
                _(
                    "Demo-Netzwerk geladen: %(departments)d Fachbereiche, %(persons)d Personen "
                    "(%(core)d im Kernteam), %(goals)d strategische Ziele, %(measures)d Maßnahmen "
                    "mit %(participations)d Beteiligungen."
                )
                % summary
            )

    def seed(self):
        """Runs inside handle's transaction: on PostgreSQL the lead trigger checks at commit."""
        departments = ensure_departments()
        ensure_mss_status_classes()

        fields = _by_name(FieldOfAction, list(STRATEGIC_GOALS))
        goals = {}
        for field_name, titles in STRATEGIC_GOALS.items():
            for title in titles:
                goals[title], _created = upsert(
                    StrategicGoal, {"field_of_action": fields[field_name], "title": title}, {}
                )

        persons = {}
        demo_emails = {email for _role, email in DEMO_LOGINS}
        for email, first, last, short, function, phone, role, joined in PEOPLE:
            password = DEMO_PASSWORD if email in demo_emails else None
            user = _ensure_user(email, first, last, role, password)
            persons[email], _created = upsert(
                Person,
                {"user": user},
                {
                    "department": departments[short],
                    "function": function,
                    "phone": phone,
                    "is_core_team": joined is not None,
                    "joined_on": joined,
                },
            )

        measures = demo_measures(timezone.localdate())
        catalog = self._catalog(measures)
        participations = 0
        for data in measures:
            self._seed_measure(data, departments, persons, catalog)
            participations += len(data["departments"])
        return {
            "departments": len(departments),
            "persons": len(persons),
            "core": sum(1 for p in PEOPLE if p[-1] is not None),
            "goals": len(goals),
            "measures": len(measures),
            "participations": participations,
        }

    def _catalog(self, measures):
        """All catalogue entries the measures name, one query per catalogue."""

        def names(key):
            return sorted({name for data in measures for name in data[key]})

        return {
            "target_groups": _by_name(TargetGroup, names("target_groups")),
            "life_phases": _by_name(LifePhase, names("life_phases")),
            "social_spaces": _by_name(
                SocialSpace,
                names("social_spaces"),
                queryset=SocialSpace.objects.bezirksregionen(),
            ),
            "fields_of_action": _by_name(FieldOfAction, names("fields_of_action")),
            "strategic_goals": _by_name(StrategicGoal, names("strategic_goals"), key="title"),
            "good_practice": _by_name(GoodPracticeCriterion, names("good_practice")),
            "evidence_levels": {level.level: level for level in EvidenceLevel.objects.all()},
        }

    def _seed_measure(self, data, departments, persons, catalog):
        evidence = data["evidence_level"]
        if evidence is not None and evidence not in catalog["evidence_levels"]:
            raise CommandError(_("Evidenzstufe %(level)s fehlt.") % {"level": evidence})
        values = {
            "summary": data["summary"],
            "description": data["description"],
            "status": data["status"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "poverty_focus": data["poverty_focus"],
            "reach_planned": data["reach_planned"],
            "reach_actual": data["reach_actual"],
            "budget_eur": data["budget_eur"],
            "funding_source": data["funding_source"],
            "funding_ends_on": data["funding_ends_on"],
            "contact_person": persons[data["contact"]],
            "external_partners": data["external_partners"],
            "evidence_level": catalog["evidence_levels"].get(evidence),
            "evaluation_notes": data.get("evaluation_notes", ""),
            "links": data.get("links", ""),
            "is_archived": False,
        }
        measure, _created = upsert(Measure, {"title": data["title"]}, values)
        _sync_participations(
            measure, {departments[short]: role for short, role in data["departments"].items()}
        )
        for key in (
            "target_groups",
            "life_phases",
            "social_spaces",
            "fields_of_action",
            "strategic_goals",
        ):
            getattr(measure, key).set([catalog[key][name] for name in data[key]])
        measure.good_practice_criteria.set(
            [catalog["good_practice"][name] for name in data["good_practice"]]
        )
        return measure

    def print_logins(self):
        """The demo password is public, but it is only shown on a local DEBUG run."""
        if not settings.DEBUG:
            self.stdout.write(
                _("Demo-Zugänge werden nur im DEBUG-Modus angezeigt (DEBUG=1 in .env setzen).")
            )
            return
        headers = (_("Rolle"), _("E-Mail"), _("Passwort"))
        rows = [(str(roles.LABELS[role]), email, DEMO_PASSWORD) for role, email in DEMO_LOGINS]
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(3)]

        def line(cells):
            cells = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            return "  ".join(cells).rstrip()

        self.stdout.write(_("Demo-Zugänge (nur für die lokale Vorführung):"))
        self.stdout.write(line(headers))
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row))
