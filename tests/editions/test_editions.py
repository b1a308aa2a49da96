"""Frozen editions stay exactly as frozen; the comparison lists exactly what changed since."""

import datetime
import re
from decimal import Decimal
from html import unescape
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from praevention.catalog.models import LifePhase, TargetGroup
from praevention.editions.models import Edition, EditionChangedError
from praevention.measures import services
from praevention.measures.models import Measure
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

H2 = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)


@pytest.fixture
def small_network(jugendamt, gesundheitsamt, qpk):
    groups = list(TargetGroup.objects.order_by("position")[:2])
    phases = list(LifePhase.objects.order_by("position")[:2])
    kept = MeasureFactory(
        title="Kita-Sozialarbeit",
        lead=jugendamt,
        partners=[gesundheitsamt],
        target_groups=groups,
        life_phases=phases[:1],
        budget_eur=Decimal("12000.00"),
        reach_planned=80,
    )
    changed = MeasureFactory(
        title="Elterncafé",
        lead=gesundheitsamt,
        target_groups=groups[:1],
        life_phases=phases[:1],
        budget_eur=Decimal("5000.00"),
        reach_planned=30,
    )
    archived = MeasureFactory(
        title="Sprachförderung",
        lead=qpk,
        partners=[jugendamt],
        target_groups=groups[1:],
        life_phases=phases[:1],
        budget_eur=None,
    )
    return {
        "kept": kept,
        "changed": changed,
        "archived": archived,
        "groups": groups,
        "phases": phases,
    }


def freeze(client, title="Jugendhilfeausschuss 12.03.2027", params=""):
    response = client.post(reverse("editions:freeze"), {"title": title, "params": params})
    assert response.status_code == 302, response.content[:2000]
    return Edition.objects.get(title=title)


def edition_body(client, edition):
    content = client.get(reverse("editions:detail", args=[edition.pk])).content.decode()
    return content[content.index('<div class="edition-body">') : content.index("</article>")]


def workbook_values(content):
    workbook = load_workbook(BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_an_edition_stays_as_frozen_and_the_comparison_lists_exactly_the_changes(
    client, koordination, small_network
):
    client.force_login(koordination)
    edition = freeze(client)
    body = edition_body(client, edition)
    pdf = client.get(reverse("editions:pdf", args=[edition.pk])).content
    xlsx = client.get(reverse("editions:xlsx", args=[edition.pk])).content
    assert small_network["groups"][0].name in body and pdf.startswith(b"%PDF")

    # After freezing: a budget changes, a measure is archived, a new one closes a gap cell.
    changed = small_network["changed"]
    changed.budget_eur = Decimal("7500.00")
    changed.save()
    services.measure_set_archived(measure=small_network["archived"], archived=True, by=koordination)
    group, phase = small_network["groups"][1], small_network["phases"][1]
    new = MeasureFactory(
        title="Lernpaten",
        lead=small_network["kept"].lead_participation.department,
        target_groups=[group],
        life_phases=[phase],
        budget_eur=Decimal("1000.00"),
    )
    cache.clear()

    assert edition_body(client, edition) == body
    assert client.get(reverse("editions:pdf", args=[edition.pk])).content == pdf
    again = client.get(reverse("editions:xlsx", args=[edition.pk])).content
    assert again == xlsx and workbook_values(again) == workbook_values(xlsx)

    response = client.get(reverse("overview:report"), {"seit": edition.pk})
    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress.new == [(new.pk, "Lernpaten")]
    assert progress.ended == [(small_network["archived"].pk, "Sprachförderung")]
    assert [(c.title, c.budget) for c in progress.changed] == [("Elterncafé", (5000, 7500))]
    assert progress.gaps_closed == [f"{group.name} × {phase.name}"]
    assert progress.gaps_opened == []  # the kept measure still covers the archived one's cell
    budget = next(d for d in progress.deltas if d.label == "Budget")
    assert (budget.then, budget.now, budget.arrow) == (17000, 20500, "▲")
    assert "Seit dem letzten Bericht" in response.content.decode()
    assert not progress.filters_differ and not progress.quantity_differs


def test_an_edition_is_never_edited_and_a_withdrawn_one_stays_readable_and_marked(
    client, koordination, small_network
):
    client.force_login(koordination)
    edition = freeze(client)
    edition.title = "Anders"
    with pytest.raises(EditionChangedError):
        edition.save()
    response = client.post(
        reverse("editions:withdraw", args=[edition.pk]), {"reason": "falsche Auswahl"}
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.is_withdrawn and edition.title == "Jugendhilfeausschuss 12.03.2027"
    page = client.get(reverse("editions:detail", args=[edition.pk]))
    assert page.status_code == 200
    assert "Zurückgezogen" in page.content.decode() and "falsche Auswahl" in page.content.decode()
    listing = client.get(reverse("editions:list")).content.decode()
    assert "Jugendhilfeausschuss 12.03.2027" in listing and "zurückgezogen" in listing


def test_freezing_without_a_title_is_a_400_and_saves_nothing(client, koordination, small_network):
    client.force_login(koordination)
    response = client.post(reverse("editions:freeze"), {"title": "  ", "params": ""})
    assert response.status_code == 400
    assert "Bitte einen Titel angeben" in response.content.decode()
    assert not Edition.objects.exists()


def test_comparing_with_an_unknown_edition_or_a_bad_date_says_what_is_wrong(client, koordination):
    client.force_login(koordination)
    response = client.get(reverse("overview:report"), {"seit": "999"})
    assert response.status_code == 400
    assert "Bericht Nr. 999 gibt es hier nicht" in response.content.decode()
    response = client.get(reverse("overview:report"), {"seit_datum": "gestern"})
    assert response.status_code == 400
    assert "ist kein Datum" in response.content.decode()


def test_comparing_with_a_date_uses_the_change_history(client, koordination, small_network):
    client.force_login(koordination)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Measure.history.update(history_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    new = MeasureFactory(
        title="Neu seit gestern",
        lead=small_network["kept"].lead_participation.department,
    )
    response = client.get(reverse("overview:report"), {"seit_datum": yesterday.isoformat()})
    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress.new == [(new.pk, "Neu seit gestern")]
    assert progress.ended == [] and not progress.structural


# Role matrix from the outside: only coordinators freeze, withdraw and take the XLSX; every
# member reads the editions and their PDF; anonymous visitors are sent to the login.
def test_edition_pages_run_a_constant_number_of_queries(
    client, koordination, small_network, django_assert_max_num_queries
):
    client.force_login(koordination)
    first = freeze(client, title="Erste")
    for n in range(5):
        MeasureFactory(
            title=f"Weitere {n}",
            lead=small_network["kept"].lead_participation.department,
        )
    second = freeze(client, title="Zweite")
    cache.clear()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("editions:detail", args=[second.pk]), {"seit": first.pk})
    assert response.status_code == 200
    assert len(response.context["progress"].new) == 5
    with django_assert_max_num_queries(6):
        assert client.get(reverse("editions:list")).status_code == 200


def test_the_demo_report_as_pdf(client, koordination):
    """Title, date, every section heading and a number from each matrix, read back with pypdf."""
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    client.force_login(koordination)
    response = client.get(reverse("overview:report_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Überschneidungen und Lücken" in flat
    report = client.get(reverse("overview:report")).context
    today = report["now"]
    from django.utils.formats import date_format

    assert date_format(today, "DATE_FORMAT") in flat
    assert "Inhalt" in flat and f"Seite 2 von {len(reader.pages)}" in flat
    from praevention.overview.pdf import render_html

    html = render_html(report, now=today)
    body = html[html.index('<main class="report">') :]
    headings = [" ".join(re.sub("<[^>]+>", "", h).split()) for h in H2.findall(body)]
    assert len(headings) >= 12 and "Seit dem letzten Bericht" not in headings
    for heading in headings:
        assert flat.count(unescape(heading)) >= 2, heading  # contents and body
    for matrix in report["matrices"]:
        title = " ".join(str(matrix.title).split())
        after = flat[flat.rindex(title) :]
        biggest = max(matrix.rows, key=lambda row: row.total)
        assert biggest.label.split()[0] in after
        assert f"{matrix.total:,}".replace(",", ".") in after


def test_the_pdf_has_the_map_and_names_the_mss_year_among_its_sources(koordination):
    """The issue wants "the map once it exists" in the PDF: the same SVG as on the page."""
    from django.http import QueryDict
    from django.utils import timezone

    from praevention.overview import pages
    from praevention.overview.pdf import render_html

    html = render_html(pages.report_page(QueryDict()), now=timezone.localtime())
    assert 'id="report-map"' in html
    assert html.count('class="district-map') == 1
    assert "MSS 2021: Monitoring Soziale Stadtentwicklung 2021" in html


def test_an_edition_compared_with_a_date_before_it(client, koordination, small_network):
    client.force_login(koordination)
    Measure.history.update(history_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    MeasureFactory(
        title="Neu vor dem Ausschuss",
        lead=small_network["kept"].lead_participation.department,
    )
    edition = freeze(client)
    url = reverse("editions:detail", args=[edition.pk])
    response = client.get(url, {"seit_datum": "2026-06-01"})
    assert response.status_code == 200
    # Compared with a date, not with a report: the heading says so.
    assert '<h2 id="report-progress" class="h4">Seit dem 1. Juni 2026</h2>' in (
        response.content.decode()
    )
    assert [title for _pk, title in response.context["progress"].new] == ["Neu vor dem Ausschuss"]
    response = client.get(url, {"seit_datum": edition.created_at.date().isoformat()})
    assert response.status_code == 400
    assert "vor dem Festschreiben" in response.content.decode()


def test_a_long_list_of_changes_shows_the_first_fifty_and_counts_the_rest(
    client, koordination, small_network
):
    """Compared with a date long ago, every measure is new: the heading counts all of them,
    the list names the first 50 by title and says how many more (page and PDF alike)."""
    client.force_login(koordination)
    lead = small_network["kept"].lead_participation.department
    MeasureFactory.create_batch(60, lead=lead)
    response = client.get(reverse("overview:report"), {"seit_datum": "2020-01-01"})
    new = response.context["progress"].new
    assert len(new) == 63
    page = response.content.decode()
    assert "▲ 63 neue Maßnahmen" in page and "… und 13 weitere" in page
    assert new[49][1] in page and new[50][1] not in page
    pdf = client.get(reverse("overview:report_pdf"), {"seit_datum": "2020-01-01"}).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())
    assert "▲ 63 neue Maßnahmen" in text and "… und 13 weitere" in text


def test_a_comparison_date_in_an_implausible_year_is_a_german_400(client, koordination):
    client.force_login(koordination)
    for url in (reverse("overview:report"), reverse("overview:report_pdf")):
        response = client.get(url, {"seit_datum": "0001-01-01"})
        assert response.status_code == 400
        assert "Das Jahr 1 ist nicht plausibel" in response.content.decode()
