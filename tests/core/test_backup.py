import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from praevention.measures.models import Measure
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_backup_and_restore_round_trip(tmp_path, jugendamt, gesundheitsamt):
    kept = MeasureFactory(
        title="Sprachförderung für Kinder ohne Kitaplatz", lead=jugendamt, partners=[gesundheitsamt]
    )
    dump = tmp_path / "praevention.dump"
    call_command("backup", str(dump))
    assert dump.stat().st_size > 0

    Measure.objects.filter(pk=kept.pk).update(title="Versehentlich geändert")
    MeasureFactory(title="Nach der Sicherung angelegt")

    call_command("restore", str(dump), yes=True)
    titles = set(Measure.objects.values_list("title", flat=True))
    assert titles == {"Sprachförderung für Kinder ohne Kitaplatz"}
    restored = Measure.objects.get()
    assert restored.lead_department == jugendamt
    assert {p.department for p in restored.participations.all()} == {jugendamt, gesundheitsamt}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the message is for SQLite runs")
def test_backup_explains_that_it_needs_postgresql(tmp_path):
    with pytest.raises(CommandError, match="nur für PostgreSQL"):
        call_command("backup", str(tmp_path / "x.dump"))


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "fehlt.dump"), yes=True)
