"""Where a target group does not occur in a life phase there is no gap (issue #27).

The catalogue says per target group which life phases apply (migration 0008 seeds them); the
chain, the gap count, the start page's three biggest gaps and the report count only those cells.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from praevention.catalog.models import LifePhase, TargetGroup

pytestmark = pytest.mark.django_db

GAPS = reverse("overview:gaps")
START = reverse("overview:start")
REPORT = reverse("overview:report")
KITA = "Kinder von 3–6 Jahren ohne Kitaplatz"


@pytest.fixture
def demo(client, koordination):
    call_command("seed_demo", verbosity=0)
    client.force_login(koordination)
    return client


def test_the_catalogue_seeds_which_phases_apply():
    kita = TargetGroup.objects.get(name=KITA)
    assert [phase.position for phase in kita.life_phases.all()] == [3, 7]
    pregnancy = LifePhase.objects.get(position=1)
    assert not kita.applies_to(pregnancy)
    # A group without phases applies to all of them.
    sgb = TargetGroup.objects.get(name="Familien mit Bezug von SGB II / Bürgergeld")
    assert all(sgb.applies_to(phase) for phase in LifePhase.objects.all())


def test_no_gap_where_the_group_does_not_occur_in_the_demo(demo):
    context = demo.get(GAPS).context
    counted = 0
    for row in context["rows"]:
        for cell in row.cells:
            if not row.group.applies_to(cell.phase):
                assert not cell.gap, (row.group.name, cell.phase.name)
        counted += len(row.gaps)
    assert counted == context["gap_count"]
    kita = next(row for row in context["rows"] if row.group.name == KITA)
    assert [c.phase.position for c in kita.cells if not c.applicable] == [1, 2, 4, 5, 6]
    html = demo.get(GAPS).content.decode()
    assert "entfällt" in html and "kommt in dieser Lebensphase nicht vor" in html


def test_the_start_pages_biggest_gaps_are_applicable_cells(demo):
    biggest = demo.get(START).context["biggest_gaps"]
    assert biggest
    for gap in biggest:
        assert gap["group"].applies_to(gap["cell"].phase), (gap["group"], gap["cell"].phase)
        for neighbour in (gap["before"], gap["after"]):
            assert neighbour is None or gap["group"].applies_to(neighbour.phase)


def test_the_report_counts_only_applicable_gaps(demo):
    gaps_page = demo.get(GAPS).context["gap_count"]
    report = demo.get(REPORT)
    assert report.context["radar"]["gap_count"] == gaps_page
    everywhere = sum(
        1
        for row in report.context["radar"]["rows"]
        for cell in row.cells
        if cell.counts.running == 0
    )
    # The demo has impossible cells without a measure, and they are not counted.
    assert gaps_page < everywhere


def test_without_phases_set_every_cell_counts_as_before(demo):
    for group in TargetGroup.objects.all():
        group.life_phases.clear()
    cache.clear()
    rows = demo.get(GAPS).context["rows"]
    assert all(cell.applicable for row in rows for cell in row.cells)
    empty = sum(1 for row in rows for cell in row.cells if cell.counts.running == 0)
    assert demo.get(GAPS).context["gap_count"] == empty
