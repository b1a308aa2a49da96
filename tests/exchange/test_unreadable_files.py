"""Files no reader here reads say what they are and how to save them instead (issue #26,
item 4), whatever their name: never "keine Excel-Datei" or a 500."""

import io
import zipfile

import pytest

from tests.exchange.helpers import upload

pytestmark = pytest.mark.django_db


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODS = zipped(
    {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": "<office:document-content/>",
    }
)
STRICT = zipped(
    {
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": '<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>',
    }
)
HTML = b"\xef\xbb\xbf\r\n<html><body><table><tr><td>Titel</td></tr></table></body></html>"
# An OLE container without encryption: what Excel 97-2003 writes (header only suffices).
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("liste.ods", ODS, "OpenDocument-Tabelle (.ods"),
        ("liste.xlsx", ODS, "OpenDocument-Tabelle (.ods"),
        ("liste.xlsx", STRICT, "„Strict Open XML“"),
        ("liste.xls", HTML, "Webseite (HTML)"),
        ("liste.xls", OLD_XLS, "alten Format (.xls, Excel 97–2003)"),
        ("liste.xlsx", OLD_XLS, "alten Format (.xls, Excel 97–2003)"),
    ],
)
def test_an_unreadable_format_is_named_with_its_fix(client, koordination, name, data, says):
    client.force_login(koordination)
    response = upload(client, name, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html
    assert "keine Excel-Datei" not in html
