"""Create many synthetic measures for benchmarks: `manage.py seed_synthetic --measures 20000`.

Everything is written with bulk_create (measures, participations and the M2M through rows), so
20,000 measures take seconds, not minutes. bulk_create sends no signals: no history rows are
created for synthetic data, and none are needed for benchmarks.

The distribution is skewed on purpose, so overview and gap pages look like a real district:
a few departments, target groups and regions carry most measures, some life phase × target
group cells stay empty, a few are held only by measures that end within six months, and one
region with high need gets hardly any measures. The same
--seed gives the same data; a second run continues the title numbering.
"""

import random
import re
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.catalog import monitoring
from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    LifePhase,
    SocialSpace,
    TargetGroup,
)
from praevention.demo.management.commands import seed_demo as demo
from praevention.measures.models import Measure, Participation
from praevention.network.models import Department

BATCH_SIZE = 2000
TITLE_NUMBER = re.compile(r" #(\d+)$")

Kind = Department.Kind
Role = Participation.Role
Status = Measure.Status
Focus = Measure.PovertyFocus

# Departments beyond the demo ones, so there are about twelve: (short, name, kind, colour).
EXTRA_DEPARTMENTS = [
    ("Stapl", "Stadtentwicklungsamt", Kind.AMT, "#00695c"),
    ("WbK", "Amt für Weiterbildung und Kultur", Kind.AMT, "#283593"),
    ("SGA", "Straßen- und Grünflächenamt", Kind.AMT, "#4e7a1e"),
    ("JC", "Jobcenter Charlottenburg-Wilmersdorf", Kind.PARTNER, "#b23c17"),
    ("JHW", "Jugendhilfe Westend gGmbH", Kind.PARTNER, "#5b4636"),
]

# How often a department takes part; unknown departments get DEFAULT_WEIGHT.
DEFAULT_WEIGHT = 2
DEPARTMENT_WEIGHTS = {
    "Jug": 30,
    "Ges": 14,
    "SchuS": 12,
    "Soz": 8,
    "JHW": 6,
    "FBW": 5,
    "NBN": 4,
    "JC": 4,
    "QPK": 3,
    "WbK": 3,
    "Stapl": 1,
    "SGA": 1,
}

# Catalogue names as catalog/migrations/0002_seed_catalog.py seeds them; the skew below is
# synthetic-only (the demo network names its catalogue entries in its data file).
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


TARGET_GROUP_WEIGHTS = {
    TG_BELASTET: 30,
    TG_SGB2: 22,
    TG_FLUCHT: 18,
    TG_ALLEIN: 12,
    TG_FRUEHE_HILFEN: 9,
    TG_OHNE_KITA: 5,
    TG_KINDERREICH: 3,
    TG_BEHINDERUNG: 1,
}

# Life phases a target group is ever combined with, and how often. Cells left out stay empty,
# e.g. children with disabilities × training and work. Unknown groups may meet every phase.
PHASES_BY_TARGET_GROUP = {
    TG_OHNE_KITA: {LP_3_6: 10, LP_ELTERN: 3, LP_0_3: 1},
    TG_FRUEHE_HILFEN: {LP_SCHWANGERSCHAFT: 6, LP_0_3: 8, LP_ELTERN: 5},
    TG_BEHINDERUNG: {LP_0_3: 2, LP_3_6: 3, LP_6_10: 2, LP_10_16: 1},
    TG_KINDERREICH: {LP_ELTERN: 5, LP_3_6: 2, LP_6_10: 2, LP_10_16: 1},
    TG_BELASTET: {
        LP_0_3: 2,
        LP_3_6: 4,
        LP_6_10: 6,
        LP_10_16: 6,
        LP_16_27: 2,
        LP_ELTERN: 2,
    },
    TG_SGB2: {
        LP_0_3: 1,
        LP_3_6: 2,
        LP_6_10: 3,
        LP_10_16: 3,
        LP_16_27: 2,
        LP_ELTERN: 5,
    },
    TG_FLUCHT: {
        LP_SCHWANGERSCHAFT: 1,
        LP_0_3: 2,
        LP_3_6: 4,
        LP_6_10: 4,
        LP_10_16: 2,
        LP_16_27: 1,
        LP_ELTERN: 4,
    },
    TG_ALLEIN: {
        LP_SCHWANGERSCHAFT: 1,
        LP_0_3: 3,
        LP_3_6: 2,
        LP_6_10: 1,
        LP_ELTERN: 6,
    },
}

# Cells no regular plan reaches, each held by a few running measures that end within six
# months: the gap radar's "cells that would become empty". (target group, phase, activity)
ENDING_CELLS = [
    (TG_OHNE_KITA, LP_6_10, "Schulstartbegleitung"),
    (TG_KINDERREICH, LP_0_3, "Familienpatenschaften"),
    (TG_ALLEIN, LP_10_16, "Ferienbetreuung"),
]
ENDING_MEASURES_PER_CELL = 2
ENDING_CELLS_FROM = 100  # smaller runs keep to the regular plans

# (activity, fields of action, weight): the activity names the title and sets the fields.
ACTIVITIES = [
    ("Sprachförderung", [FA_BILDUNG], 8),
    ("Hausaufgabenhilfe", [FA_BILDUNG], 6),
    ("Elterncafé", [FA_TEILHABE], 6),
    ("Bewegungsangebot", [FA_GESUND], 6),
    ("Sozialberatung", [FA_MATERIELL], 5),
    ("Familienbildungskurs", [FA_BILDUNG, FA_TEILHABE], 4),
    ("Beratung zu Bildung und Teilhabe", [FA_MATERIELL, FA_TEILHABE], 4),
    ("Ferienprogramm", [FA_TEILHABE], 4),
    ("Lernpatenschaften", [FA_BILDUNG, FA_TEILHABE], 3),
    ("Ernährungsberatung", [FA_GESUND], 3),
    ("Hebammensprechstunde", [FA_GESUND], 3),
    ("Willkommensbesuche", [FA_GESUND, FA_TEILHABE], 2),
    ("Zahnprophylaxe", [FA_GESUND], 2),
    ("Schuldnerberatung für Familien", [FA_MATERIELL], 2),
    ("Mittagstisch", [FA_MATERIELL, FA_GESUND], 2),
    ("Berufsorientierung", [FA_BILDUNG, FA_MATERIELL], 2),
    ("Kulturprojekt", [FA_TEILHABE], 2),
    ("Sportpatenschaften", [FA_TEILHABE, FA_GESUND], 1),
]

STATUS_WEIGHTS = {
    Status.RUNNING: 52,
    Status.PLANNED: 20,
    Status.COMPLETED: 15,
    Status.IDEA: 7,
    Status.PAUSED: 6,
}
ARCHIVED_SHARE = {Status.COMPLETED: 0.45, Status.IDEA: 0.10}
FOCUS_WEIGHTS = {Focus.MITIGATE: 30, Focus.PREVENT: 35, Focus.BOTH: 35}
ROLE_WEIGHTS = {Role.PARTNER: 6, Role.FUNDING: 2, Role.ADVISORY: 2}
EVIDENCE_WEIGHTS = {0: 50, 1: 25, 2: 18, 3: 7}
REGULAR_FUNDING = "Bezirkshaushalt (Regelfinanzierung)"
FUNDING_SOURCES = [
    "Landesprogramm Prävention von Kinder- und Familienarmut",
    "Bundesstiftung Frühe Hilfen",
    "GKV-Bündnis für Gesundheit",
    "Europäischer Sozialfonds Plus (ESF+)",
    "Stiftungsmittel",
    "Bildungs- und Teilhabepaket",
]

# Regions with more need (higher MSS class) get more measures.
NEED_WEIGHTS = {None: 2, 1: 1, 2: 2, 3: 4, 4: 6}


def weighted_sample(rng, population, weights, k):
    """Up to k distinct items, drawn by weight."""
    pool = list(zip(population, weights, strict=True))
    chosen = []
    while pool and len(chosen) < k:
        index = rng.choices(range(len(pool)), weights=[w for _item, w in pool])[0]
        chosen.append(pool.pop(index)[0])
    return chosen


def next_title_number():
    """The first free number: titles end in " #n", and a second run must not reuse any n."""
    titles = Measure.objects.filter(title__regex=r" #[0-9]+$").values_list("title", flat=True)
    return max((int(TITLE_NUMBER.search(t).group(1)) for t in titles.iterator()), default=0) + 1


def ensure_departments():
    """The demo departments plus a few more, each with its participation weight."""
    departments = demo.ensure_departments()
    for short, name, kind, colour in EXTRA_DEPARTMENTS:
        departments[short], _created = demo.upsert(
            Department, {"short_name": short}, {"name": name, "kind": kind, "colour": colour}
        )
    return [(d, DEPARTMENT_WEIGHTS.get(d.short_name, DEFAULT_WEIGHT)) for d in departments.values()]


def phase_weights(target_group, life_phases):
    """{LifePhase: weight} a target group may meet; every phase for groups not listed above."""
    known = PHASES_BY_TARGET_GROUP.get(target_group.name, {})
    weights = {life_phases[name]: w for name, w in known.items() if name in life_phases}
    return weights or dict.fromkeys(life_phases.values(), 1)


def region_weights(rng, regions):
    """Need-based weights with a random spread; the last high-need region is left underserved."""
    _year, needs = monitoring.needs(regions)
    classes = [needs[r.lor_number].status_class for r in regions]
    weights = [NEED_WEIGHTS.get(c, 2) * rng.uniform(0.4, 1.6) for c in classes]
    high_need = [i for i, r in enumerate(regions) if monitoring.is_high_need(needs[r.lor_number])]
    if len(high_need) > 1:
        weights[high_need[-1]] = 0.15
    return weights


class Command(BaseCommand):
    help = "Legt viele synthetische Maßnahmen für Lasttests an (ohne Änderungshistorie)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--measures", type=int, required=True, help="Anzahl der neuen Maßnahmen"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Startwert des Zufallsgenerators (Standard: 1)"
        )

    def handle(self, *args, measures, seed, **options):
        if measures < 1:
            raise CommandError(_("--measures muss mindestens 1 sein."))
        started = time.monotonic()
        with transaction.atomic():
            counts = self.generate(measures, seed)
        counts["seconds"] = time.monotonic() - started
        self.stdout.write(
            _(
                "%(measures)d synthetische Maßnahmen angelegt (Nr. %(first)d bis %(last)d) "
                "mit %(participations)d Beteiligungen und %(links)d Zuordnungen "
                "in %(seconds).1f s."
            )
            % counts
        )

    def generate(self, count, seed):
        """All rows in one transaction: the PostgreSQL trigger checks the leads at commit."""
        departments = ensure_departments()
        target_groups = list(TargetGroup.objects.order_by("position", "name"))
        life_phases = {phase.name: phase for phase in LifePhase.objects.all()}
        regions = list(SocialSpace.objects.bezirksregionen().order_by("lor_number"))
        fields = {field.name: field for field in FieldOfAction.objects.all()}
        evidence = {level.level: level.pk for level in EvidenceLevel.objects.all()}
        if not (target_groups and life_phases and regions and fields):
            raise CommandError(_("Stammdaten fehlen. Bitte zuerst „manage.py migrate“ ausführen."))

        first = next_title_number()
        # The start number is part of the seed, so a second run draws new data, deterministically.
        rng = random.Random(f"{seed}:{first}")
        today = timezone.localdate()
        weighted_groups = [
            (tg, TARGET_GROUP_WEIGHTS.get(tg.name, DEFAULT_WEIGHT)) for tg in target_groups
        ]
        phases_by_tg = {tg.pk: phase_weights(tg, life_phases) for tg in target_groups}
        weighted_regions = list(zip(regions, region_weights(rng, regions), strict=True))

        ending = []
        if count >= ENDING_CELLS_FROM:
            by_name = {tg.name: tg for tg in target_groups}
            ending = [
                (by_name[group], life_phases[phase], activity)
                for group, phase, activity in ENDING_CELLS
                if group in by_name and phase in life_phases
            ] * ENDING_MEASURES_PER_CELL
        measures, plans = [], []
        for index, number in enumerate(range(first, first + count)):
            plan = self.plan(
                rng,
                departments=departments,
                target_groups=weighted_groups,
                phases_by_tg=phases_by_tg,
                regions=weighted_regions,
                fields=fields,
            )
            if index < len(ending):
                group, phase, activity = ending[index]
                plan.update(
                    target_groups=[group], life_phases=[phase], activity=activity, ends_soon=True
                )
            measures.append(self.build(rng, number, plan, today, evidence))
            plans.append(plan)
        Measure.objects.bulk_create(measures, batch_size=BATCH_SIZE)
        if measures[0].pk is None:  # only on databases without RETURNING (not PG, not SQLite)
            raise CommandError(_("Die Datenbank liefert keine IDs für Masseneinfügungen."))

        participations = []
        through = {
            key: (getattr(Measure, key).through, getattr(Measure, key).field)
            for key in ("target_groups", "life_phases", "social_spaces", "fields_of_action")
        }
        links = {key: [] for key in through}
        for measure, plan in zip(measures, plans, strict=True):
            for department, role in plan["departments"]:
                participations.append(
                    Participation(measure_id=measure.pk, department_id=department.pk, role=role)
                )
            for key, (model, field) in through.items():
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                links[key].extend(
                    model(**{f"{source}_id": measure.pk, f"{target}_id": obj.pk})
                    for obj in plan[key]
                )
        Participation.objects.bulk_create(participations, batch_size=BATCH_SIZE)
        for key, rows in links.items():
            through[key][0].objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return {
            "measures": count,
            "first": first,
            "last": first + count - 1,
            "participations": len(participations),
            "links": sum(len(rows) for rows in links.values()),
        }

    def plan(self, rng, *, departments, target_groups, phases_by_tg, regions, fields):
        """Who runs the measure, whom and where it reaches; catalogues come as (item, weight)."""
        depts, dept_weights = zip(*departments, strict=True)
        partner_count = rng.choices([0, 1, 2, 3], weights=[45, 30, 17, 8])[0]
        chosen = weighted_sample(rng, depts, dept_weights, 1 + partner_count)
        roles = [Role.LEAD] + rng.choices(
            list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()), k=len(chosen) - 1
        )

        groups_only, tg_weights = zip(*target_groups, strict=True)
        primary = rng.choices(groups_only, weights=tg_weights)[0]
        allowed = phases_by_tg[primary.pk]
        phase_count = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
        phases = weighted_sample(rng, list(allowed), list(allowed.values()), phase_count)
        # Further target groups only where every chosen phase fits them: empty cells stay empty.
        fitting = [
            (tg, w)
            for tg, w in target_groups
            if tg != primary and all(phase in phases_by_tg[tg.pk] for phase in phases)
        ]
        extra = rng.choices([0, 1, 2], weights=[55, 33, 12])[0]
        groups = [primary]
        if fitting:
            groups += weighted_sample(rng, *zip(*fitting, strict=True), extra)

        region_count = rng.choices([0, 1, 2, 3], weights=[8, 60, 22, 10])[0]
        spaces = weighted_sample(rng, *zip(*regions, strict=True), region_count)

        activity, field_names, _weight = rng.choices(
            ACTIVITIES, weights=[a[2] for a in ACTIVITIES]
        )[0]
        field_objs = [fields[name] for name in field_names if name in fields] or [
            rng.choice(list(fields.values()))
        ]
        return {
            "departments": list(zip(chosen, roles, strict=True)),
            "target_groups": groups,
            "life_phases": phases,
            "social_spaces": spaces,
            "fields_of_action": field_objs,
            "activity": activity,
        }

    def build(self, rng, number, plan, today, evidence):
        """An unsaved Measure with dates, funding, reach and budget that fit its status."""
        ends_soon = plan.get("ends_soon", False)
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        if ends_soon:
            status = Status.RUNNING
        start, end = self.dates(rng, status, ends_soon, today)
        funding_source, funding_ends = self.funding(rng, status, end, today)

        reach_planned = reach_actual = None
        if status != Status.IDEA:
            reach_planned = max(5, int(rng.lognormvariate(4, 0.9)))
            if status in (Status.RUNNING, Status.COMPLETED, Status.PAUSED):
                reach_actual = int(reach_planned * rng.uniform(0.3, 1.15))
        budget = None
        if rng.random() < 0.8:
            budget = Decimal(min(int(rng.lognormvariate(10, 1.1)), 5_000_000) // 100 * 100)

        evidence_id = None
        if evidence and rng.random() < 0.9:
            levels = [level for level in EVIDENCE_WEIGHTS if level in evidence]
            if levels:
                level = rng.choices(levels, weights=[EVIDENCE_WEIGHTS[lv] for lv in levels])[0]
                evidence_id = evidence[level]

        region = plan["social_spaces"][0].name if plan["social_spaces"] else _("bezirksweit")
        groups = ", ".join(tg.name for tg in plan["target_groups"])
        phases = ", ".join(phase.name for phase in plan["life_phases"]) or "–"
        return Measure(
            title=f"{plan['activity']} – {region} #{number}",
            summary=_("%(activity)s für %(groups)s.")
            % {
                "activity": plan["activity"],
                "groups": groups,
            },
            description=_(
                "Synthetische Testdaten. %(activity)s in %(region)s für %(groups)s "
                "(Lebensphasen: %(phases)s)."
            )
            % {"activity": plan["activity"], "region": region, "groups": groups, "phases": phases},
            status=status,
            start_date=start,
            end_date=end,
            poverty_focus=rng.choices(list(FOCUS_WEIGHTS), weights=list(FOCUS_WEIGHTS.values()))[0],
            reach_planned=reach_planned,
            reach_actual=reach_actual,
            budget_eur=budget,
            funding_source=funding_source,
            funding_ends_on=funding_ends,
            evidence_level_id=evidence_id,
            is_archived=not ends_soon and rng.random() < ARCHIVED_SHARE.get(status, 0.01),
        )

    def dates(self, rng, status, ends_soon, today):
        """(start, end) that fit the status: running measures started in the past, planned
        ones start later, completed ones ended before today; an end may be open."""
        start = end = None
        if status == Status.RUNNING:
            start = today - timedelta(days=rng.randint(30, 3650))
            if ends_soon:
                end = today + timedelta(days=rng.randint(14, 170))
            elif rng.random() < 0.55:
                end = today + timedelta(days=self.days_ahead(rng))
        elif status == Status.PLANNED:
            start = today + timedelta(days=rng.randint(14, 365))
            if rng.random() < 0.5:
                end = start + timedelta(days=rng.randint(180, 1095))
        elif status == Status.PAUSED:
            start = today - timedelta(days=rng.randint(180, 2000))
            if rng.random() < 0.5:
                end = today + timedelta(days=rng.randint(30, 700))
        elif status == Status.COMPLETED:
            start = today - timedelta(days=rng.randint(400, 3650))
            end = min(start + timedelta(days=rng.randint(90, 1460)), today - timedelta(days=1))
        return start, end

    def funding(self, rng, status, end, today):
        """(funding source, end of funding): regular funding, a programme or none."""
        funding_source, funding_ends = "", None
        if rng.random() < 0.75:
            if rng.random() < 0.35:
                funding_source = REGULAR_FUNDING
            else:
                funding_source = rng.choice(FUNDING_SOURCES)
                if status == Status.COMPLETED:
                    funding_ends = end
                elif status != Status.IDEA:
                    # Independent of the end date: funding may run out before the measure.
                    funding_ends = today + timedelta(days=self.days_ahead(rng))
        return funding_source, funding_ends

    @staticmethod
    def days_ahead(rng):
        """Days until an end: a quarter within the next six months, the rest later."""
        if rng.random() < 0.25:
            return rng.randint(1, 182)
        return rng.randint(183, 1460)
