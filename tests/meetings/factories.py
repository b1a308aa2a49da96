"""Factories for the meetings app (kept here, next to its tests)."""

import datetime

import factory
from django.utils import timezone

from praevention.meetings.models import Comment, Decision, FollowUp, Meeting
from tests.factories import MeasureFactory, PersonFactory, UserFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Kernteamsitzung {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    place = "Rathaus Charlottenburg, Raum 214"
    agenda = "Begrüßung\nBericht aus den Fachbereichen"

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.set(extracted)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Beschluss {n}: Das Kernteam stimmt sich ab.")

    @factory.post_generation
    def measures(self, create, extracted, **kwargs):
        if create and extracted:
            self.measures.set(extracted)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    title = factory.Sequence(lambda n: f"Aufgabe {n}")
    responsible = factory.SubFactory(PersonFactory)
    department = factory.LazyAttribute(lambda o: o.responsible.department)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    meeting = factory.SubFactory(MeetingFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    measure = factory.SubFactory(MeasureFactory)
    author = factory.SubFactory(UserFactory)
    text = "Gibt es schon Zahlen zur Reichweite?"
