"""A department's own list (mapped once, remembered), stable identity by ID, older files that
must not undo newer edits, the template, and nothing half-saved (issues #12 and #13)."""

import codecs
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from praevention.exchange.models import ColumnMapping, ValueMapping
from praevention.measures.history import measure_history
from praevention.measures.models import Measure
from praevention.network.models import Department
from tests.exchange.helpers import (
    CONFIRM_URL,
    IMPORT_URL,
    confirm,
    csv_bytes,
    errors,
    export_url,
    import_file,
    row,
    upload,
    xlsx_bytes,
)
from tests.factories import DepartmentFactory, MeasureFactory

pytestmark = pytest.mark.django_db

COLUMNS_URL = reverse("exchange:import_columns")
VALUES_URL = reverse("exchange:import_values")
TEMPLATE_URL = reverse("exchange:import_template")

OWN_HEADERS = [
    "Maßnahme",
    "Träger/Amt",
    "Zielgruppe",
    "Laufzeit bis",
    "Sozialraum",
    "Kosten pro Jahr",
]


def own_list(*rows):
    lines = ["; ".join(OWN_HEADERS), *rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@pytest.fixture
def coordinator(client, koordination, jugendamt, gesundheitsamt):
    DepartmentFactory(name="Sozialamt", short_name="Soz")
    client.force_login(koordination)
    return client


def post_mapping(client, response):
    """Confirm the mapping page as suggested."""
    fields = {"token": response.context["token"]}
    for item in response.context["rows"]:
        fields[f"column-{item['position']}"] = item["column"].key if item["column"] else ""
    return client.post(COLUMNS_URL, fields)


def test_a_departments_own_list_is_mapped_once_and_then_maps_itself(coordinator):
    data = own_list(
        "Familienlotsen im Kiez; Jugendamt; Kinder von 3–6 Jahren ohne Kitaplatz; 31.12.2026; "
        "Westend; 12.000 €",
        "Sprachcafé; Ges; Alleinerziehende Haushalte; 30.06.2027; 041001; 4.800,50",
    )
    response = upload(coordinator, "liste-jugendamt.csv", data)
    assert response.status_code == 200, response.context.get("file_error")
    assert "Spalten zuordnen" in response.content.decode()
    suggested = [(i["header"], i["column"].header) for i in response.context["rows"]]
    assert suggested == [
        ("Maßnahme", "Titel"),
        ("Träger/Amt", "Federführung"),
        ("Zielgruppe", "Zielgruppen"),
        ("Laufzeit bis", "Ende"),
        ("Sozialraum", "Sozialräume"),
        ("Kosten pro Jahr", "Budget (EUR)"),
    ]
    assert not Measure.objects.exists()

    preview = post_mapping(coordinator, response)
    assert preview.status_code == 200, (
        errors(preview)
        if "plan" in preview.context
        else preview.context.get("error") or preview.context.get("file_error")
    )
    plan = preview.context["plan"]
    assert plan.created == 2
    assert [c.header for c in plan.columns] == [
        "Titel",
        "Ende",
        "Federführung",
        "Zielgruppen",
        "Sozialräume",
        "Budget (EUR)",
    ]
    assert "Status" in [c.header for c in plan.missing_columns]
    assert confirm(coordinator, preview).status_code == 302
    lotsen = Measure.objects.with_relations().get(title="Familienlotsen im Kiez")
    assert lotsen.lead_department.short_name == "Jug"
    assert lotsen.end_date == datetime.date(2026, 12, 31)
    assert lotsen.budget_eur == Decimal("12000")
    assert [s.name for s in lotsen.social_spaces.all()] == ["Westend"]
    assert lotsen.status == Measure.Status.PLANNED  # the default: no status column
    assert ColumnMapping.objects.count() == 1

    # Next quarter: the same list with one change maps itself, no question asked.
    data = own_list(
        "Familienlotsen im Kiez; Jugendamt; Kinder von 3–6 Jahren ohne Kitaplatz; 31.12.2027; "
        "Westend; 12.000 €",
        "Sprachcafé; Ges; Alleinerziehende Haushalte; 30.06.2027; 041001; 4.800,50",
    )
    response = upload(coordinator, "liste-jugendamt-q2.csv", data)
    assert response.status_code == 200
    assert "plan" in response.context
    assert (response.context["plan"].updated, response.context["plan"].unchanged) == (1, 1)
    (change,) = response.context["plan"].rows[0].changes
    assert (change.header, change.old, change.new) == ("Ende", "31.12.2026", "31.12.2027")


def test_unknown_names_are_asked_once_with_a_suggestion_and_remembered(coordinator):
    data = csv_bytes(
        [
            row(1, Federführung="JugA", Zielgruppen="Kita-Kinder 3-6"),
            row(2, Federführung="JugA", Beteiligte="JugA"),
        ]
    )
    response = upload(coordinator, "werte.csv", data)
    assert response.status_code == 400
    unknown = response.context["plan"].unknown
    assert [(u["kind"], u["value"], u["rows"]) for u in unknown] == [
        ("departments", "JugA", [2, 3]),
        ("target_groups", "Kita-Kinder 3-6", [2]),
    ]
    assert unknown[0]["suggestion"].short_name == "Jug"
    assert unknown[1]["suggestion"].name == "Kinder von 3–6 Jahren ohne Kitaplatz"
    assert "meinten Sie „Jugendamt (Jug)“?" in response.content.decode()
    assert not Measure.objects.exists()

    fields = {"token": response.context["token"], "count": "2"}
    for index, item in enumerate(unknown):
        fields[f"kind-{index}"] = item["kind"]
        fields[f"value-{index}"] = item["value"]
        fields[f"target-{index}"] = str(item["suggestion"].pk) if index == 0 else ""
    response = coordinator.post(VALUES_URL, fields)
    # Only the department was chosen: the target group stays an error.
    assert response.status_code == 400
    assert [(r, c) for r, c, _m in errors(response)] == [(2, "Zielgruppen"), (3, "Beteiligte")]
    assert ValueMapping.objects.get().value == "JugA"

    # Remembered: a later file with "JugA" needs no question.
    response = upload(coordinator, "spaeter.csv", csv_bytes([row(5, Federführung="juga")]))
    assert response.status_code == 200
    assert response.context["plan"].rows[0].lead.short_name == "Jug"


def test_export_rename_in_the_file_import_renames_the_measure(coordinator, jugendamt):
    measure = MeasureFactory(title="Elterncafé", lead=jugendamt)
    exported = b"".join(coordinator.get(export_url("csv")).streaming_content).decode("utf-8-sig")
    changed = exported.replace(";Elterncafé;", ";Elterncafé am Nachmittag;")
    assert changed != exported
    preview = upload(coordinator, "export.csv", ("\ufeff" + changed).encode())
    plan = preview.context["plan"]
    assert (plan.created, plan.updated) == (0, 1)
    assert [(c.header, c.old, c.new) for c in plan.rows[0].changes] == [
        ("Titel", "Elterncafé", "Elterncafé am Nachmittag")
    ]
    assert "Umbenennung" in preview.content.decode()
    assert confirm(coordinator, preview).status_code == 302
    assert Measure.objects.count() == 1
    measure.refresh_from_db()
    assert measure.title == "Elterncafé am Nachmittag"
    last = measure_history(measure)[-1]
    assert [(c.label, c.old, c.new) for c in last.changes] == [
        ("Titel", "Elterncafé", "Elterncafé am Nachmittag")
    ]


def _exported(client, fmt="csv"):
    response = client.get(export_url(fmt))
    return b"".join(response.streaming_content) if fmt == "csv" else response.content


def test_an_older_export_does_not_undo_a_colleagues_newer_edit(coordinator, jugendamt):
    measure = MeasureFactory(title="Elterncafé", lead=jugendamt, reach_planned=10, summary="alt")
    old_file = _exported(coordinator).decode("utf-8-sig")
    # A colleague edits the measure after the export.
    measure.refresh_from_db()
    measure.summary = "vom Kollegen"
    measure.save()
    # The old file changes something else.
    edited = old_file.replace(";10;", ";12;")
    assert edited != old_file
    preview = upload(coordinator, "alt.csv", ("\ufeff" + edited).encode())
    assert preview.status_code == 200
    (row_plan,) = preview.context["plan"].rows
    assert [(c.header, c.old, c.new) for c in row_plan.changes] == [
        ("Teilnehmende geplant", "10", "12")
    ]
    assert row_plan.kept == ["Kurzbeschreibung"]
    confirm(coordinator, preview)
    measure.refresh_from_db()
    assert (measure.summary, measure.reach_planned) == ("vom Kollegen", 12)


def test_an_older_export_changing_the_same_field_is_refused_naming_who(
    coordinator, jugendamt, kernteam_jug
):
    measure = MeasureFactory(title="Elterncafé", lead=jugendamt, reach_planned=10)
    old_file = _exported(coordinator).decode("utf-8-sig")
    measure.refresh_from_db()
    measure.reach_planned = 11
    measure._history_user = kernteam_jug
    measure.save()
    preview = upload(coordinator, "alt.csv", ("\ufeff" + old_file.replace(";10;", ";12;")).encode())
    assert preview.status_code == 400
    ((found_row, column, message),) = errors(preview)
    assert (found_row, column) == (2, "Teilnehmende geplant")
    assert "„11“" in message and "„12“" in message
    assert "aktuelle Fassung exportieren" in message
    measure.refresh_from_db()
    assert measure.reach_planned == 11


def test_confirming_twice_after_a_colleagues_edit_never_overwrites_it(coordinator, jugendamt):
    measure = MeasureFactory(title="Elterncafé", lead=jugendamt, summary="alt", status="planned")
    data = csv_bytes([row(1, Titel="Elterncafé", Kurzbeschreibung="alt", Status="laufend")])
    preview = upload(coordinator, "a.csv", data)
    assert preview.context["plan"].updated == 1
    measure.refresh_from_db()
    measure.summary = "vom Kollegen"
    measure.save()
    response = confirm(coordinator, preview)
    assert response.status_code == 409
    assert "Seit der Vorschau" in response.content.decode()
    response = coordinator.post(CONFIRM_URL, {"token": response.context["token"]})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.summary, measure.status) == ("vom Kollegen", "running")


def test_a_missing_column_leaves_the_field_an_empty_cell_clears_it(coordinator, jugendamt):
    MeasureFactory(title="Elterncafé", lead=jugendamt, summary="bleibt", reach_planned=10)
    data = "\ufeffTitel;Teilnehmende geplant\r\nElterncafé;\r\n".encode()
    preview = upload(coordinator, "teil.csv", data)
    (row_plan,) = preview.context["plan"].rows
    assert [(c.header, c.old, c.new) for c in row_plan.changes] == [
        ("Teilnehmende geplant", "10", "—")
    ]
    confirm(coordinator, preview)
    measure = Measure.objects.get()
    assert (measure.summary, measure.reach_planned) == ("bleibt", None)
    assert measure.lead_department == jugendamt


def test_a_new_measure_needs_only_a_title_and_a_lead(coordinator):
    import_file(coordinator, "knapp.csv", "\ufeffTitel;Federführung\r\nNeu;Ges\r\n".encode())
    measure = Measure.objects.get()
    assert (measure.title, measure.lead_department.short_name) == ("Neu", "Ges")
    response = upload(coordinator, "ohne.csv", "\ufeffTitel;Status\r\nNeu 2;laufend\r\n".encode())
    assert response.status_code == 400
    ((found_row, column, message),) = errors(response)
    assert (found_row, column) == (2, "Federführung")
    assert "Spalte „Federführung“" in message


def test_a_file_whose_last_row_is_bad_saves_nothing_and_names_row_column_and_fix(coordinator):
    rows = [row(n) for n in range(1, 30)] + [row(30, Beginn="31.12.2205")]
    preview = upload(coordinator, "a.csv", csv_bytes(rows))
    assert preview.status_code == 400
    ((found_row, column, message),) = errors(preview)
    assert (found_row, column) == (31, "Beginn")
    assert "Bitte das Datum prüfen" in message
    assert "Import bestätigen" not in preview.content.decode()
    assert not Measure.objects.exists()


def test_an_unknown_id_is_an_error_not_a_new_measure(coordinator):
    data = csv_bytes([{**row(1), "ID": "999999"}], headers=["ID", "Titel", "Federführung"])
    response = upload(coordinator, "id.csv", data)
    assert response.status_code == 400
    ((found_row, column, message),) = errors(response)
    assert (found_row, column) == (2, "ID")
    assert "Zelle leeren" in message


def test_the_template_has_drop_down_lists_from_the_live_catalogue(coordinator):
    DepartmentFactory(name="Bezirksamt Neu", short_name="NeuA")
    response = coordinator.get(TEMPLATE_URL)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Maßnahmen"]
    assert workbook.active.title == "Maßnahmen"
    assert workbook["Listen"].sheet_state == "hidden"
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["Titel", "Kurzbeschreibung"]
    assert "ID" not in headers
    assert sheet["A1"].comment is not None
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        reference = validation.formula1.split("!")[1].replace("$", "")
        first, last = reference.split(":")
        values = [c.value for (c,) in workbook["Listen"][first:last]]
        lists[headers[ord(column) - ord("A")]] = values
    assert lists["Status"] == ["Idee", "geplant", "laufend", "pausiert", "abgeschlossen"]
    assert lists["Federführung"] == sorted(Department.objects.values_list("short_name", flat=True))
    assert "NeuA" in lists["Federführung"]
    assert lists["Armutsbezug"] == ["Folgen mildern", "Vorbeugen", "Beides"]
    assert lists["Evidenzstufe"][0].startswith("")
    assert len(lists["Evidenzstufe"]) >= 3
    for worksheet in workbook.worksheets:
        for cells in worksheet.iter_rows():
            assert all(cell.data_type != "f" for cell in cells)


def test_the_filled_template_imports_without_its_example_row(coordinator):
    workbook = load_workbook(io.BytesIO(coordinator.get(TEMPLATE_URL).content))
    sheet = workbook["Maßnahmen"]
    sheet["A3"] = "Aus der Vorlage"
    sheet["G3"] = "Ges"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(coordinator, "vorlage.xlsx", buffer.getvalue())
    assert response.status_code == 200, errors(response)
    assert response.context["plan"].created == 1
    assert response.context["plan"].skipped == [2]


@pytest.mark.parametrize("rows", [10, 100])
def test_preview_and_confirm_run_a_fixed_number_of_queries(
    coordinator, jugendamt, rows, django_assert_max_num_queries
):
    for number in range(rows):
        MeasureFactory(title=f"Importierte Maßnahme {number}", lead=jugendamt)
    data = csv_bytes(
        [
            row(n, Beteiligte="Ges (Partner)", Zielgruppen="Alleinerziehende Haushalte")
            for n in range(rows * 2)
        ]
    )
    with django_assert_max_num_queries(45):
        preview = upload(coordinator, "viele.csv", data)
    assert preview.context["plan"].created == rows
    with django_assert_max_num_queries(75):
        response = confirm(coordinator, preview)
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["anonymous", "kernteam_jug"])
def test_only_coordinators_reach_the_mapping_values_and_template(request, client, persona):
    user = request.getfixturevalue(persona)
    if user is not None and hasattr(user, "email"):
        client.force_login(user)
    for method, url in (
        ("get", TEMPLATE_URL),
        ("get", COLUMNS_URL),
        ("post", COLUMNS_URL),
        ("post", VALUES_URL),
        ("post", reverse("exchange:import_sheet")),
    ):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        if persona == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 403
    assert IMPORT_URL


def test_several_visible_sheets_with_data_read_the_active_one_and_offer_the_others(coordinator):
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notizen"
    notes.append(["Titel", "Federführung"])
    notes.append(["Aus den Notizen", "Jug"])
    measures = workbook.create_sheet("Liste 2026")
    measures.append(["Titel", "Federführung"])
    measures.append(["Aus der Liste", "Ges"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(coordinator, "zwei.xlsx", buffer.getvalue())
    assert response.status_code == 200
    assert [r.measure.title for r in response.context["plan"].rows] == ["Aus der Liste"]
    assert response.context["table"].other_sheets == ["Notizen"]
    assert "Anderes Blatt lesen" in response.content.decode()
    response = coordinator.post(
        reverse("exchange:import_sheet"), {"token": response.context["token"], "sheet": "Notizen"}
    )
    assert response.status_code == 200
    assert [r.measure.title for r in response.context["plan"].rows] == ["Aus den Notizen"]
    assert "Gelesen wurde das Tabellenblatt „Notizen“." in response.content.decode()


@pytest.mark.parametrize(
    ("fmt", "cell"), [("csv", "45536"), ("xlsx", 45536), ("xlsx", datetime.datetime(2024, 9, 1))]
)
def test_excel_serial_numbers_in_a_date_column_are_dates(coordinator, fmt, cell):
    values = [row(1, Beginn=cell)]
    data = csv_bytes(values) if fmt == "csv" else xlsx_bytes(values)
    response = upload(coordinator, f"serien.{fmt}", data)
    assert response.status_code == 200, errors(response)
    assert response.context["plan"].rows[0].measure.start_date == datetime.date(2024, 9, 1)


@pytest.mark.parametrize(
    "encoding",
    ["utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1252", "utf-16-le", "mac_roman", "cp850"],
)
def test_text_files_in_every_common_encoding_are_read(coordinator, encoding):
    """BOM or not: Excel's "Unicode-Text", German Windows, Excel for Mac, old DOS tools."""
    quotes = ("„", "“") if encoding != "cp850" else ("«", "»")
    title = f"Mädchentreff {quotes[0]}Süd{quotes[1]}"
    text = f"Titel;Federführung;Kurzbeschreibung\r\n{title};Jug;Größe ß Übung\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    response = upload(coordinator, "kodierung.csv", data)
    assert response.status_code == 200, response.context.get("file_error")
    (planned,) = response.context["plan"].rows
    assert planned.measure.title == title
    assert planned.measure.summary == "Größe ß Übung"


def test_confirming_reuses_the_previews_check_while_the_data_stand_still(
    coordinator, jugendamt, monkeypatch
):
    from praevention.exchange import importing

    calls = []
    real = importing.plan_import

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "plan_import", counting)
    preview = upload(coordinator, "a.csv", csv_bytes([row(1), row(2)]))
    assert len(calls) == 1
    assert confirm(coordinator, preview).status_code == 302
    assert len(calls) == 1  # the preview's plan, not a second check
    assert Measure.objects.count() == 2

    # Data changed between preview and confirmation: checked again.
    preview = upload(coordinator, "b.csv", csv_bytes([row(3)]))
    MeasureFactory(title="Dazwischen", lead=jugendamt)
    assert confirm(coordinator, preview).status_code == 302
    assert len(calls) == 3


def test_a_rename_onto_another_title_in_other_letter_case_is_a_row_error(coordinator, jugendamt):
    """Titles are unique regardless of case (a database rule): the preview says so for the
    row in German instead of the save failing on the constraint."""
    MeasureFactory(title="Elterncafé", lead=jugendamt)
    other = MeasureFactory(title="Lesepaten", lead=jugendamt)
    data = csv_bytes(
        [{**row(1), "ID": str(other.pk), "Titel": "ELTERNCAFÉ"}],
        headers=["ID", "Titel", "Federführung"],
    )
    response = upload(coordinator, "umbenannt.csv", data)
    assert response.status_code == 400
    ((found_row, column, message),) = errors(response)
    assert (found_row, column) == (2, "Titel")
    assert "Diesen Titel trägt schon die Maßnahme" in message
    other.refresh_from_db()
    assert other.title == "Lesepaten"


def test_two_new_rows_whose_titles_differ_only_in_case_are_a_row_error(coordinator):
    data = csv_bytes([row(1, Titel="Sprachcafé"), row(2, Titel="SPRACHCAFÉ")])
    response = upload(coordinator, "doppelt.csv", data)
    assert response.status_code == 400
    ((found_row, column, message),) = errors(response)
    assert (found_row, column) == (3, "Titel")
    assert "Der Titel steht schon in Zeile 2" in message
    assert not Measure.objects.exists()
