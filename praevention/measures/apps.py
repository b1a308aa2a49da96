from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_sqlite_fold(sender, connection, **kwargs):
    """SQLite has no `praevention_fold`, `praevention_squash` or pg_trgm: give each new
    connection the Python ones (`measures.search`)."""
    if connection.vendor == "sqlite":
        from praevention.measures.search import (
            FOLD_FUNCTION,
            SQUASH_FUNCTION,
            fold_sql,
            squash_sql,
            word_similar_sql,
        )

        create = connection.connection.create_function
        create(FOLD_FUNCTION, 1, fold_sql, deterministic=True)
        create(SQUASH_FUNCTION, 1, squash_sql, deterministic=True)
        create("praevention_word_similar", 2, word_similar_sql, deterministic=True)


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
