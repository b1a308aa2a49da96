"""Full-text search over measures: weighted German full text on PostgreSQL, icontains elsewhere.

The GIN index (migration 0003) is built on exactly `search_vector()`, so PostgreSQL uses it.
Every word of the query is a prefix: "Sprache" is stemmed to "sprach" and finds the
compound "Sprachförderung" (stem "sprachforder").
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

CONFIG = "german"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def search_vector():
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("description", weight="C", config=CONFIG)
    )


def terms(text):
    """The words of a query, without tsquery syntax, at most MAX_TERMS of at most 50 chars."""
    return [word[:50] for word in WORD.findall(text or "")][:MAX_TERMS]


SUFFIXES = ("en", "er", "es", "e", "n", "s")


def crude_stem(word):
    """Drop one common German ending so "Sprache" finds "Sprachförderung" on SQLite too."""
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 3 and word.lower().endswith(suffix):
            return word[: -len(suffix)]
    return word


def ranks(text):
    """Whether `search(queryset, text)` annotates `rank` (PostgreSQL, and words to look for)."""
    return bool(terms(text)) and connection.vendor == "postgresql"


def search(queryset, text):
    """Filter `queryset` to measures matching every word; on PostgreSQL annotate `rank`."""
    words = terms(text)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=CONFIG)
        vector = search_vector()
        return (
            queryset.alias(document=vector)
            .filter(document=query)
            .annotate(rank=SearchRank(vector, query))
        )
    condition = Q()
    for word in map(crude_stem, words):
        condition &= (
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
    return queryset.filter(condition)
