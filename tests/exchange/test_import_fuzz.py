"""Property-based: random cells, types and missing columns in an import never give a 500
and never a partial write."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from praevention.exchange.columns import HEADERS
from praevention.measures.models import Measure, Participation
from tests.exchange.helpers import CONFIRM_URL, csv_bytes, row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

cell = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(
        [
            "",
            "ja",
            "nein",
            "31.02.2025",
            "2025-13-01",
            "Jug",
            "Federführung",
            "=1+1",
            "@SUM(A1)",
            "laufend",
            "Idee",
            "-1",
            "1e999",
            "\x00",
            "Jug (Lead)",
            # Issue #26: several entries in one cell, units, estimates, empty words.
            "Jugendamt, Gesundheitsamt",
            "Jug/Ges",
            "Ges und Soz",
            "Ges (FF)",
            "Ges (Partner)\nSoz (Finanzierung)",
            "Ges, Soz (Beratung)",
            "041001, 043005",
            "Kinder\nEltern;\n",
            "a / b + c und d",
            ",;/\n+",
            "12,5 T€",
            "1,2 Mio. €",
            "ca. 6.000",
            "5.000,-",
            "4.800 € p. a.",
            "5.000–8.000",
            "k. A.",
            "keine Angabe",
            "–",
            "Tsd. €",
        ]
    ),
)


def fuzz_rows():
    return st.lists(
        st.dictionaries(st.sampled_from(HEADERS), cell, max_size=8), min_size=1, max_size=5
    )


@pytest.fixture
def coordinator_client(client, koordination, jugendamt):
    client.force_login(koordination)
    return client


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=fuzz_rows(),
    fmt=st.sampled_from(["csv", "xlsx"]),
    dropped=st.sets(st.sampled_from(HEADERS), max_size=3),
)
def test_random_import_files_never_fail_or_half_save(coordinator_client, rows, fmt, dropped):
    headers = [h for h in HEADERS if h not in dropped]
    full_rows = [
        {**row(i), **{k: v for k, v in r.items() if k in headers}} for i, r in enumerate(rows)
    ]
    if fmt == "csv":
        data = csv_bytes(
            [{k: "" if v is None else v for k, v in r.items()} for r in full_rows], headers=headers
        )
    else:
        cleaned = [
            {k: (v.replace("\x00", "") if isinstance(v, str) else v) for k, v in r.items()}
            for r in full_rows
        ]
        try:
            data = xlsx_bytes(cleaned, headers=headers)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses to write it
            return
    before = (Measure.objects.count(), Participation.objects.count())
    preview = upload(coordinator_client, f"fuzz.{fmt}", data)
    assert preview.status_code in (200, 400, 413)
    if preview.status_code == 200 and preview.context.get("token"):
        response = coordinator_client.post(CONFIRM_URL, {"token": preview.context["token"]})
        assert response.status_code in (302, 400, 409)
        if response.status_code != 302:
            assert (Measure.objects.count(), Participation.objects.count()) == before
        else:
            for measure in Measure.objects.all():
                assert measure.participations.filter(role="lead").count() == 1
    else:
        assert (Measure.objects.count(), Participation.objects.count()) == before
