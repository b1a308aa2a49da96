"""Loaded Charlottenburg-Wilmersdorf's social spaces and MSS 2021 into every new database.

Now does nothing (issue #24): a fresh database carries no district's spaces until
`manage.py setup_district NN` records its district and loads them. Databases that ran the old
version keep their rows; migration 0006 records their district as 04.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_social_monitoring_and_outlines")]

    operations = []
