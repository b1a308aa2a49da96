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


def test_suite_runs_on_the_database_that_database_url_names(record_property):
    """DATABASE_URL chooses the database (SQLite without it): a setting that ignored it fails."""
    record_property("database", connection.vendor)
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
