import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    not os.environ.get("CI") and not os.environ.get("EXPECT_POSTGRES"),
    reason="only `make test` and CI promise PostgreSQL",
)
def test_ci_runs_the_suite_on_postgresql():
    assert connection.vendor == "postgresql"


def test_suite_reports_which_database_it_runs_on(record_property):
    record_property("database", connection.vendor)
    assert connection.vendor in {"postgresql", "sqlite"}
