"""Typesetting the print HTML of the committee report as PDF with Typst.

Why Typst and not an HTML renderer: the report is about 20 A4 pages with 4,500 table cells
and a dozen SVG figures. WeasyPrint needed 2.9 s of CPU to lay them out, whatever the number
of measures; Typst (the `typst` wheel, no system library) sets the same pages in about 0.15 s
(bench/overview.py, 20,000 measures, November 2026).

The report keeps ONE source: `templates/overview/report_pdf.html`, which includes the very
templates the report page shows. `html_to_typst` reads that HTML (our own, well-formed
markup: the standard library's parser is enough) and writes a Typst document in which every
text of the HTML is a Typst *string literal*, so a measure's title is never read as Typst
markup or code. SVG figures go through unchanged, as vector images.

What the stylesheet does for the page, the tables below do here, by class name: heat-map
colours (those of static/css/overview.css, WCAG AA for their text), gaps, overlaps, muted text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from functools import cache
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from praevention.core.text import CONTROL

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pikepdf
    import typst as typst_module

# DejaVu Sans (Debian's fonts-dejavu-core, installed by the Makefile and the Dockerfile) has
# every symbol the report uses (◆ ✕ ⚠ ▲ ▼ → €) and Latin (Turkish, Vietnamese), Greek and
# Cyrillic; the scripts of Berlin's families and staff that it lacks or sets poorly come from
# Debian's fonts-noto-core: Arabic and Persian, Hebrew, Armenian, Georgian, Ethiopic
# (Tigrinya, Amharic); emoji from Noto Color Emoji (fonts-noto-color-emoji). Typst takes each
# character from the first font in this order that has it.
FONTS = (
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Armenian",
    "Noto Sans Georgian",
    "Noto Sans Ethiopic",
    "Noto Color Emoji",
)
# Typst may read files below its root; the document reads none (everything is in the source).
ROOT = Path(__file__).resolve().parent

# Cell fill and text colour by class (static/css/overview.css).
FILLS = {
    "heat-0": ("#ffffff", "#595959"),
    "heat-1": ("#e8f1f8", "#212529"),
    "heat-2": ("#c3dbee", "#212529"),
    "heat-3": ("#8fbde0", "#212529"),
    "heat-4": ("#3a78a8", "#ffffff"),
    "heat-5": ("#1d4f6e", "#ffffff"),
    "diagonal": ("#f1f3f5", "#595959"),
    "chain-gap": ("#fbe3e3", "#212529"),
    "chain-expires": ("#fff3cd", "#212529"),
    "chain-covered": ("#ffffff", "#212529"),
    "chain-na": ("#f1f3f5", "#495057"),
    "total": ("#f8f9fa", ""),
}
TEXT_COLOURS = {
    "lor": "#595959",
    "text-body-secondary": "#595959",
    "credit": "#595959",
    "progress-up": "#146c43",
    "progress-down": "#b02a37",
    "state-break": "#8a1c1c",
    "flag-need": "#8a1c1c",
    "state-weak": "#7a4a00",
    "state-bridged": "#1e6b30",
    "overlap-badge": "#7a4a00",
    "cover-kicker": "#0b5584",
}
# Relative sizes where the text sits in a table whose size depends on the number of columns.
SIZES = {"small": "8pt", "overlap-badge": "0.87em", "planned": "0.93em", "credit": "7.5pt"}
SIZES |= {"cover-title": "15pt", "cover-lead": "11pt", "cover-kicker": "11pt"}
BOLD = {"fw-semibold", "total", "overlap-badge", "state-break", "state-weak", "state-bridged"}
BOLD |= {"flag-need", "cover-title", "strong-row"}
# Helper texts for screen readers, and the page's own header lines (the cover says it all).
HIDDEN = {"visually-hidden", "sr-only", "no-print", "report-meta", "lead"}
SKIPPED_TAGS = {"title", "style", "script", "head"}
BLOCK_TAGS = {"section", "main", "div", "figure", "figcaption", "nav", "p", "ul", "ol", "dl"}
BLOCK_TAGS |= {"table", "h1", "h2", "h3", "h4", "h5", "h6", "body", "html", "dd", "dt", "svg"}
VOID_TAGS = {"br", "meta", "img", "input", "hr", "link", "col", "wbr"}
SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)
DEFS_RE = re.compile(r"<defs>.*?</defs>", re.S)
TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
LABEL_RE = re.compile(r'aria-label="([^"]*)"')
TAG_RE = re.compile(r"<[^>]+>")
# HTML's white space (a no-break space is text, not white space).
SPACE_RE = re.compile(r"[ \t\n\f\r]+")
# Characters no font shows and Typst refuses (in text: "could not be displayed", in an SVG:
# "non-XML character"): the control characters core.text removes from stored text (older
# data may still hold them), the byte order mark, non-characters. Left out of the PDF.
UNPRINTABLE_RE = re.compile(f"{CONTROL.pattern}|[\ufeff\ufdd0-\ufdef\ufffe\uffff]")
# A word longer than this gets a break opportunity (zero-width space) every BREAK_EVERY
# characters, so that it wraps inside its column instead of running over the next one; a
# hyphen or slash is a break opportunity already ("open-data-product-berlin-lor-geodata").
LONG_WORD, BREAK_EVERY = 30, 15
LONG_WORD_RE = re.compile(rf"[^ \t\n\f\r\u200b/-]{{{LONG_WORD + 1},}}")
SHORT_TEXT = 16  # characters: a table column of figures, dates or short labels
ESCAPES = {"n": "\n", "\\": "\\", '"': '"'}
# A4 less the page margins (15 mm each side), upright and across; 1 mm = 2.835 pt.
PORTRAIT_TEXT_WIDTH, LANDSCAPE_TEXT_WIDTH, POINTS_PER_MM = 180, 267, 72 / 25.4


@dataclass
class Node:
    """An HTML element: tag, attributes, children (elements and text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def elements(self, *tags: str) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node) and (not tags or c.tag in tags)]

    def find(self, tag: str) -> Node | None:
        for child in self.elements():
            found = child if child.tag == tag else child.find(tag)
            if found is not None:
                return found
        return None

    def text(self, *, visible: bool = False) -> str:
        """The text inside, whitespace collapsed; `visible`: without hidden helper texts."""
        if visible and self.classes & HIDDEN:
            return ""
        parts = (c if isinstance(c, str) else c.text(visible=visible) for c in self.children)
        return SPACE_RE.sub(" ", "".join(parts)).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element: an optional end tag left out closes with it.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def string(value: str) -> str:
    """`value` as a Typst string literal: shown as text, never read as markup or code
    (without the characters of UNPRINTABLE_RE)."""
    value = UNPRINTABLE_RE.sub("", value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\r", "").replace("\t", " ") + '"'


def _unquote(literal: str) -> str:
    """The text of a literal made by `string` (in one pass: an escaped backslash followed by
    "n" stays a backslash and an "n")."""
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], literal[1:-1])


def _breakable(match: re.Match[str]) -> str:
    word = match.group(0)
    return "\u200b".join(word[i : i + BREAK_EVERY] for i in range(0, len(word), BREAK_EVERY))


def join(parts: list[str]) -> str:
    """One content expression of several (empty text when there are none)."""
    parts = [part for part in parts if part and part != '""']
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return "(" + ", ".join(parts) + ").join()"


def styled(content: str, classes: set[str]) -> str:
    """`content` in the colour, size and weight its classes give it."""
    options = []
    colour = next((TEXT_COLOURS[c] for c in sorted(classes) if c in TEXT_COLOURS), None)
    if colour:
        options.append(f'fill: rgb("{colour}")')
    size = next((SIZES[c] for c in sorted(classes) if c in SIZES), None)
    if size:
        options.append(f"size: {size}")
    if classes & BOLD:
        options.append('weight: "bold"')
    return f"text({', '.join(options)}, {content})" if options else content


class _Writer:
    """Walks the tree: inline content becomes Typst expressions, blocks become statements."""

    def __init__(self, svgs: list[str]) -> None:
        self.svgs = svgs
        # The map legend's swatches fill with the map's patterns: each image needs its own.
        self.defs = "".join(m.group(0) for svg in svgs for m in DEFS_RE.finditer(svg))
        self.text_width = PORTRAIT_TEXT_WIDTH
        self.row_headings: list[tuple[bool, ...]] = []

    # Inline content: a list of expressions.
    def inline(self, node: Node | str) -> list[str]:
        if isinstance(node, str):
            text = LONG_WORD_RE.sub(_breakable, SPACE_RE.sub(" ", without_missing_glyphs(node)))
            return [string(text)] if text else []
        classes = node.classes
        if classes & HIDDEN or node.tag in SKIPPED_TAGS:
            return []
        if node.tag == "br":
            return ["linebreak()"]
        if node.tag == "svg":
            return [self.image(node)]
        if node.tag == "span" and "swatch" in classes:
            fill = next((FILLS[c][0] for c in sorted(classes) if c in FILLS), "#ffffff")
            swatch = f'box(width: 1.4em, height: 0.8em, fill: rgb("{fill}"), baseline: 0.1em'
            return [swatch + ', stroke: 0.5pt + rgb("#adb5bd"))', "h(0.3em)"]
        content = join(self.inline_children(node))
        if not content:
            return []
        if node.tag in {"strong", "b"}:
            content = f"strong({content})"
        elif node.tag in {"em", "i"}:
            content = f"emph({content})"
        if "overlap-mark" in classes:
            content = f"super({content})"
        content = styled(content, classes)
        if "planned" in classes:  # a line of its own under the figure
            return ["linebreak()", content]
        if "lor" in classes:  # the LOR number before the name
            return [content, "h(0.3em)"]
        return [content]

    def inline_children(self, node: Node) -> list[str]:
        return [part for child in node.children for part in self.inline(child)]

    def trimmed(self, node: Node) -> str:
        """The inline content of `node` without leading and trailing white space."""
        parts = [part for part in self.inline_children(node) if part != string(" ")]
        if parts and parts[0].startswith('"'):
            parts[0] = string(_unquote(parts[0]).lstrip())
        if parts and parts[-1].startswith('"'):
            parts[-1] = string(_unquote(parts[-1]).rstrip())
        return join(parts)

    def image(self, node: Node) -> str:
        source = self.svgs[int(node.attrs["data-svg"])]
        if 'xmlns="' not in source.split(">", 1)[0]:
            source = source.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        if "url(#" in source and "<defs>" not in source:
            head, rest = source.split(">", 1)
            source = f"{head}>{self.defs}{rest}"
        classes = node.classes
        # PDF/UA: every figure says what it shows (its SVG title, as on the page); a legend's
        # swatch is decoration (aria-hidden on the page), marked as such.
        alt = TITLE_RE.search(source) or LABEL_RE.search(source.split(">", 1)[0])
        alt_text = unescape(alt[1]) if alt else SPACE_RE.sub(" ", TAG_RE.sub(" ", source))
        source_literal = string(source)
        if "map-swatch" in classes:
            image = f'image(bytes({source_literal}), format: "svg", width: 1.5em, alt: "–")'
            return f"pdf.artifact(box(baseline: 0.15em, {image})) + h(0.35em)"
        if "district-map" in classes:
            size = 'width: 100%, height: 160mm, fit: "contain"'  # heading and legend fit too
        else:
            size = "width: 165mm"  # the charts: as on A4 in the browser
        alt_literal = string(alt_text.strip() or "–")
        image = f'image(bytes({source_literal}), format: "svg", {size}, alt: {alt_literal})'
        return f"block(breakable: false, {image})"

    # Blocks: a list of statements.
    def blocks(self, node: Node) -> list[str]:
        statements: list[str] = []
        run: list[str] = []

        def end_paragraph() -> None:
            # Text right inside a container (a figcaption "small text-body-secondary") takes
            # the container's style.
            content = join([part for part in run if part != string(" ")])
            run.clear()
            if content:
                statements.append(f"par({styled(content, node.classes)})")

        for child in node.children:
            if isinstance(child, Node) and child.tag in BLOCK_TAGS:
                if not child.classes & HIDDEN:
                    end_paragraph()
                    statements += self.block(child)
            else:
                run += self.inline(child)
        end_paragraph()
        return statements

    def block(self, node: Node) -> list[str]:
        tag, classes = node.tag, node.classes
        if tag == "svg":
            return [self.image(node)]
        if tag == "nav" and "toc" in classes:
            # Typst's outline of the h2 headings, with the page each one is on.
            heading = node.find("h2")
            title = string(heading.text() if heading else "")
            return [f"outline(title: {title}, depth: 1, indent: 0pt)", "pagebreak(weak: true)"]
        if tag == "h1":
            return [f"title({self.trimmed(node)})"]
        if tag in {"h2", "h3", "h4", "h5", "h6"}:
            return [f"heading(level: {1 if tag == 'h2' else 2}, {self.trimmed(node)})"]
        if tag in {"p", "dt", "dd"}:
            content = self.trimmed(node)
            if not content:
                return []
            if tag == "dt":
                return [f"block(above: 3mm, below: 1mm, strong({content}))"]
            if tag == "dd":  # right under its term
                return [f"block(above: 0pt, par({content}))"]
            return [f"par({styled(content, classes)})"]
        if tag in {"ul", "ol"}:
            return self.listing(node)
        if tag == "table":
            return self.table(node)
        if tag == "section" and "wide" in classes:
            # The wide matrices get landscape pages, as in the report page's print.
            self.text_width = LANDSCAPE_TEXT_WIDTH
            statements = self.blocks(node)
            self.text_width = PORTRAIT_TEXT_WIDTH
            return ["set page(flipped: true)", *statements, "set page(flipped: false)"]
        statements = self.blocks(node)
        if tag == "section" and "cover" in classes:
            return ["v(30mm)", *statements, "pagebreak()"]
        if tag == "figure":
            return [f"block(breakable: false, {{ {'; '.join(statements)} }})"]
        return statements

    def listing(self, node: Node) -> list[str]:
        items = node.elements("li")
        if node.classes & {"heat-legend", "map-legend"}:  # a legend: one flowing line
            # Each entry a box: a swatch never ends a line apart from its label.
            entries = (f"box({styled(self.trimmed(li), li.classes)})" for li in items)
            legend = ", h(0.9em), ".join(entries)
            return [f"block(text(size: 8pt, ({legend},).join()))"] if items else []
        contents = [styled(self.trimmed(li) or '""', node.classes) for li in items]
        function = "enum" if node.tag == "ol" else "list"
        return [f"{function}({', '.join(contents)})"] if contents else []

    def table(self, node: Node) -> list[str]:
        groups: list[tuple[str, list[Node]]] = []
        for child in node.elements("thead", "tbody", "tfoot", "tr"):
            if child.tag == "tr":
                groups.append(("tbody", [child]))
            else:
                groups.append((child.tag, child.elements("tr")))
        matrix = "matrix-table" in node.classes
        # Which rows start with a row heading (<th> outside the header): the PDF's TD is
        # turned into TH with scope Row afterwards (`mark_row_headers`), as Typst's own
        # pdf.header-cell needs a feature flag the Python binding cannot set.
        self.row_headings.append(
            tuple(
                bool(row.elements("td", "th"))
                and row.elements("td", "th")[0].tag == "th"
                and group != "thead"
                and row.elements("td", "th")[0].attrs.get("scope") != "col"
                for group, rows in groups
                for row in rows
            )
        )
        parts = []
        for group, rows in groups:
            cells = [
                self.cell(cell, row, group, matrix)
                for row in rows
                for cell in row.elements("td", "th")
            ]
            if group == "thead":
                parts.append(f"table.header({', '.join(cells)})")
            elif group == "tfoot":
                parts.append(f"table.footer(repeat: false, {', '.join(cells)})")
            else:
                parts += cells
        widths = column_widths(groups)
        table = (
            f"table(columns: ({', '.join(widths)},), inset: 1.4mm, "
            f'stroke: 0.5pt + rgb("#adb5bd"), {", ".join(parts)})'
        )
        statements = []
        caption = node.find("caption")
        if caption is not None:
            statements.append(
                f"block(below: 1mm, sticky: true, "
                f'text(size: 8pt, fill: rgb("#595959"), {self.trimmed(caption) or string("")}))'
            )
        if matrix:
            table = f"text(size: {self.matrix_font_size(widths):.2f}pt, {table})"
        statements.append(table)
        return statements

    def matrix_font_size(self, widths: list[str]) -> float:
        """7.5 pt, or smaller when a network has so many departments that the figures' columns
        would not fit beside a 45 mm column of names (at least 4 pt; 12 departments fit)."""
        figures_em = sum(float(width[:-2]) for width in widths if width.endswith("em"))
        room_pt = (self.text_width - 45) * POINTS_PER_MM
        return max(4.0, min(7.5, room_pt / figures_em)) if figures_em else 7.5

    def cell(self, cell: Node, row: Node, group: str, matrix: bool) -> str:
        classes = cell.classes | (row.classes & {"strong-row"})
        content = self.trimmed(cell) or '""'
        options = []
        colspan = int(cell.attrs.get("colspan", 1))
        if colspan > 1:
            options.append(f"colspan: {colspan}")
        colours = FILLS["diagonal"] if "diagonal" in classes else None
        colours = colours or next((FILLS[c] for c in sorted(classes) if c in FILLS), None)
        if colours:
            options.append(f'fill: rgb("{colours[0]}")')
            if colours[1]:
                content = f'text(fill: rgb("{colours[1]}"), {content})'
        if "diagonal" in classes:
            content = f"emph({content})"
        scope = cell.attrs.get("scope")
        column_heading = cell.tag == "th" and (group == "thead" or scope == "col")
        row_heading = cell.tag == "th" and not column_heading
        # A matrix's row headings are names, not headings: bold in its strong and total rows.
        bold_row = row_heading and (not matrix or "strong-row" in classes or group == "tfoot")
        if column_heading or bold_row or "total" in classes:
            content = f"strong({content})"
        if row_heading and "sub-row" in row.classes:
            content = f"pad(left: 3mm, {content})"
        if "chain-cell" in classes or "text-center" in classes:
            options.append("align: center")
        elif classes & {"text-end", "heat", "total"} or (
            matrix and column_heading and "row-heading" not in classes
        ):
            options.append("align: right")
        return f"table.cell({', '.join(options)}, {content})" if options else f"[#{content};]"


def column_widths(groups: list[tuple[str, list[Node]]]) -> list[str]:
    """Typst column widths: a column of short texts (figures, dates) as wide as its longest text
    or its header's longest word; columns of longer texts share the rest (1fr each).

    Typst's own `auto` would give a long header its whole width and squeeze the other columns.
    """
    body: dict[int, int] = {}
    header: dict[int, int] = {}
    count = 1
    for group, rows in groups:
        for row in rows:
            column = 0
            for cell in row.elements("td", "th"):
                span = int(cell.attrs.get("colspan", 1))
                text = cell.text(visible=True)
                if span == 1 and group == "thead":
                    longest = max((len(word) for word in text.split()), default=0)
                    header[column] = max(header.get(column, 0), longest)
                elif span == 1:
                    body[column] = max(body.get(column, 0), len(text))
                column += span
            count = max(count, column)
    widths = []
    for column in range(count):
        longest = body.get(column, 0)
        if longest > SHORT_TEXT or (column == 0 and longest > 6):
            widths.append("1fr")
        else:
            # DejaVu Sans: about 0.62 em per figure, 0.7 em per bold letter of a header; and
            # the cell's inset (2 × 1.4 mm, about 1.1 em at 7.5 pt).
            em = max(longest * 0.62, header.get(column, 0) * 0.7, 1.0) + 1.2
            widths.append(f"{em:.1f}em")
    return widths


PREAMBLE = """#set document(title: {title}, author: {author})
#set text(font: ({fonts}, "Libertinus Serif"), size: 9pt, lang: {language}, fill: rgb("#212529"))
#set page(paper: "a4", margin: (top: 18mm, bottom: 20mm, x: 15mm), footer: context {{
  if counter(page).get().first() > 1 {{
    set text(size: 8pt, fill: rgb("#595959"))
    let total = str(counter(page).final().first())
    let number = {before} + counter(page).display() + {between} + total + {after}
    grid(columns: (1fr, auto), column-gutter: 5mm, {footer}, number)
  }}
}})
#set par(justify: false, spacing: 2.5mm)
#show heading.where(level: 1): set text(size: 13pt)
#show heading.where(level: 1): set block(above: 6mm, below: 3mm)
#show heading.where(level: 2): set text(size: 10pt)
#show heading.where(level: 2): set block(above: 4mm, below: 2mm)
#show title: set text(size: 20pt)
#show title: set block(below: 6mm)
#show table: set block(below: 3mm)
#show table: set text(hyphenate: true)
#show outline.entry.where(level: 1): set block(above: 1.5mm)
"""


class TypstSource(str):
    """Typst source text that also knows, per table in document order, which of its rows
    (header, body and footer rows in order) start with a row heading."""

    row_headings: tuple[tuple[bool, ...], ...]

    def __new__(cls, text: str, row_headings: tuple[tuple[bool, ...], ...] = ()) -> TypstSource:
        source = super().__new__(cls, text)
        source.row_headings = row_headings
        return source


def html_to_typst(html: str) -> TypstSource:
    """The Typst document for the print HTML of `templates/overview/report_pdf.html`.

    `<html lang>` gives the document's language; `<title>` and `<meta name=author>` the PDF's
    metadata; `<body data-page-pattern="Seite {page} von {pages}">` the running footer (the
    title left, the page right; none on the cover); `section.cover` the cover page; `nav.toc`
    the contents (an outline of the h2 headings, with page numbers); `section.wide` landscape
    pages. Everything else by tag and class, see the tables above.
    """
    svgs: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        svgs.append(match.group(0))
        classes = re.search(r'class="([^"]*)"', match.group(0).split(">", 1)[0])
        return f'<svg data-svg="{len(svgs) - 1}" class="{classes[1] if classes else ""}"></svg>'

    builder = _TreeBuilder()
    builder.feed(SVG_RE.sub(set_aside, html))
    builder.close()
    root = builder.root
    body = root.find("body") or root
    head = root.find("head") or Node("head")
    title_node = head.find("title")
    title = title_node.text() if title_node else ""
    author = next(
        (
            m.attrs.get("content", "")
            for m in head.elements("meta")
            if m.attrs.get("name") == "author"
        ),
        "",
    )
    pattern = body.attrs.get("data-page-pattern", "Seite {page} von {pages}")
    before, _, rest = pattern.partition("{page}")
    between, _, after = rest.partition("{pages}")
    html_node = root.find("html")
    preamble = PREAMBLE.format(
        title=string(title),
        author=string(author),
        fonts=", ".join(string(font) for font in FONTS),
        language=string((html_node.attrs.get("lang") if html_node else None) or "de"),
        footer=string(body.attrs.get("data-footer", title)),
        before=string(before),
        between=string(between),
        after=string(after),
    )
    writer = _Writer(svgs)
    statements = writer.blocks(body)
    return TypstSource(
        preamble + "".join(f"#{statement};\n" for statement in statements),
        row_headings=tuple(writer.row_headings),
    )


@cache
def _fonts() -> typst_module.Fonts:
    """The system's fonts and Typst's own: scanning them costs about 0.1 s, once per process."""
    import typst

    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


def typeset(source: str, *, made: datetime) -> bytes:
    """PDF bytes of the Typst `source`; `made` (aware) is the PDF's creation date.

    Raises `typst.TypstError` (a RuntimeError naming the line) on invalid source: a bug here,
    as every text reaches Typst as a string literal.
    """
    import typst  # here, not at the top: only the PDF needs the compiled wheel

    # Typst takes a fixed UTC offset and whole seconds; Django's local time names a zone.
    offset = made.utcoffset() or timedelta(0)
    stamp = made.astimezone(dt_timezone(offset)).replace(microsecond=0)
    compiler = typst.Compiler(root=str(ROOT), font_paths=_fonts())
    # PDF/UA-1 (accessible PDF, as BITV 2.0 asks of public bodies): tagged, with the title,
    # the language, the headings in order and a text for every figure; Typst refuses otherwise.
    try:
        pdf = compiler.compile(
            input=source.encode(), format="pdf", timestamp=stamp, pdf_standards="ua-1"
        )
    except typst.TypstError as refused:
        # PDF/UA also forbids a character no installed font has (a Chinese or Thai name):
        # the report is still wanted, tagged but without the PDF/UA claim, with a gap there.
        logger.warning("Bericht-PDF ohne PDF/UA-1: %s", refused.message)
        pdf = compiler.compile(input=source.encode(), format="pdf", timestamp=stamp)
    if not isinstance(pdf, bytes):  # a list is only returned for one image per page
        raise TypeError("Typst returned no single PDF")
    row_headings = getattr(source, "row_headings", ())
    return mark_row_headers(pdf, row_headings) if any(map(any, row_headings)) else pdf


# --- Characters without a font ------------------------------------------------------------


@cache
def _font_files() -> tuple[tuple[str, int], ...]:
    """(path, index) of the upright regular face of each family of FONTS that is installed,
    in the order of FONTS."""
    faces = {
        info.family: (str(info.path), info.index)
        for info in sorted(_fonts().fonts(), key=lambda info: (info.weight != 400, info.style))
        if info.family in FONTS
    }
    return tuple(faces[family] for family in FONTS if family in faces)


@cache
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points the font has a glyph for (its cmap; 1 to 60 ms a font, once)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


# Latin-1 and Latin Extended-A/B: DejaVu Sans has every one of them, so they are never
# looked up (a German report reads no font's table at all).
ALWAYS_COVERED = 0x0250


def _has_glyph(char: str) -> bool:
    code = ord(char)
    if code < ALWAYS_COVERED:
        return True
    return any(code in _cmap(path, index) for path, index in _font_files())


# Characters that need no glyph of their own: joiners, variation selectors, tags of flags,
# marks for writing direction.
_NO_GLYPH_RE = re.compile(
    "[\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\U000e0000-\U000e007f\u202a-\u202e]"
)


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` no font of FONTS has, each once, in order of appearance.

    White space and characters that need no glyph (joiners, variation selectors) are never
    missing; without any of the fonts installed (a machine without the PDF packages) nothing
    is reported, as nothing is known.
    """
    if not _font_files():
        return []
    found = dict.fromkeys(
        char
        for char in text
        if not char.isspace() and not _NO_GLYPH_RE.match(char) and not _has_glyph(char)
    )
    return list(found)


def script_name(char: str) -> str:
    """A short name of the script of `char` from its Unicode name ("THAI CHARACTER KO KAI" →
    "Thai", "CJK UNIFIED IDEOGRAPH-513F" → "CJK"); "U+XXXX" for a character without a name."""
    import unicodedata

    name = unicodedata.name(char, "")
    if not name:
        return f"U+{ord(char):04X}"
    first = name.split()[0]
    return first if first.isupper() and len(first) <= 3 else first.title()


def missing_scripts(text: str) -> list[str]:
    """The scripts (`script_name`) of the characters of `text` without a font, each once."""
    return list(dict.fromkeys(script_name(char) for char in missing_glyphs(text)))


def without_missing_glyphs(text: str) -> str:
    """`text` with each run of characters without a font replaced by a note naming the script
    ("[Schrift fehlt: Thai]"), so the PDF says what is missing instead of showing empty boxes
    and keeps its PDF/UA conformance (which forbids characters without a glyph)."""
    missing = set(missing_glyphs(text))
    if not missing:
        return text
    from django.utils.translation import gettext as _

    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            scripts = ", ".join(dict.fromkeys(script_name(char) for char in run))
            parts.append("[" + _("Schrift fehlt: %(scripts)s") % {"scripts": scripts} + "]")
            run.clear()

    for char in text:
        if char in missing or (run and (char.isspace() or _NO_GLYPH_RE.match(char))):
            run.append(char)
        else:
            flush()
            parts.append(char)
    if run:
        trailing = "".join(run)
        stripped = trailing.rstrip()
        run[:] = list(stripped)
        flush()
        parts.append(trailing[len(stripped) :])
    return "".join(parts)


# --- Row headers in the tagged PDF ---------------------------------------------------------


def mark_row_headers(pdf: bytes, row_headings: tuple[tuple[bool, ...], ...]) -> bytes:
    """The PDF with the first cell of every row that starts with a row heading tagged as a
    header cell for its row: structure type TH, attribute /Scope /Row, an /ID that the
    row's other cells name in their /Headers (PDF/UA-1, ISO 14289-1 7.5; PDF 1.7 14.8.5.7).

    `row_headings` holds, per table of the document in order, one flag per row (header,
    body and footer rows in order), from `html_to_typst`. Where the PDF's tables do not match
    them (count of tables or rows), the PDF is returned unchanged and a warning logged.
    """
    import pikepdf

    with pikepdf.open(BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if not isinstance(tree, pikepdf.Dictionary):
            return pdf
        tables = list(_structure_elements(tree, "/Table"))
        if len(tables) != len(row_headings):
            logger.warning(
                "PDF tables (%d) and HTML tables (%d) differ: row headers left as cells",
                len(tables),
                len(row_headings),
            )
            return pdf
        if "/IDTree" not in tree:
            tree.IDTree = document.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
        # The IDs a /Headers entry names must be found in the tree's /IDTree (a name tree).
        ids = pikepdf.NameTree(tree.IDTree)
        for number, (table, flags) in enumerate(zip(tables, row_headings, strict=True)):
            rows = list(_structure_elements(table, "/TR"))
            if len(rows) != len(flags):
                logger.warning("PDF table %d has %d rows, not %d", number, len(rows), len(flags))
                continue
            for index, (row, is_heading) in enumerate(zip(rows, flags, strict=True)):
                if is_heading:
                    head = _mark_row(row, pikepdf.String(f"row-{number}-{index}"))
                    if head is not None:
                        ids[f"row-{number}-{index}"] = head
        out = BytesIO()
        document.save(out)
    return out.getvalue()


def _kids(element: pikepdf.Object) -> list[pikepdf.Dictionary]:
    import pikepdf

    found = element.get("/K")
    if found is None:
        return []
    kids = list(found) if isinstance(found, pikepdf.Array) else [found]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _structure_elements(element: pikepdf.Object | None, kind: str) -> Iterator[pikepdf.Dictionary]:
    """The structure elements of type `kind` below `element`, depth first, in order; not
    below one found (a table inside a table is not a row of it)."""
    if element is None:
        return
    for kid in _kids(element):
        if kid.get("/S") == kind:
            yield kid
        else:
            yield from _structure_elements(kid, kind)


def _table_attributes(cell: pikepdf.Dictionary) -> pikepdf.Dictionary | None:
    """The cell's attribute dictionary owned by /Table (Typst writes one per cell)."""
    import pikepdf

    attributes = cell.get("/A")
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for item in items:
        if isinstance(item, pikepdf.Dictionary) and item.get("/O") == "/Table":
            return item
    return None


def _mark_row(row: pikepdf.Dictionary, identifier: pikepdf.String) -> pikepdf.Dictionary | None:
    """Tag the row's first cell as its header (returned), or None for a row without cells."""
    import pikepdf

    cells = [kid for kid in _kids(row) if kid.get("/S") in ("/TD", "/TH")]
    if not cells:
        return None
    head, *others = cells
    head.S = pikepdf.Name("/TH")
    head.ID = identifier
    attributes = _table_attributes(head)
    if attributes is not None:
        attributes.Scope = pikepdf.Name("/Row")
    for cell in others:
        attributes = _table_attributes(cell)
        if attributes is not None:
            headers = attributes.get("/Headers")
            if isinstance(headers, pikepdf.Array):
                headers.append(identifier)
            else:
                attributes.Headers = pikepdf.Array([identifier])
    return head
