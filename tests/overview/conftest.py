"""A small hand-built network whose every matrix cell is known, and a fast bulk builder."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from praevention.catalog.models import (
    FieldOfAction,
    LifePhase,
    SocialMonitoring,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.measures.models import Measure, Participation
from tests.factories import DepartmentFactory, MeasureFactory

RUNNING, PLANNED = Measure.Status.RUNNING, Measure.Status.PLANNED


def space(lor_number):
    return SocialSpace.objects.get(lor_number=lor_number)


@pytest.fixture
def member(client, kernteam_ges):
    client.force_login(kernteam_ges)
    return client


@pytest.fixture
def coordinator(client, koordination):
    client.force_login(koordination)
    return client


@pytest.fixture
def network(jugendamt, gesundheitsamt, qpk):
    """Six current measures, three that must never count, and one department without any.

    M1 is run by three departments, reaches two target groups and two Bezirksregionen of the
    same Prognoseraum; M3 is linked to a Prognoseraum directly; M5 has no catalogue links.
    """
    today = timezone.localdate()
    groups = list(TargetGroup.objects.order_by("position")[:4])
    a, b, c, d = groups
    # Every group in every life phase, as before the catalogue said otherwise: the figures
    # below (8 groups × 7 phases) are those of a network without phases set on its groups.
    for group in TargetGroup.objects.all():
        group.life_phases.clear()
    phases = {phase.position: phase for phase in LifePhase.objects.all()}
    p1, p3, p4 = phases[1], phases[3], phases[4]
    sozialamt = DepartmentFactory(name="Sozialamt", short_name="Soz")
    # Known needs: the official MSS values give way to one Planungsraum per region with the
    # class the region is to have (catalog.monitoring.NEED_RULE: the worst of its Planungsräume).
    SocialMonitoring.objects.all().delete()
    for lor, status_class in {"041001": 4, "043004": 3, "043005": 3, "044007": 1}.items():
        SocialMonitoring.objects.create(
            space=SocialSpace.objects.planungsraeume().filter(parent__lor_number=lor).first(),
            year=2021,
            status_class=status_class,
            inhabitants=5000,
        )

    m1 = MeasureFactory(
        title="M1 Kita-Sprachförderung",
        lead=jugendamt,
        partners=[gesundheitsamt, qpk],
        status=RUNNING,
        end_date=today + datetime.timedelta(days=400),
        target_groups=[a, b],
        life_phases=[p3, p4],
        social_spaces=[space("043004"), space("043005")],
    )
    m2 = MeasureFactory(
        title="M2 Elterncafé Nord",
        lead=jugendamt,
        status=RUNNING,
        end_date=today + datetime.timedelta(days=30),
        target_groups=[a],
        life_phases=[p3],
        social_spaces=[space("041001")],
    )
    m3 = MeasureFactory(
        title="M3 Schuleingangsberatung",
        lead=gesundheitsamt,
        status=PLANNED,
        target_groups=[b],
        life_phases=[p4],
        social_spaces=[space("0430")],
    )
    m4 = MeasureFactory(
        title="M4 Hebammensprechstunde",
        lead=gesundheitsamt,
        partners=[jugendamt],
        status=PLANNED,
        target_groups=[c],
        life_phases=[p1],
        social_spaces=[space("043004")],
    )
    m5 = MeasureFactory(title="M5 Netzwerktreffen", lead=qpk, status=RUNNING)
    m6 = MeasureFactory(
        title="M6 Lernpaten Grunewald",
        lead=qpk,
        status=RUNNING,
        funding_ends_on=today + datetime.timedelta(days=60),
        target_groups=[d],
        life_phases=[p4],
        social_spaces=[space("044007")],
    )
    # Never counted: archived, completed, an idea (outside the default planned + running).
    x1 = MeasureFactory(
        title="X1 archiviert",
        lead=sozialamt,
        status=RUNNING,
        is_archived=True,
        target_groups=[a],
        life_phases=[p3],
        social_spaces=[space("041001")],
    )
    MeasureFactory(
        title="X2 abgeschlossen",
        lead=gesundheitsamt,
        partners=[sozialamt],
        status=Measure.Status.COMPLETED,
        target_groups=[a],
        life_phases=[p3],
        social_spaces=[space("043004")],
    )
    MeasureFactory(title="X3 Idee", lead=qpk, status=Measure.Status.IDEA, target_groups=[c])

    bildung = FieldOfAction.objects.get(name="Bildung")
    goal = StrategicGoal.objects.create
    pursued = goal(field_of_action=bildung, title="Frühe Bildung für alle")
    only_archived = goal(field_of_action=bildung, title="Übergänge gelingen")
    forgotten = goal(field_of_action=bildung, title="Schulabschluss für alle")
    m1.strategic_goals.set([pursued])
    x1.strategic_goals.set([only_archived])

    return SimpleNamespace(
        today=today,
        jug=jugendamt,
        ges=gesundheitsamt,
        qpk=qpk,
        soz=sozialamt,
        a=a,
        b=b,
        c=c,
        d=d,
        p1=p1,
        p3=p3,
        p4=p4,
        m1=m1,
        m2=m2,
        m3=m3,
        m4=m4,
        m5=m5,
        m6=m6,
        goals_without=[only_archived, forgotten],
    )


def bulk_measures(count, departments, *, prefix="Bulk"):
    """`count` measures with a lead, a partner and links to every catalogue, in a few INSERTs.

    MeasureFactory runs a dozen statements per measure; this keeps 500 measures well under a
    second on SQLite.
    """
    groups = list(TargetGroup.objects.all())
    phases = list(LifePhase.objects.all())
    regions = list(SocialSpace.objects.bezirksregionen())
    today = timezone.localdate()
    statuses = itertools.cycle([RUNNING, RUNNING, PLANNED, Measure.Status.COMPLETED])
    measures = Measure.objects.bulk_create(
        Measure(
            title=f"{prefix} {n}",
            status=next(statuses),
            end_date=today + datetime.timedelta(days=n % 400),
            funding_ends_on=today + datetime.timedelta(days=(n * 7) % 500),
        )
        for n in range(count)
    )
    participations, tg_links, lp_links, space_links = [], [], [], []
    for n, measure in enumerate(measures):
        lead = departments[n % len(departments)]
        partner = departments[(n + 1) % len(departments)]
        participations.append(
            Participation(measure=measure, department=lead, role=Participation.Role.LEAD)
        )
        if partner != lead and n % 2:
            participations.append(Participation(measure=measure, department=partner))
        tg_links.append(
            Measure.target_groups.through(measure=measure, targetgroup=groups[n % len(groups)])
        )
        lp_links.append(
            Measure.life_phases.through(measure=measure, lifephase=phases[n % len(phases)])
        )
        space_links.append(
            Measure.social_spaces.through(measure=measure, socialspace=regions[n % len(regions)])
        )
    Participation.objects.bulk_create(participations)
    Measure.target_groups.through.objects.bulk_create(tg_links)
    Measure.life_phases.through.objects.bulk_create(lp_links)
    Measure.social_spaces.through.objects.bulk_create(space_links)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would give a real database: otherwise the planner
        # may still believe these tables empty from an earlier test and pick nested loops.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return measures
