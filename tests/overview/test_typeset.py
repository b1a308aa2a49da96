"""The report's PDF is set by Typst from the print HTML: what a reader of the PDF notices."""

import datetime
import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from praevention.measures.models import Measure
from praevention.overview.typeset import html_to_typst, typeset
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

PDF = reverse("overview:report_pdf")
# Typst markup, code, maths, labels and references, string escapes: all must stay text.
TRICKY = 'Sprach#read("/etc/hostname") *fett* _k_ `c` $x^2$ <m> @ref \\n "Zitat" ] ) = + /'


def read(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(BytesIO(content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_of(html: str) -> str:
    return read(typeset(html_to_typst(html), made=timezone.localtime()))[1]


def test_a_title_that_looks_like_typst_code_is_printed_as_written(coordinator, network):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    MeasureFactory(
        title=TRICKY,
        lead=network.jug,
        status=Measure.Status.RUNNING,
        start_date=soon - datetime.timedelta(days=100),
        end_date=soon,
    )
    response = coordinator.get(PDF)
    assert response.status_code == 200
    _reader, text = read(response.content)
    # Where the expiring list prints it: every character as the user typed it (the narrow
    # column breaks its lines, hyphenating "host-name").
    assert "".join(TRICKY.split()) in "".join(text.split()).replace("-", "")


def test_hidden_helper_texts_stay_out_and_symbols_stay_in():
    text = pdf_of(
        '<html lang="de"><head><title>T</title></head><body><main><table class="matrix-table">'
        '<thead><tr><th scope="col">Zielgruppe</th><th scope="col">Jug</th></tr></thead>'
        '<tbody><tr><th scope="row">Eltern</th><td class="heat heat-5">17'
        '<span class="overlap-mark" aria-hidden="true">◆</span>'
        '<span class="visually-hidden"> Überschneidung</span></td></tr></tbody></table>'
        "</main></body></html>"
    )
    assert "Eltern" in text and "17" in text and "◆" in text
    assert "Überschneidung" not in text


def test_colours_and_alignment_come_from_the_page_classes():
    source = html_to_typst(
        "<html><body><table class='table matrix-table'><tbody><tr><th scope='row'>A</th>"
        "<td class='heat heat-5'>3</td><td class='chain-cell chain-gap'>✕ Lücke</td>"
        "</tr></tbody></table></body></html>"
    )
    assert 'fill: rgb("#1d4f6e")' in source and 'text(fill: rgb("#ffffff")' in source
    assert 'fill: rgb("#fbe3e3")' in source and "align: center" in source


def test_the_demo_pdf_has_contents_footer_landscape_matrices_and_metadata(coordinator, network):
    reader, _text = read(coordinator.get(PDF).content)
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    total = len(pages)
    assert "Seite" not in pages[0]  # the cover has no footer
    assert pages[1].startswith("Inhalt") and f"Seite 2 von {total}" in pages[1]
    # The contents give each section's page: the gap radar starts where the contents say.
    chain = next(i for i, page in enumerate(pages) if page.startswith("Lücken in der Präv"))
    listed = re.search(r"Lücken in der Präventionskette[ .]+\W?(\d+)", pages[1])
    assert listed and int(listed.group(1)) == chain + 1
    matrix = next(i for i, page in enumerate(pages) if "Fachbereiche × Zielgruppen" in page[:80])
    box = reader.pages[matrix].mediabox
    assert box.width > box.height  # the wide matrices are printed landscape
    portrait = reader.pages[0].mediabox
    assert round(portrait.width) == 595 and round(portrait.height) == 842  # A4
    assert (
        reader.metadata.title
        == "Präventionsnetz Charlottenburg-Wilmersdorf: Überschneidungen und Lücken"
    )


def test_the_english_pdf_says_contents_page_and_of(coordinator, network):
    coordinator.cookies["django_language"] = "en"
    reader, _text = read(coordinator.get(PDF).content)
    second = " ".join(reader.pages[1].extract_text().split())
    assert second.startswith("Contents At a glance")
    assert "Gaps in the prevention chain" in second
    assert f"Page 2 of {len(reader.pages)}" in second


def _alt_texts(node, found):
    """Every /Alt of the PDF's structure tree (the tags a screen reader follows)."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _alt_texts(child, found)
    elif hasattr(node, "get"):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        if "/K" in node:
            _alt_texts(node["/K"], found)
    return found


def test_the_pdf_is_tagged_pdf_ua_with_a_text_for_every_figure(coordinator, network):
    reader, _text = read(coordinator.get(PDF).content)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "de"
    assert "<pdfuaid:part>1</pdfuaid:part>" in reader.xmp_metadata.stream.get_data().decode()
    alts = _alt_texts(root["/StructTreeRoot"], [])
    # The map and the charts say what they show, with the titles the page gives them.
    assert "Karte der Planungsräume: Status nach MSS 2021 und laufende Maßnahmen" in alts
    assert any(alt.startswith("Fachbereiche × Zielgruppen") for alt in alts)


def test_an_empty_selection_still_gives_a_pdf_that_says_so(coordinator, network):
    response = coordinator.get(PDF, {"department": network.soz.pk})
    assert response.status_code == 200
    _reader, text = read(response.content)
    assert "Maßnahmen in der Auswahl 0" in text
    # "no overlaps" is a sentence, not item 1 of a numbered list
    assert "Keine Überschneidungen." in text and "1. Keine" not in text


def test_a_matrix_of_many_departments_fits_the_landscape_page():
    """25 departments: the figures shrink (not below 4 pt) instead of running off the page."""
    heads = "".join(f'<th scope="col">FB{i:02d}X</th>' for i in range(25))
    cells = "".join('<td class="heat heat-3">1.234</td>' for _ in range(25))
    html = (
        '<html lang="de"><head><title>T</title></head><body><section class="report-section '
        'wide"><h2>Matrix</h2><table class="matrix-table"><thead><tr><th scope="col">Zielgruppe'
        f'</th>{heads}<th scope="col">Gesamt</th></tr></thead><tbody><tr><th scope="row">Eltern'
        f'</th>{cells}<td class="total">99.999</td></tr></tbody></table></section></body></html>'
    )
    reader, text = read(typeset(html_to_typst(html), made=timezone.localtime()))
    assert len(reader.pages) == 1 and "FB24X" in text and "99.999" in text
    # Every column header lies inside the landscape page's text area (15 mm margins).
    positions = []

    def where(text, cm, tm, *_):  # the text matrix in the page's coordinates: tm × cm
        if text.strip():
            positions.append((text.strip(), tm[4] * cm[0] + tm[5] * cm[2] + cm[4]))

    reader.pages[0].extract_text(visitor_text=where)
    right_edge = float(reader.pages[0].mediabox.width) - 15 * 72 / 25.4
    assert positions and all(x < right_edge for _text, x in positions)


def html_page(body: str, title: str = "T") -> str:
    return f'<html lang="de"><head><title>{title}</title></head><body>{body}</body></html>'


@pytest.mark.parametrize("text", ["Lesepaten 📚 🇩🇪 👨‍👩‍👧", "儿童 子ども 안녕 สวัสดี"])
def test_emoji_and_scripts_without_a_font_still_give_the_pdf(coordinator, network, text):
    """Emoji come from Noto Color Emoji; scripts no installed font has (CJK, Thai) still give
    a PDF (tagged, without the PDF/UA claim, which forbids missing glyphs), never a 500."""
    network.jug.name = f"Jugendamt {text}"  # in the funding table by department
    network.jug.short_name = "Jug🎉"  # in every matrix and chart
    network.jug.save()
    response = coordinator.get(PDF)
    assert response.status_code == 200
    _reader, pdf_text = read(response.content)
    assert "Jugendamt" in pdf_text and "Jug" in pdf_text


def test_control_characters_are_left_out_instead_of_breaking_the_pdf():
    """A bell, an escape, a C1 control or a BOM stored by an old import or the admin: no
    font shows them and Typst refuses them in text and in SVG (a chart's label)."""
    chart = (
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 10 10">'
        '<title>Amt \x07</title><text x="0" y="9">Ctl\x1b</text></svg>'
    )
    text = pdf_of(html_page(f"<p>Amt \x07Glocke \ufeffBOM \x9fEnde</p><figure>{chart}</figure>"))
    assert "Amt Glocke BOM Ende" in text


def test_spaces_that_mean_something_stay_and_long_words_break_inside_the_page():
    word = "Donaudampfschifffahrtsgesellschaftskapitän" * 5
    source = html_to_typst(
        html_page(
            f"<p>100\u00a0€</p><table><tbody><tr><td>{word}</td><td>x</td></tr></tbody></table>"
        )
    )
    assert "100\u00a0€" in source  # a no-break space is not white space to collapse
    reader, text = read(typeset(source, made=timezone.localtime()))
    lines = set()

    def where(text, cm, tm, *_):
        if text.strip():
            lines.add(round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    reader.pages[0].extract_text(visitor_text=where)
    # 210 letters wrap over several lines of their column instead of one line running on.
    assert len(lines) >= 4, sorted(lines)  # "100 €", then three or more for the word


def test_an_edition_title_on_the_cover_does_not_overlap_the_next_line():
    source = html_to_typst(
        html_page(
            '<section class="cover"><p class="cover-kicker">Netz</p><h1>Bericht</h1>'
            '<p class="cover-title">Jugendhilfeausschuss 12.03.2027</p>'
            '<p class="cover-lead">Bericht für den Ausschuss</p></section>'
        )
    )
    assert "block(above: 0pt, par(text(" not in source  # paragraphs keep their spacing
    assert 'size: 15pt, weight: "bold", "Jugendhilfeausschuss 12.03.2027"' in source


def test_a_long_name_with_hyphens_is_copied_from_the_pdf_as_written():
    """Only words without a break of their own get invisible break opportunities."""
    credit = "open-data-product-berlin-lor-geodata, CC BY 4.0"
    assert credit in pdf_of(html_page(f"<p>{credit}</p>"))


def test_a_figure_caption_is_small_and_muted_as_on_the_page():
    source = html_to_typst(
        html_page('<figure><figcaption class="small text-body-secondary">Hinweis</figcaption>'
                  "</figure>")
    )  # fmt: skip
    assert 'par(text(fill: rgb("#595959"), size: 8pt, "Hinweis"))' in source
