"""factory-boy factories for every model; catalogue entries reuse the seeded master data."""

import factory
from django.contrib.auth.models import Group
from django.db import transaction

from praevention.accounts import roles
from praevention.accounts.models import User
from praevention.catalog.models import (
    ActionGoal,
    FieldOfAction,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.measures.models import Measure, Participation
from praevention.network.models import Department, Person

PASSWORD = "Kernteam-2023!"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Fachbereich {n}")
    short_name = factory.Sequence(lambda n: f"FB{n}")
    kind = Department.Kind.AMT
    colour = "#1f6f8b"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@ba-cw.berlin.de")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role=roles.KERNTEAM) puts the user into that role's group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted in (roles.KOORDINATION, roles.ADMIN):
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    function = "Fachkraft"
    is_core_team = True


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup

    name = factory.Sequence(lambda n: f"Zielgruppe {n}")
    position = factory.Sequence(lambda n: 100 + n)


class LifePhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifePhase

    name = factory.Sequence(lambda n: f"Lebensphase {n}")
    position = factory.Sequence(lambda n: 100 + n)


class FieldOfActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldOfAction

    name = factory.Sequence(lambda n: f"Handlungsfeld {n}")


class StrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    field_of_action = factory.LazyFunction(lambda: FieldOfAction.objects.order_by("pk").first())
    title = factory.Sequence(lambda n: f"Strategisches Ziel {n}")


class ActionGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionGoal

    strategic_goal = factory.SubFactory(StrategicGoalFactory)
    title = factory.Sequence(lambda n: f"Handlungsziel {n}")


class SocialSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialSpace

    lor_number = factory.Sequence(lambda n: f"{9000 + n:04d}")
    name = factory.Sequence(lambda n: f"Prognoseraum {n}")
    level = SocialSpace.Level.PROGNOSERAUM


class MeasureFactory(factory.django.DjangoModelFactory):
    """A measure always comes with its lead: MeasureFactory(lead=dept, partners=[…])."""

    class Meta:
        model = Measure
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    summary = "Kurzbeschreibung der Maßnahme"
    status = Measure.Status.RUNNING

    @classmethod
    def _generate(cls, strategy, params):
        # The lead is written in the same transaction: PostgreSQL checks it at commit.
        with transaction.atomic():
            return super()._generate(strategy, params)

    @factory.post_generation
    def lead(self, create, extracted, **kwargs):
        if create:
            Participation.objects.create(
                measure=self,
                department=extracted or DepartmentFactory(),
                role=Participation.Role.LEAD,
            )

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            for department in extracted:
                Participation.objects.create(
                    measure=self, department=department, role=Participation.Role.PARTNER
                )

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_groups.set(extracted)

    @factory.post_generation
    def life_phases(self, create, extracted, **kwargs):
        if create and extracted:
            self.life_phases.set(extracted)

    @factory.post_generation
    def social_spaces(self, create, extracted, **kwargs):
        if create and extracted:
            self.social_spaces.set(extracted)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    measure = factory.SubFactory(MeasureFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Participation.Role.PARTNER
