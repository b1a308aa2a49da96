"""`manage.py seed_demo`: the demo network loads, loads again without change, and logs in."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.test import TestCase, override_settings
from django.utils import timezone

from praevention.accounts.models import User
from praevention.catalog.models import LifePhase, StrategicGoal, TargetGroup
from praevention.demo.management.commands.seed_demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_KERNTEAM_EMAIL,
    DEMO_KOORDINATION_EMAIL,
    DEMO_LOGINS,
    DEMO_PASSWORD,
)
from praevention.measures.models import Measure, Participation
from praevention.measures.services import measure_update
from praevention.network.models import Department, Person

pytestmark = pytest.mark.django_db

THROUGH_MODELS = [
    getattr(Measure, name).through
    for name in (
        "target_groups",
        "life_phases",
        "social_spaces",
        "fields_of_action",
        "strategic_goals",
        "good_practice_criteria",
    )
]


# The demo logins are hashed on every run; a fast hasher keeps the tests quick.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def seed_demo(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    """Rows in every table the project knows, history and M2M through tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_running_twice_gives_the_same_row_count_in_every_table():
    seed_demo()
    first = row_counts()
    seed_demo()
    assert row_counts() == first


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class TestTheSeededDemoNetwork(TestCase):
    """Read-only checks share one seeding: setUpTestData runs it once, rolled back afterwards."""

    @classmethod
    def setUpTestData(cls):
        seed_demo()

    def test_seeding_fills_departments_people_logins_measures_and_their_links(self):
        for model in [Department, Person, User, Measure, Participation, *THROUGH_MODELS]:
            assert model.objects.exists(), model._meta.label

    def test_the_core_team_has_about_ten_members_who_joined_in_early_2023(self):
        core_team = Person.objects.core_team()
        assert 8 <= core_team.count() <= 12
        assert all(p.joined_on.year == 2023 and p.joined_on.month <= 4 for p in core_team)

    def test_departments_have_distinct_colours_and_include_an_external_partner(self):
        colours = list(Department.objects.values_list("colour", flat=True))
        assert len(colours) == len(set(colours))
        assert Department.objects.filter(short_name="QPK", kind=Department.Kind.OE).exists()
        assert Department.objects.filter(kind=Department.Kind.PARTNER).exists()

    def test_the_two_named_measures_exist(self):
        assert Measure.objects.filter(title="Sprachförderung für Kinder ohne Kitaplatz").exists()
        assert Measure.objects.filter(
            title="Bewegungsangebote für Kinder und Jugendliche aus belasteten Familien"
        ).exists()

    def test_at_least_three_measures_are_run_by_two_or_more_departments(self):
        joint = Measure.objects.annotate(n=Count("participations")).filter(n__gte=2)
        assert joint.count() >= 3

    def test_every_measure_has_exactly_one_lead(self):
        leads = Measure.objects.annotate(
            leads=Count("participations", filter=Q(participations__role=Participation.Role.LEAD))
        )
        assert sorted({m.leads for m in leads}) == [1]

    def test_the_data_shows_overlaps_and_gaps(self):
        # Overlap: several departments lead measures for the same target group.
        burdened = TargetGroup.objects.get(name="Kinder und Jugendliche aus belasteten Familien")
        assert (
            Participation.objects.filter(
                measure__target_groups=burdened, role=Participation.Role.LEAD
            )
            .values("department")
            .distinct()
            .count()
            >= 3
        )
        # Gap: some life phase × target group cells have no measure.
        cells = set(
            Measure.target_groups.through.objects.filter(
                measure__life_phases__isnull=False
            ).values_list("targetgroup_id", "measure__life_phases")
        )
        assert len(cells) < TargetGroup.objects.count() * LifePhase.objects.count()

        # Gap: the Planungsraum of highest need (MSS 2021: Paul-Hertz-Siedlung, the only one in
        # class 4) has fewer running measures than its neighbour of middle status.
        def running_in(lor_number):
            return Measure.objects.filter(
                status=Measure.Status.RUNNING, social_spaces__lor_number=lor_number
            ).count()

        assert running_in("04100102") == 2
        assert running_in("04100102") < running_in("04100101")
        # Gap: a strategic goal without a measure.
        assert StrategicGoal.objects.filter(measures__isnull=True).exists()

    def test_some_funding_runs_out_within_the_next_six_months(self):
        today = timezone.localdate()
        assert Measure.objects.filter(
            funding_ends_on__gte=today, funding_ends_on__lte=today + timedelta(days=183)
        ).exists()

    def test_statuses_are_mixed_and_mostly_running(self):
        statuses = dict(Measure.objects.values_list("status").annotate(n=Count("id")))
        assert set(statuses) == set(Measure.Status.values)
        assert statuses[Measure.Status.RUNNING] > Measure.objects.count() / 2

    # client.login() passes no request, which django-axes refuses; the login view has its own test.
    @override_settings(AXES_ENABLED=False)
    def test_demo_logins_can_log_in_with_the_demo_password(self):
        for _role, email in DEMO_LOGINS:
            with self.subTest(email=email):
                assert self.client.login(email=email, password=DEMO_PASSWORD)
                self.client.logout()

    def test_each_demo_login_is_in_exactly_its_role_group(self):
        for role, email in DEMO_LOGINS:
            user = User.objects.get(email=email)
            assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not User.objects.get(email=DEMO_KERNTEAM_EMAIL).is_staff
        assert User.objects.get(email=DEMO_KOORDINATION_EMAIL).is_staff
        admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
        assert admin.is_staff and admin.is_superuser

    def test_the_kernteam_login_works_in_the_jugendamt_and_the_coordinator_in_qpk(self):
        assert User.objects.get(email=DEMO_KERNTEAM_EMAIL).person.department.short_name == "Jug"
        assert User.objects.get(email=DEMO_KOORDINATION_EMAIL).person.department.short_name == "QPK"

    def test_only_the_demo_logins_have_a_usable_password(self):
        usable = {user.email for user in User.objects.all() if user.has_usable_password()}
        assert usable == {email for _role, email in DEMO_LOGINS}


def test_a_rerun_resets_a_changed_demo_password():
    seed_demo()
    user = User.objects.get(email=DEMO_KERNTEAM_EMAIL)
    user.set_password("etwas-anderes-123")
    user.save()
    seed_demo()
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_a_reset_restores_a_deleted_partner_participation():
    seed_demo()
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    measure.participations.exclude(role=Participation.Role.LEAD).delete()
    seed_demo()
    assert measure.participations.count() == 1
    seed_demo("--reset")
    assert measure.participations.count() == 3


def test_an_existing_department_is_reused_not_duplicated(jugendamt):
    seed_demo()
    assert Department.objects.filter(short_name="Jug").get().pk == jugendamt.pk


def test_print_logins_shows_the_logins_in_debug_mode(settings):
    settings.DEBUG = True
    output = seed_demo("--print-logins")
    for _role, email in DEMO_LOGINS:
        assert email in output
    assert DEMO_PASSWORD in output
    assert "Passwort" in output


def test_print_logins_hides_the_logins_without_debug(settings):
    settings.DEBUG = False
    output = seed_demo("--print-logins")
    for _role, email in DEMO_LOGINS:
        assert email not in output
    assert DEMO_PASSWORD not in output
    assert "nur im DEBUG-Modus" in output


def test_without_the_option_it_prints_a_german_summary_and_no_password(settings):
    settings.DEBUG = True
    output = seed_demo()
    assert "Maßnahmen" in output
    assert DEMO_PASSWORD not in output


def test_the_demo_coordinator_logs_in_and_sees_the_demo_measures_on_the_start_page(client):
    """What `make run` promises: the login page, then the start page with the demo network."""
    call_command("seed_demo", stdout=StringIO())
    assert client.get("/konto/anmelden/").status_code == 200
    response = client.post(
        "/konto/anmelden/",
        {"username": "koordination@demo.praeventionsnetz.de", "password": "Praevention-2023"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    content = response.content.decode()
    assert "Sprachförderung für Kinder ohne Kitaplatz" in content
    assert "Bewegungsangebote für Kinder und Jugendliche aus belasteten Familien" in content


def test_demo_measures_are_written_through_the_services_as_the_coordinator():
    """measure_create records the author and a history entry, as an edit in the browser does."""
    seed_demo()
    coordinator = User.objects.get(email=DEMO_KOORDINATION_EMAIL)
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    assert measure.created_by == coordinator
    assert measure.history.earliest().history_user == coordinator


def test_a_reset_repairs_a_changed_measure_through_measure_update():
    seed_demo()
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    measure.summary = "verändert"
    measure.save()
    version = Measure.objects.get(pk=measure.pk).version
    seed_demo("--reset")
    measure.refresh_from_db()
    assert measure.summary.startswith("Spielerische Sprachförderung")
    assert measure.version == version + 1


def test_dates_are_relative_to_today():
    seed_demo()
    today = timezone.localdate()
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    assert measure.end_date == today + timedelta(days=120)
    assert measure.funding_ends_on == today + timedelta(days=120)


def test_demo_measures_lie_in_real_planungsraeume():
    seed_demo()
    linked = set(Measure.social_spaces.through.objects.values_list("socialspace__level", flat=True))
    assert "plr" in linked
    paul_hertz = Measure.objects.filter(social_spaces__lor_number="04100102")
    assert paul_hertz.filter(status=Measure.Status.RUNNING).count() == 2


def test_an_unknown_catalogue_name_in_the_data_file_is_named(tmp_path, monkeypatch):
    from praevention.demo.management.commands import seed_demo as command

    broken = command.DEMO_FILE.read_text(encoding="utf-8").replace(
        '"Kinder von 3–6 Jahren ohne Kitaplatz"', '"Kinder ohne Kitaplatz (vertippt)"', 1
    )
    path = tmp_path / "demo.toml"
    path.write_text(broken, encoding="utf-8")
    monkeypatch.setattr(command, "DEMO_FILE", path)
    with pytest.raises(CommandError) as error:
        seed_demo()
    assert "Kinder ohne Kitaplatz (vertippt)" in str(error.value)
    assert not Measure.objects.exists()


def test_make_run_twice_keeps_what_a_user_edited_in_between():
    """`make run` runs seed_demo every time: an edit made between two runs through the service
    the edit form uses survives, and a measure someone deleted comes back (issue #27)."""
    seed_demo()
    coordinator = User.objects.get(email=DEMO_KOORDINATION_EMAIL)
    person = coordinator.person
    person.phone = "030 9029-99999"
    person.save()
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    measure.summary = "Im Browser geändert"
    measure_update(
        measure=measure,
        m2m={name: list(getattr(measure, name).all()) for name in Measure.M2M_FIELDS},
        participations=[(p.department, p.role) for p in measure.participations.all()],
        expected_version=measure.version,
        by=coordinator,
    )
    version = Measure.objects.get(pk=measure.pk).version
    deleted = Measure.objects.exclude(pk=measure.pk).order_by("pk").first()
    deleted_title = deleted.title
    deleted.delete()
    seed_demo()
    measure.refresh_from_db()
    assert measure.summary == "Im Browser geändert"
    assert measure.version == version
    person.refresh_from_db()
    assert person.phone == "030 9029-99999"
    assert Measure.objects.filter(title=deleted_title).exists()
