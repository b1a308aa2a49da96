"""Field cases of round 3 (../shared/field-cases/README.md): cells with several entries,
amounts, periods, what Excel hides and workbooks that cannot be read. Uploaded as they are
at /austausch/import/ as Koordination on the demo network; the README's expectations."""

import datetime

import pytest
from django.urls import reverse

from praevention.exchange.models import ValueMapping
from praevention.measures.models import Participation
from tests.exchange.helpers import confirm, csv_bytes, errors, upload
from tests.exchange.test_field_cases import case, coordinator, counts, preview  # noqa: F401

pytestmark = pytest.mark.django_db

LEAD, PARTNER, FUNDING = (
    Participation.Role.LEAD,
    Participation.Role.PARTNER,
    Participation.Role.FUNDING,
)


def planned_row(response, title_start):
    return next(
        row for row in response.context["plan"].rows if row.measure.title.startswith(title_start)
    )


def names(objects):
    return [getattr(obj, "name", None) or str(obj) for obj in objects]


def test_13_line_breaks_separate_entries_and_titles_become_one_line(coordinator):  # noqa: F811
    response = preview(coordinator, "13-line-breaks-in-cells.csv")
    assert response.status_code == 200
    assert counts(response) == (3, 0, 0)
    assert errors(response) == []
    first = planned_row(response, "Feldtest 13a-1")
    assert first.measure.title == "Feldtest 13a-1 – Lernwerkstatt im Familienzentrum"
    assert first.measure.summary == "Hausaufgabenhilfe und Lernspiele für Grundschulkinder"
    assert first.measure.description == (
        "Dienstags und donnerstags von 14 bis 16 Uhr.\n\n"
        "Die Eltern werden zum Abschlussfest eingeladen."
    )
    # Headers with line breaks ("Teilnehmende⏎geplant", "Budget⏎(EUR)") are the export's.
    assert first.measure.reach_planned == 24
    assert str(first.measure.budget_eur) == "6000.00"

    third = planned_row(response, "Feldtest 13a-2")
    assert [(d.short_name, role) for d, role in third.participations] == [
        ("Jug", LEAD),
        ("Ges", PARTNER),
        ("Soz", FUNDING),
    ]
    assert names(third.m2m["target_groups"]) == [
        "Kinder von 3–6 Jahren ohne Kitaplatz",
        "Familien mit Flucht- oder Migrationsgeschichte",
    ]
    assert names(third.m2m["life_phases"]) == ["3–6 Jahre: Kita", "Eltern"]
    assert [s.lor_number for s in third.m2m["social_spaces"]] == ["041001", "043005"]
    assert names(third.m2m["fields_of_action"]) == ["Bildung", "Teilhabe"]
    assert len(third.m2m["good_practice_criteria"]) == 2

    fourth = planned_row(response, "Feldtest 13a-3")
    assert len(fourth.m2m["target_groups"]) == 2
    assert len(fourth.m2m["life_phases"]) == 2

    html = response.content.decode()
    assert "Ges (Partner); Soz (Finanzierung)" in html


def test_14_a_lead_cell_naming_two_departments_explains_the_one_lead_rule(coordinator):  # noqa: F811
    response = preview(coordinator, "14-several-departments-in-one-cell.csv")
    assert response.status_code == 400
    lead_errors = {row: message for row, column, message in errors(response)}
    assert set(lead_errors) == {2, 3, 4}
    assert lead_errors[2].startswith("„Jugendamt, Gesundheitsamt“ nennt mehrere Fachbereiche.")
    assert "„Jug/Ges“" in lead_errors[3]
    assert "„Gesundheitsamt und Sozialamt“" in lead_errors[4]
    for message in lead_errors.values():
        assert "genau eine Federführung" in message
        assert "„Beteiligte“" in message
        assert "meinten Sie" not in message
    # Nothing offered as one name, so nothing can be mapped to one of them.
    assert response.context["plan"].unknown == []

    plan_rows = {row.measure.title[:13]: row for row in response.context["plan"].rows}
    for title in ("Feldtest 14-4", "Feldtest 14-5"):
        assert [(d.short_name, r) for d, r in plan_rows[title].participations] == [
            ("Jug", LEAD),
            ("Ges", PARTNER),
            ("Soz", PARTNER),
        ], title
    spaces = plan_rows["Feldtest 14-6"].m2m["social_spaces"]
    assert [s.lor_number for s in spaces] == ["041001", "043005"]
    assert names(plan_rows["Feldtest 14-6"].m2m["target_groups"]) == [
        "Kinderreiche Familien",
        "Alleinerziehende Haushalte",
    ]
    lead = plan_rows["Feldtest 14-7"].participations[0]
    assert (lead[0].short_name, lead[1]) == ("Ges", LEAD)


def test_a_value_mapping_is_never_stored_for_a_cell_with_several_names(coordinator):  # noqa: F811
    """Even a forged post of the values step cannot map "Jug/Ges" or "A, B" to one entry."""
    data = csv_bytes(
        [{"Titel": "Sprechstunde", "Federführung": "Jug", "Zielgruppen": "Eltern, Großeltern"}],
        headers=["Titel", "Federführung", "Zielgruppen"],
    )
    response = upload(coordinator, "mehrere.csv", data)
    unknown = response.context["plan"].unknown
    # No part is a known target group: one unknown value as written, offered as no entry.
    assert [(item["value"], item["suggestion"]) for item in unknown] == [
        ("Eltern, Großeltern", None)
    ]
    group = unknown[0]["options"][0][0]
    department = response.context["plan"].unknown[0]["options"][0][0]
    posted = {
        "token": response.context["token"],
        "count": "4",
        "kind-0": "target_groups",
        "value-0": "Eltern, Großeltern",
        "target-0": str(group),
        "kind-1": "departments",
        "value-1": "Jug/Ges",
        "target-1": str(department),
        "kind-2": "target_groups",
        "value-2": "Eltern\nGroßeltern",
        "target-2": str(group),
        "kind-3": "target_groups",
        "value-3": "Großeltern",
        "target-3": str(group),
    }
    response = coordinator.post(reverse("exchange:import_values"), posted)
    assert response.status_code in (200, 400)
    assert list(ValueMapping.objects.values_list("value", flat=True)) == ["Großeltern"]


def test_the_values_step_answers_a_broken_count_with_400_and_bounds_a_huge_one(coordinator):  # noqa: F811
    data = csv_bytes(
        [{"Titel": "Sprechstunde", "Federführung": "Jug"}], headers=["Titel", "Federführung"]
    )
    response = upload(coordinator, "a.csv", data)
    url = reverse("exchange:import_values")
    broken = coordinator.post(url, {"token": response.context["token"], "count": "abc"})
    assert broken.status_code == 400
    assert "Anzahl „abc“" in broken.content.decode()
    huge = coordinator.post(url, {"token": response.context["token"], "count": "9" * 30})
    assert huge.status_code == 200
    assert confirm(coordinator, huge).status_code == 302


def test_18_an_encrypted_workbook_is_named_as_such_with_the_fix(coordinator):  # noqa: F811
    response = upload(coordinator, "18.xlsx", case("18-encrypted-workbook.xlsx"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Die Excel-Datei ist verschlüsselt (mit einem Kennwort oder einer" in html
    assert "Vertraulichkeitsbezeichnung" in html
    assert "„CSV UTF-8“" in html
    assert "keine Excel-Datei" not in html


def confirm_mapping(client, response):
    """Take the mapping page's suggestions as they are."""
    fields = {"token": response.context["token"]}
    for item in response.context["rows"]:
        fields[f"column-{item['position']}"] = item["column"].key if item["column"] else ""
    return client.post(reverse("exchange:import_columns"), fields)


def test_15_a_budget_in_thousands_is_read_as_thousands_and_says_so(coordinator):  # noqa: F811
    response = preview(coordinator, "15-budget-in-thousands.xlsx")
    rows = {item["header"]: item for item in response.context["rows"]}
    assert rows["Budget in T€"]["column"].key == "budget_eur"
    assert rows["Budget in T€"]["samples"] == ["12,5", "85", "240"]
    response = confirm_mapping(coordinator, response)
    assert response.status_code == 200, errors(response)
    budgets = [str(row.measure.budget_eur) for row in response.context["plan"].rows]
    assert budgets == ["12500.00", "85000.00", "240000.00"]
    html = response.content.decode()
    assert "12,5 T€ → 12.500,00 €" in html
    assert "12,50 €" not in html


@pytest.mark.parametrize(
    ("cell", "euros", "note"),
    [
        ("12 T€", "12000.00", "12 T€ → 12.000,00 €"),
        ("1,2 Mio. €", "1200000.00", "1,2 Mio. € → 1.200.000,00 €"),
        ("85 TEUR", "85000.00", "85 T€ → 85.000,00 €"),
        ("7,5 Tsd. €", "7500.00", "7,5 T€ → 7.500,00 €"),
        ("ca. 6.000", "6000.00", "„ca. 6.000“ ist ein ungefährer Wert"),
        ("5.000,-", "5000.00", ""),
        ("4.800 € p. a.", "4800.00", ""),
        ("k. A.", None, "„k. A.“ → leer (keine Angabe)"),
        ("-", None, "„-“ → leer (keine Angabe)"),
    ],
)
def test_amounts_as_people_write_them_follow_the_stated_rules(coordinator, cell, euros, note):  # noqa: F811
    data = csv_bytes(
        [{"Titel": "Sprechstunde", "Federführung": "Jug", "Budget (EUR)": cell}],
        headers=["Titel", "Federführung", "Budget (EUR)"],
    )
    response = upload(coordinator, "betrag.csv", data)
    assert response.status_code == 200, errors(response)
    row = response.context["plan"].rows[0]
    assert (str(row.measure.budget_eur) if row.measure.budget_eur is not None else None) == euros
    assert row.notes == ([f"Budget (EUR): {note}"] if note else [])
    if note:
        assert note in response.content.decode()


@pytest.mark.parametrize("cell", ["5.000–8.000", "zwölf", "12 Äpfel"])
def test_an_amount_that_fits_no_rule_is_an_error_quoting_the_cell(coordinator, cell):  # noqa: F811
    data = csv_bytes(
        [{"Titel": "Sprechstunde", "Federführung": "Jug", "Budget (EUR)": cell}],
        headers=["Titel", "Federführung", "Budget (EUR)"],
    )
    response = upload(coordinator, "betrag.csv", data)
    assert response.status_code == 400
    ((_row, column, message),) = errors(response)
    assert column == "Budget (EUR)"
    assert message.startswith(f"„{cell}“")


def test_23_a_period_column_fills_beginn_and_ende_by_the_stated_rules(coordinator):  # noqa: F811
    response = preview(coordinator, "23-department-list-with-periods.xlsx")
    rows = {item["header"]: item for item in response.context["rows"]}
    assert rows["Zeitraum"]["column"].key == "period"
    assert rows["Kosten"]["column"].key == "budget_eur"
    suggested = [item["column"].key for item in rows.values() if item["column"]]
    assert "funding_ends_on" not in suggested
    response = confirm_mapping(coordinator, response)
    plan = response.context["plan"]
    found = {e.row: [] for e in plan.errors}
    for e in plan.errors:
        found[e.row].append(e.message)
    # Row 4: one unknown value as written, never split, never "meinten Sie" for it.
    assert any(
        m.startswith("Zielgruppe „Schwangere und junge Familien“ ist unbekannt. Stehen")
        for m in found[4]
    )
    assert "„Gesundheitsamt / KJGD“ nennt mehrere Fachbereiche." in found[7][0]
    assert not any("Finanzierung endet am" in e.column for e in plan.errors)
    (last,) = plan.rows
    assert (last.row, last.measure.start_date, last.measure.end_date) == (
        9,
        datetime.date(2026, 9, 1),
        None,
    )
    assert last.notes == [
        "Zeitraum (Beginn und Ende): „ab Herbst 2026“ → Beginn 01.09.2026 "
        "(„ab“ Jahreszeit: Beginn am Ersten ihres ersten Monats)"
    ]


@pytest.mark.parametrize(
    ("cell", "start", "end", "status"),
    [
        ("2023–2027", "01.01.2023", "31.12.2027", "planned"),
        ("01.01.2026 - 31.12.2026", "01.01.2026", "31.12.2026", "planned"),
        ("seit 03/2024", "01.03.2024", None, "planned"),
        ("ab Herbst 2026", "01.09.2026", None, "planned"),
        ("bis 12/2025", None, "31.12.2025", "planned"),
        ("laufend", None, None, "running"),
        ("2025", "01.01.2025", "31.12.2025", "planned"),
        ("SJ 2024/25", "01.08.2024", "31.07.2025", "planned"),
        ("Q3/2025", "01.07.2025", "30.09.2025", "planned"),
    ],
)
def test_period_forms_fill_beginn_and_ende(coordinator, cell, start, end, status):  # noqa: F811
    data = csv_bytes(
        [{"Titel": "Sprechstunde", "Federführung": "Jug", "Zeitraum": cell}],
        headers=["Titel", "Federführung", "Zeitraum"],
    )
    response = confirm_mapping(coordinator, upload(coordinator, "zeitraum.csv", data))
    assert response.status_code == 200, errors(response)
    measure = response.context["plan"].rows[0].measure

    def shown(value):
        return value.strftime("%d.%m.%Y") if value else None

    assert (shown(measure.start_date), shown(measure.end_date)) == (start, end)
    assert measure.status == status
    note = response.context["plan"].rows[0].notes[0]
    assert f"„{cell}“ →" in note
    assert note.split(": ", 1)[1] in response.content.decode()


def test_a_period_no_rule_reads_is_an_error_quoting_the_cell(coordinator):  # noqa: F811
    data = csv_bytes(
        [{"Titel": "Sprechstunde", "Federführung": "Jug", "Zeitraum": "irgendwann bald"}],
        headers=["Titel", "Federführung", "Zeitraum"],
    )
    response = confirm_mapping(coordinator, upload(coordinator, "zeitraum.csv", data))
    assert response.status_code == 400
    ((_row, _column, message),) = errors(response)
    assert message.startswith("„irgendwann bald“ ist kein lesbarer Zeitraum.")


def test_17_rows_excel_hides_filters_or_strikes_are_left_out_and_named(coordinator):  # noqa: F811
    response = preview(coordinator, "17-hidden-and-filtered-rows.xlsx")
    if "rows" in response.context and "plan" not in response.context:
        response = confirm_mapping(coordinator, response)
    plan = response.context["plan"]
    assert [row.row for row in plan.rows] == [2, 3]
    assert plan.created == 2
    html = response.content.decode()
    assert "Zeile 4 (in Excel ausgeblendet oder weggefiltert)" in html
    assert "Zeile 5 (durchgestrichen)" in html
    assert "Zeile 6 (in Excel ausgeblendet oder weggefiltert)" in html
    assert "Um eine davon zu übernehmen" in html


def test_a_totals_line_is_no_measure(coordinator):  # noqa: F811
    data = csv_bytes(
        [
            {"Titel": "Sprechstunde", "Federführung": "Jug", "Budget (EUR)": "1.000"},
            {"Titel": "Summe", "Budget (EUR)": "1.000"},
        ],
        headers=["Titel", "Federführung", "Budget (EUR)"],
    )
    response = upload(coordinator, "summe.csv", data)
    assert response.status_code == 200, errors(response)
    assert response.context["plan"].created == 1
    assert "Zeile 3 (Summenzeile)" in response.content.decode()
