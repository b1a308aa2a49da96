"""Decompression bombs: an XLSX is judged by the bytes really unpacked, never by the sizes its
ZIP directory declares, and only the compression methods Excel writes are opened (issue #28,
fault 1). Each bomb is refused with a German message, no 500, and at most +50 MB of memory
(measured with tracemalloc); bench/bombs.py times them at full size."""

import io
import struct
import tracemalloc
import zipfile

import pytest

from praevention.measures.models import Measure
from tests.exchange.helpers import row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"
UNPACKED = 120 * 1024 * 1024  # far beyond the limit, far below what the test machine has
MEMORY_LIMIT = 50 * 1024 * 1024


@pytest.fixture
def coordinator(client, koordination, jugendamt):
    client.force_login(koordination)
    return client


def _write_zeros(archive, info, size):
    chunk = b"0" * (1024 * 1024)
    with archive.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as target:
        for _ in range(size // len(chunk)):
            target.write(chunk)


def rebuilt(replace, compress_type, size=None, extra=None):
    """A real export-shaped XLSX whose part `replace` is `size` bytes of "0" packed with
    `compress_type`; `extra` = {name: bytes} parts stored besides."""
    size = UNPACKED if size is None else size  # read when called: bench/bombs.py sets it
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([row(1)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in original.infolist():
            if entry.filename == replace:
                info = zipfile.ZipInfo(entry.filename, date_time=entry.date_time)
                info.compress_type = compress_type
                _write_zeros(archive, info, size)
            else:
                archive.writestr(entry, original.read(entry))
        for name, content in (extra or {}).items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def lying(data, name, declared):
    """`data` with `name`'s uncompressed size declared as `declared` bytes in both headers."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    patched = bytearray(data)
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    central = patched.rfind(b"PK\x01\x02", 0, patched.rfind(name.encode()))
    struct.pack_into("<I", patched, central + 24, declared)
    return bytes(patched)


BOMBS = {
    "bzip2": lambda: lying(rebuilt(SHEET, zipfile.ZIP_BZIP2), SHEET, 2000),
    "lzma": lambda: lying(rebuilt(SHEET, zipfile.ZIP_LZMA), SHEET, 2000),
    "deflate_declared_small": lambda: lying(rebuilt(SHEET, zipfile.ZIP_DEFLATED), SHEET, 2000),
    "deflate_styles_declared_small": lambda: lying(
        rebuilt(STYLES, zipfile.ZIP_DEFLATED), STYLES, 2000
    ),
    "deflate_honest": lambda: rebuilt(SHEET, zipfile.ZIP_DEFLATED),
    "nested": lambda: rebuilt(
        STYLES,
        zipfile.ZIP_DEFLATED,
        size=1024 * 1024,
        extra={"xl/embeddings/bombe.zip": rebuilt(SHEET, zipfile.ZIP_BZIP2)},
    ),
}
MESSAGES = {
    "bzip2": "Verfahren gepackt, das Excel nicht verwendet (BZIP2)",
    "lzma": "Verfahren gepackt, das Excel nicht verwendet (LZMA)",
    "deflate_declared_small": "beschädigt",
    "deflate_styles_declared_small": "beschädigt",
    "deflate_honest": "entpackt zu groß",
    "nested": "eingebettete gepackte Datei",
}


@pytest.mark.parametrize("kind", list(BOMBS))
def test_a_bomb_is_refused_in_german_without_unpacking_it(coordinator, kind):
    data = BOMBS[kind]()
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    try:
        response = upload(coordinator, f"{kind}.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < MEMORY_LIMIT, f"{peak / 1024 / 1024:.0f} MB"
    assert response.status_code == 400
    message = response.context["file_error"]
    assert MESSAGES[kind] in message, message
    assert not Measure.objects.exists()


def test_a_normal_xlsx_is_still_read(coordinator):
    response = upload(coordinator, "normal.xlsx", xlsx_bytes([row(1), row(2)]))
    assert response.status_code == 200
    assert response.context.get("file_error") is None
