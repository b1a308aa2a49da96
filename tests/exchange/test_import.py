"""Coordinators import measures: every row is checked first, then all are saved or none."""

import pytest
from django.db import IntegrityError

from praevention.catalog.models import SocialSpace
from praevention.measures import bulk
from praevention.measures.models import Measure, Participation
from tests.exchange.helpers import (
    CONFIRM_URL,
    IMPORT_URL,
    confirm,
    csv_bytes,
    errors,
    import_file,
    row,
    upload,
    xlsx_bytes,
)
from tests.factories import DepartmentFactory, MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client, koordination, jugendamt, gesundheitsamt):
    DepartmentFactory(name="Sozialamt", short_name="Soz")
    client.force_login(koordination)
    return client


FULL_ROW = row(
    1,
    **{
        "Titel": "Sprachförderung für Kinder ohne Kitaplatz",
        "Kurzbeschreibung": "Sprachspielgruppen in Familienzentren",
        "Beschreibung": "Zweimal wöchentlich.\nMit Elternberatung.",
        "Status": "geplant",
        "Beginn": "01.09.2024",
        "Ende": "2025-08-31",
        "Federführung": "Jugendamt",
        "Beteiligte": "Ges (Partner); Soz (Finanzierung)",
        "Zielgruppen": "kinder von 3–6 jahren ohne kitaplatz; Alleinerziehende Haushalte",
        "Lebensphasen": "3–6 Jahre: Kita",
        "Sozialräume": "041001 Charlottenburg Nord; 043005; Lietzenburger Straße",
        "Handlungsfelder": "Bildung",
        "Armutsbezug": "Vorbeugen",
        "Teilnehmende geplant": "60",
        "Teilnehmende erreicht": "1.200",
        "Budget (EUR)": "12.500,50 €",
        "Finanzierungsquelle": "Landesprogramm",
        "Finanzierung endet am": "31.12.2025",
        "Ansprechperson (E-Mail)": "KOORDINATION@ba-cw.berlin.de",
        "Externe Partner": "Familienbildung West e. V.",
        "Evidenzstufe": "2",
        "Good-Practice-Kriterien": "Setting-Ansatz; Partizipation",
        "Evaluation": "Sprachstand wird dokumentiert.",
        "Links": "https://example.org/a; https://example.org/b",
        "Archiviert": "nein",
    },
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_coordinator_imports_a_measure_with_every_relation(coordinator, koordination, fmt):
    data = csv_bytes([FULL_ROW]) if fmt == "csv" else xlsx_bytes([FULL_ROW])
    import_file(coordinator, f"neu.{fmt}", data)

    measure = Measure.objects.with_relations().get()
    assert measure.title == "Sprachförderung für Kinder ohne Kitaplatz"
    assert measure.description == "Zweimal wöchentlich.\nMit Elternberatung."
    assert measure.status == Measure.Status.PLANNED
    assert str(measure.start_date) == "2024-09-01"
    assert str(measure.end_date) == "2025-08-31"
    assert sorted((p.department.short_name, p.role) for p in measure.participations.all()) == [
        ("Ges", "partner"),
        ("Jug", "lead"),
        ("Soz", "funding"),
    ]
    assert [g.name for g in measure.target_groups.all()] == [
        "Kinder von 3–6 Jahren ohne Kitaplatz",
        "Alleinerziehende Haushalte",
    ]
    assert sorted(s.lor_number for s in measure.social_spaces.all()) == [
        "041001",
        "043005",
        "045010",
    ]
    assert measure.poverty_focus == Measure.PovertyFocus.PREVENT
    assert measure.reach_actual == 1200
    assert str(measure.budget_eur) == "12500.50"
    assert measure.contact_person == koordination.person
    assert measure.evidence_level.level == 2
    assert measure.link_list() == ["https://example.org/a", "https://example.org/b"]
    assert measure.created_by == koordination


def test_the_preview_saves_nothing_until_it_is_confirmed(coordinator):
    response = upload(coordinator, "neu.csv", csv_bytes([row(1), row(2)]))
    assert response.status_code == 200
    assert response.context["plan"].created == 2
    html = response.content.decode()
    assert "Import bestätigen" in html
    assert "Importierte Maßnahme 2" in html
    assert not Measure.objects.exists()
    assert confirm(coordinator, response).status_code == 302
    assert Measure.objects.count() == 2


def test_a_row_with_an_existing_title_updates_that_measure(coordinator, jugendamt, gesundheitsamt):
    measure = MeasureFactory(title="Elterncafé", lead=jugendamt, status="planned")
    version = measure.version
    response = upload(
        coordinator,
        "update.csv",
        csv_bytes(
            [
                row(
                    1,
                    Titel="Elterncafé",
                    Kurzbeschreibung=measure.summary,
                    Federführung="Ges",
                    Beteiligte="Jug (Beratung)",
                )
            ]
        ),
    )
    plan = response.context["plan"]
    assert (plan.created, plan.updated) == (0, 1)
    assert [c.header for c in plan.rows[0].changes] == ["Status", "Federführung", "Beteiligte"]
    assert "Aktualisierung" in response.content.decode()
    confirm(coordinator, response)
    measure.refresh_from_db()
    assert measure.status == "running"
    assert measure.version > version
    assert measure.lead_department == gesundheitsamt
    assert measure.participations.get(department=jugendamt).role == Participation.Role.ADVISORY


def test_the_history_records_who_imported_which_file(coordinator, koordination, jugendamt):
    existing = MeasureFactory(title="Elterncafé", lead=jugendamt, status="planned")
    import_file(coordinator, "Stand März.csv", csv_bytes([row(1), row(2, Titel="Elterncafé")]))
    created = Measure.objects.get(title="Importierte Maßnahme 1")
    for measure in (created, existing):
        record = measure.history.order_by("-history_date", "-history_id").first()
        assert record.history_user == koordination
        assert record.history_change_reason == "Import: Stand März.csv"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_bad_row_among_100_good_ones_saves_nothing_and_names_row_and_column(coordinator, fmt):
    rows = [row(number) for number in range(1, 102)]
    rows[56]["Federführung"] = "Bauamt"  # spreadsheet row 58: the header is row 1
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    response = upload(coordinator, f"gross.{fmt}", data)
    assert response.status_code == 400
    assert errors(response) == [
        (
            58,
            "Federführung",
            "Fachbereich „Bauamt“ ist unbekannt. Bitte unter „Unbekannte Werte zuordnen“ einen "
            "Eintrag wählen oder den Namen in der Datei korrigieren.",
        )
    ]
    html = response.content.decode()
    assert "Nichts wurde gespeichert" in html
    assert "<td>58</td><td>Federführung</td>" in html
    assert "Import bestätigen" not in html
    assert not Measure.objects.exists()


def test_every_error_is_listed_by_row_and_column(coordinator, jugendamt):
    MeasureFactory(title="Vorhanden", lead=jugendamt)
    rows = [
        row(1, Federführung="Bauamt"),  # 2
        row(2, Zielgruppen="Senioren"),  # 3
        row(3, Sozialräume="999999"),  # 4
        row(4, Beginn="31.02.2024", Ende="morgen"),  # 5
        row(1),  # 6: duplicate title of row 2
        row(6, Federführung=""),  # 7
        row(7, **{"Teilnehmende geplant": "viele", "Budget (EUR)": "teuer"}),  # 8
        row(8, Beginn="01.02.2025", Ende="01.01.2025"),  # 9
        row(9, Status="fertig"),  # 10
        row(10, Beteiligte="Ges (Federführung)"),  # 11: two leads
        row(11, Beteiligte="Jug (Partner)"),  # 12: lead twice
        row(12, Links="keine Adresse"),  # 13
        row(13, **{"Ansprechperson (E-Mail)": "niemand@example.org"}),  # 14
        row(14, Sozialräume="Charlottenburg Nord"),  # 15: Prognoseraum and Bezirksregion
        row(15, Titel=""),  # 16
        row(16, Archiviert="vielleicht", Beteiligte="Ges (Chef)"),  # 17
        row(17, **{"Teilnehmende erreicht": "-5"}),  # 18
    ]
    response = upload(coordinator, "fehler.csv", csv_bytes(rows))
    assert response.status_code == 400
    found = errors(response)
    assert [(r, c) for r, c, _m in found] == [
        (2, "Federführung"),
        (3, "Zielgruppen"),
        (4, "Sozialräume"),
        (5, "Beginn"),
        (5, "Ende"),
        (6, "Titel"),
        (7, "Federführung"),
        (8, "Teilnehmende geplant"),
        (8, "Budget (EUR)"),
        (9, "Ende"),
        (10, "Status"),
        (11, "Beteiligte"),
        (12, "Beteiligte"),
        (13, "Links"),
        (14, "Ansprechperson (E-Mail)"),
        (15, "Sozialräume"),
        (16, "Titel"),
        (17, "Beteiligte"),
        (17, "Archiviert"),
        (18, "Teilnehmende erreicht"),
    ]
    messages = dict(((r, c), m) for r, c, m in found)
    assert messages[3, "Zielgruppen"].startswith("Zielgruppe „Senioren“ ist unbekannt")
    assert messages[4, "Sozialräume"] == "Unbekannte LOR-Nummer „999999“. Bitte die Nummer prüfen."
    assert "kein gültiges Datum" in messages[5, "Beginn"]
    assert messages[6, "Titel"] == (
        "Der Titel steht schon in Zeile 2: jede Maßnahme nur einmal. Bitte eine der Zeilen "
        "löschen oder umbenennen."
    )
    assert "Federführung fehlt" in messages[7, "Federführung"]
    assert "keine ganze Zahl" in messages[8, "Teilnehmende geplant"]
    assert messages[9, "Ende"] == (
        "Das Ende (01.01.2025) liegt vor dem Beginn (01.02.2025). Bitte die Daten prüfen."
    )
    assert "kein zulässiger Wert" in messages[10, "Status"]
    assert "genau einen federführenden Fachbereich" in messages[11, "Beteiligte"]
    assert "mehrfach" in messages[12, "Beteiligte"]
    assert "keine gültige Webadresse" in messages[13, "Links"]
    assert "mehrdeutig" in messages[15, "Sozialräume"]
    assert "Unbekannte Rolle „Chef“" in messages[17, "Beteiligte"]
    assert "größer oder gleich 0" in messages[18, "Teilnehmende erreicht"]
    assert Measure.objects.count() == 1


def test_lor_numbers_that_excel_turned_into_numbers_are_found(coordinator):
    data = xlsx_bytes([row(1, Sozialräume=41001), row(2, Sozialräume="41001; 430")])
    import_file(coordinator, "zahlen.xlsx", data)
    spaces = {
        m.title: sorted(s.lor_number for s in m.social_spaces.all())
        for m in Measure.objects.prefetch_related("social_spaces")
    }
    assert spaces == {
        "Importierte Maßnahme 1": ["041001"],
        "Importierte Maßnahme 2": ["041001", "0430"],
    }


def test_xlsx_cells_with_numbers_and_dates_are_read_as_such(coordinator):
    import datetime

    data = xlsx_bytes(
        [
            row(
                1,
                Beginn=datetime.date(2024, 1, 15),
                **{"Teilnehmende geplant": 12.0, "Budget (EUR)": 999.995, "Archiviert": True},
            )
        ]
    )
    import_file(coordinator, "typen.xlsx", data)
    measure = Measure.objects.get()
    assert str(measure.start_date) == "2024-01-15"
    assert measure.reach_planned == 12
    assert str(measure.budget_eur) == "1000.00"
    assert measure.is_archived is True


def test_a_csv_saved_by_german_excel_with_commas_and_windows_1252_is_read(coordinator):
    text = csv_bytes([row(1, Titel="Schwimmkurs für Mädchen")], delimiter=",")
    data = text.decode("utf-8").lstrip("\ufeff").encode("cp1252")
    import_file(coordinator, "excel.csv", data)
    assert Measure.objects.get().title == "Schwimmkurs für Mädchen"


def test_columns_may_come_in_any_order(coordinator):
    from praevention.exchange.columns import HEADERS

    data = csv_bytes([row(1)], headers=list(reversed(HEADERS)))
    import_file(coordinator, "umgekehrt.csv", data)
    assert Measure.objects.get().lead_department.short_name == "Jug"


def test_confirming_with_an_old_token_saves_nothing(coordinator):
    upload(coordinator, "a.csv", csv_bytes([row(1)]))
    response = coordinator.post(CONFIRM_URL, {"token": "0" * 64})
    assert response.status_code == 409
    assert "nicht mehr aktuell" in response.content.decode()
    assert not Measure.objects.exists()


def test_confirming_after_someone_else_changed_the_data_shows_a_fresh_preview(
    coordinator, jugendamt
):
    preview = upload(coordinator, "a.csv", csv_bytes([row(1), row(2)]))
    MeasureFactory(title="Importierte Maßnahme 2", lead=jugendamt, status="planned")
    response = confirm(coordinator, preview)
    assert response.status_code == 409
    assert "Seit der Vorschau" in response.content.decode()
    assert Measure.objects.count() == 1
    assert (response.context["plan"].created, response.context["plan"].updated) == (1, 1)
    response = coordinator.post(CONFIRM_URL, {"token": response.context["token"]})
    assert response.status_code == 302
    assert Measure.objects.get(title="Importierte Maßnahme 2").status == "running"


def test_a_failure_while_saving_rolls_back_every_row(coordinator, monkeypatch):
    """Measures, relations and participations are written before the history: a database
    error in the last step leaves none of them behind."""

    def failing_history(*args, **kwargs):
        assert Measure.objects.count() == 5  # written, inside the transaction
        raise IntegrityError("history refused")

    preview = upload(coordinator, "a.csv", csv_bytes([row(n) for n in range(1, 6)]))
    monkeypatch.setattr(bulk, "_snapshot_links", failing_history)
    response = confirm(coordinator, preview)
    assert response.status_code == 409
    ((found_row, column, message),) = errors(response)
    assert "Nichts wurde gespeichert" in message
    assert not Measure.objects.exists()
    assert not Participation.objects.exists()


def test_anonymous_is_sent_to_the_login(client):
    for response in (client.get(IMPORT_URL), client.post(IMPORT_URL), client.post(CONFIRM_URL)):
        assert response.status_code == 302
        assert "/konto/" in response["Location"]


def test_core_team_members_may_not_import(client, kernteam_jug):
    client.force_login(kernteam_jug)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, "a.csv", csv_bytes([row(1)])).status_code == 403
    assert client.post(CONFIRM_URL, {"token": "x"}).status_code == 403
    assert not Measure.objects.exists()


@pytest.mark.parametrize("persona", ["koordination", "admin_user"])
def test_coordinators_and_admins_see_the_import_form(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Federführung" in html
    assert f'href="{IMPORT_URL}"' in html  # the navigation entry


def test_the_navigation_offers_the_import_only_to_coordinators(client, kernteam_jug):
    client.force_login(kernteam_jug)
    assert f'href="{IMPORT_URL}"' not in client.get("/massnahmen/").content.decode()


def test_social_space_names_without_number_are_matched_when_unique(coordinator):
    import_file(coordinator, "a.csv", csv_bytes([row(1, Sozialräume="mierendorffplatz")]))
    assert list(Measure.objects.get().social_spaces.all()) == [
        SocialSpace.objects.get(lor_number="043005")
    ]


def test_strategic_goals_are_found_by_title_unless_two_fields_share_it(coordinator):
    from praevention.catalog.models import FieldOfAction, StrategicGoal

    bildung, teilhabe = (
        FieldOfAction.objects.get(name="Bildung"),
        FieldOfAction.objects.get(name="Teilhabe"),
    )
    StrategicGoal.objects.create(field_of_action=bildung, title="Sprache fördern")
    StrategicGoal.objects.create(field_of_action=bildung, title="Übergänge gestalten")
    StrategicGoal.objects.create(field_of_action=teilhabe, title="Übergänge gestalten")
    response = upload(
        coordinator,
        "ziele.csv",
        csv_bytes(
            [
                row(1, **{"Strategische Ziele": "sprache fördern"}),
                row(2, **{"Strategische Ziele": "Übergänge gestalten; Lesen"}),
            ]
        ),
    )
    assert errors(response) == [
        (
            3,
            "Strategische Ziele",
            "Das strategische Ziel „Übergänge gestalten“ gibt es in mehreren Handlungsfeldern. "
            "Bitte in der App zuordnen.",
        )
    ]
    response = upload(
        coordinator, "ziele.csv", csv_bytes([row(1, **{"Strategische Ziele": "Lesen"})])
    )
    ((found_row, column, message),) = errors(response)
    assert (found_row, column) == (2, "Strategische Ziele")
    assert message.startswith("Strategisches Ziel „Lesen“ ist unbekannt")


def test_a_file_full_of_errors_lists_the_first_500_and_counts_the_rest(coordinator):
    rows = [row(number, Status="vielleicht") for number in range(1, 601)]
    response = upload(coordinator, "viele.csv", csv_bytes(rows))
    assert response.status_code == 400
    assert len(response.context["errors"]) == 500
    html = response.content.decode()
    assert "600 Fehler in 600 Zeile(n)" in html
    assert "… und 100 weitere Fehler." in html


def test_going_back_to_the_form_drops_the_previewed_file(coordinator):
    preview = upload(coordinator, "a.csv", csv_bytes([row(1)]))
    assert "exchange_import" in coordinator.session
    coordinator.get(IMPORT_URL)
    assert "exchange_import" not in coordinator.session
    assert coordinator.post(CONFIRM_URL, {"token": preview.context["token"]}).status_code == 409


def test_an_update_clears_relations_left_empty_and_keeps_the_others(coordinator, jugendamt):
    from praevention.catalog.models import LifePhase, TargetGroup

    group = TargetGroup.objects.first()
    phase = LifePhase.objects.first()
    measure = MeasureFactory(
        title="Elterncafé", lead=jugendamt, target_groups=[group], life_phases=[phase]
    )
    data = csv_bytes(
        [
            row(
                1,
                Titel="Elterncafé",
                Kurzbeschreibung=measure.summary,
                Lebensphasen=phase.name,
                Handlungsfelder="Teilhabe",
            )
        ]
    )
    preview = upload(coordinator, "a.csv", data)
    assert [c.header for c in preview.context["plan"].rows[0].changes] == [
        "Zielgruppen",
        "Handlungsfelder",
    ]
    confirm(coordinator, preview)
    assert not measure.target_groups.exists()
    assert list(measure.life_phases.all()) == [phase]
    assert [f.name for f in measure.fields_of_action.all()] == ["Teilhabe"]


def test_the_status_words_departments_use_are_understood(coordinator, jugendamt):
    """Departments' own lists say "aktiv" or "in Planung", not the app's labels."""
    words = {
        "aktiv": "running",
        "läuft": "running",
        "In Planung": "planned",
        "beendet": "completed",
        "ausgelaufen": "completed",
        "ruht": "paused",
        "unterbrochen": "paused",
        "Projektidee": "idea",
    }
    rows = [row(i, Status=word) for i, word in enumerate(words)]
    import_file(coordinator, "status.csv", csv_bytes(rows))
    stored = dict(Measure.objects.values_list("title", "status"))
    assert [stored[f"Importierte Maßnahme {i}"] for i in range(len(words))] == list(words.values())
