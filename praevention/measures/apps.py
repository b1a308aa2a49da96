from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_sqlite_fold(sender, connection, **kwargs):
    """SQLite has no `praevention_fold`: give each new connection the Python one."""
    if connection.vendor == "sqlite":
        from praevention.measures.search import FOLD_FUNCTION, fold_sql

        connection.connection.create_function(FOLD_FUNCTION, 1, fold_sql, deterministic=True)


class MeasuresConfig(AppConfig):
    name = "praevention.measures"
    verbose_name = _("Maßnahmen")

    def ready(self):
        from django.db.backends.signals import connection_created

        connection_created.connect(register_sqlite_fold, dispatch_uid="praevention_sqlite_fold")

        from praevention.catalog import usage
        from praevention.measures.models import Measure
        from praevention.measures.services import catalog_entries_merge

        # The catalogue's admin merges entries through the writer of measures (versions,
        # history) without the catalogue importing measures (layer order).
        usage.register_merger(usage.Merger(Measure, catalog_entries_merge))
