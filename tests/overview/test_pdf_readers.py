"""The report PDF for every reader: row headers for screen readers, the scripts of Berlin's
families and staff set with fonts (PDF/UA kept), and a named gap where a font is missing."""

import datetime
from io import BytesIO

import page
import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

PDF = reverse("overview:report_pdf")
PAGE = reverse("overview:report")
# Arabic, Persian, Tigrinya (Ethiopic), Amharic, Russian, Greek, Hebrew, Armenian, Georgian,
# Vietnamese, Turkish.
TITLES = [
    "مساعدة الأسر",
    "کمک به خانواده‌ها",
    "ሓገዝ ስድራቤታት",
    "የቤተሰብ ድጋፍ",
    "Помощь семьям",
    "Βοήθεια για οικογένειες",
    "עזרה למשפחות",
    "Օգնություն ընտանիքներին",
    "დახმარება ოჯახებს",
    "Hỗ trợ gia đình",
    "Aile desteği: Çocuklar için öğün",
]


def structure(pdf: bytes):
    """Every structure element of the tagged PDF, depth first."""
    document = pikepdf.open(BytesIO(pdf))

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                yield from walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                yield node
            if "/K" in node:
                yield from walk(node["/K"])

    return document, list(walk(document.Root.StructTreeRoot))


def table_attributes(element):
    attributes = element.get("/A")
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return next(a for a in items if isinstance(a, pikepdf.Dictionary) and a.get("/O") == "/Table")


def ua_failures(pdf: bytes) -> list[str]:
    report = page.validate_pdf_bytes(pdf, profile="ua1")
    return [f"{failure.rule_id}: {failure.message}" for failure in report.failures]


def ending_soon(title, lead):
    return MeasureFactory(
        title=title, lead=lead, end_date=timezone.localdate() + datetime.timedelta(days=30)
    )


def test_matrix_row_labels_are_row_headers_in_the_tagged_pdf(coordinator, network):
    pdf = coordinator.get(PDF).content
    document, elements = structure(pdf)
    rows = [e for e in elements if e.get("/S") == "/TR"]
    headed = []
    for row in rows:
        cells = [kid for kid in row["/K"] if isinstance(kid, pikepdf.Dictionary)]
        if cells and cells[0].get("/S") == "/TH":
            first = table_attributes(cells[0])
            if first.get("/Scope") == "/Row":
                headed.append((cells[0], cells[1:]))
    # The matrices' rows (target groups, life phases, …), the chain, the regions, the funding.
    assert len(headed) >= 20
    ids = pikepdf.NameTree(document.Root.StructTreeRoot.IDTree)
    for head, others in headed:
        assert str(head.ID) in ids  # a /Headers entry can be resolved
        for cell in others:
            assert head.ID in list(table_attributes(cell).Headers)
    assert ua_failures(pdf) == []


def test_titles_in_the_scripts_of_berlin_are_set_and_keep_pdf_ua(coordinator, network):
    for title in TITLES:
        ending_soon(title, network.jug)
    network.jug.name = "Jugendamt – Գործընկեր ოჯახი"
    network.jug.save()
    response = coordinator.get(PDF)
    assert response.status_code == 200
    reader = PdfReader(BytesIO(response.content))
    assert "pdfuaid:part>1<" in reader.xmp_metadata.stream.get_data().decode()
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Schrift fehlt" not in text
    for word in ("Помощь", "Βοήθεια", "Hỗ", "desteği", "Օգնություն", "დახმარება"):
        assert word in text
    assert ua_failures(response.content) == []
    # Nothing to warn about on the page either.
    assert "Im PDF fehlt eine Schrift" not in coordinator.get(PAGE).content.decode()


def test_a_script_without_a_font_is_named_on_the_page_and_in_the_pdf(coordinator, network):
    ending_soon("Elterncafé สวัสดี", network.jug)
    page_html = coordinator.get(PAGE).content.decode()
    assert "Im PDF fehlt eine Schrift für:" in page_html
    assert "Maßnahme „Elterncafé สวัสดี“: Thai" in page_html
    pdf = coordinator.get(PDF).content
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Elterncafé [Schrift fehlt: Thai]" in text
    # The note replaces empty boxes, so the PDF keeps its PDF/UA conformance.
    assert "pdfuaid:part>1<" in reader.xmp_metadata.stream.get_data().decode()
    assert ua_failures(pdf) == []
