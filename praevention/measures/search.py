"""Finding measures by the words people type, German compounds included.

On PostgreSQL a measure matches a query when every word of it is found by one of (words of
one or two letters only by the first):

- the weighted German full text of title, summary and description (migration 0003), each word
  as a prefix: "Sprache" is stemmed to "sprach" and finds "Sprachförderung";
- a substring of the *folded* title or summary ("Förderung" in "Sprachförderung", "Armut" in
  "Kinderarmut"), with a GIN trigram index (pg_trgm, migration 0005);
- pg_trgm's word similarity with the folded title or summary (a small typo: "Sprachfördrung");
- the same on the names of the measure's target groups, life phases, social spaces and fields
  of action ("Kitaplatz" finds measures for "Kinder … ohne Kitaplatz"), matched first, in one
  query over the small catalogue tables.

Folding (`fold`, and the SQL function `praevention_fold` of migration 0005) makes spelling
variants equal: umlauts as their two-letter spellings ("ä" = "ae", "ß" = "ss"), lower case,
and NFC (the query in `fold`; stored text is NFC from `core.text.normalize_text`). So
`Sprachfoerderung` finds "Sprachförderung", and an NFD-typed "Übergang" finds "Übergang".

Whole-word hits in the title rank first, then whole words in the summary, then parts of words
in the title, in the summary, then the rest (`rank`); equal ranks by title. SQLite, the local
demo, searches with a plain case-insensitive substring match of the folded words (no ranking).
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import overload

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from praevention.core.cache import remember
from praevention.core.text import match_key, normalize_line

CONFIG = "german"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
MAX_TERM_LENGTH = 50
# pg_trgm works on three-letter pieces: a shorter word has no trigram of its own, so it is
# only looked up as a word prefix in the full text.
TRIGRAM_MIN_LENGTH = 3
# A new title this similar (pg_trgm similarity of the folded titles, 0..1) to an existing one
# is shown as a possible duplicate. Chosen with the demo titles in
# tests/measures/test_duplicate_hint.py: copies with other spelling, word order or a word
# left out score 0.55 to 1, as does a title typed up to its second word ("Sprachförderung
# für"); different measures that share a phrase ("Elterncafés in Familienzentren" and
# "Spielgruppe in Familienzentren") score up to 0.48.
DUPLICATE_THRESHOLD = 0.5
# The header's search field suggests measures from this many characters on, at most this many.
SUGGEST_MIN_LENGTH = 2
SUGGESTION_LIMIT = 8
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
FOLD_FUNCTION = "praevention_fold"
SQUASH_FUNCTION = "praevention_squash"
# What splits a compound or a gender form ("Eltern-Kind-Gruppe", "Schüler:innen",
# "Schüler*innen", "Kinder- und Jugend…"): left out by `squash` and `praevention_squash`.
SEPARATORS = re.compile(r"[-\s‐‑–—:*_·/'’.]+")
# A word typed together is also looked for inside the squashed title and summary (to find it
# written apart) from this many folded letters on: a compound, not a short word that the full
# text and the substring search find anyway ("elternkindgruppe" 16, "foerderung" 10,
# "schueler" 8). A shorter one would be found across words and inside others, and each
# squashed search of a common word costs a trigram index scan with a recheck of every text
# that contains it ("Förderung" on 20,000 measures: 590 ms instead of 260 ms, load 12).
SQUASH_MIN_LENGTH = 12
# A single word is looked for squashed in descriptions too from this many letters on: long
# compounds ("Elternkindgruppe") are rare enough for the trigram index to pick few rows.
DESCRIPTION_SQUASH_MIN_LENGTH = 14
# A word as typed, with the parts of a compound or gender form it is written with.
TOKEN = re.compile(r"\w+(?:[-:*_·/]\w+)*", re.UNICODE)
# Gender forms of a word: "Schüler:innen", "Schüler*innen", "Schüler_innen", "Schüler/innen",
# "SchülerInnen"; and the plain feminine plural "Schülerinnen" (at least four letters before
# "innen": "Spinnen" and "beginnen" stay as they are).
GENDER_MARKED = re.compile(r"^(\w{3,}?)(?:[:*_·/]innen|Innen)$")
GENDER_PLAIN = re.compile(r"^(\w{4,}?)innen$", re.IGNORECASE)
# Words of a synonym a measure need not contain ("Hilfen zur Erziehung": "Hilfen" and
# "Erziehung"); the German full text drops them as well.
STOP_WORDS = frozenset(
    {"und", "oder", "der", "die", "das", "des", "dem", "den", "zur", "zum", "für", "fuer"}
    | {"von", "mit", "im", "in", "am", "an", "auf", "bei", "ein", "eine"}
)


@overload
def fold(value: str) -> str: ...
@overload
def fold(value: None) -> None: ...
def fold(value: str | None) -> str | None:
    """The comparable form of a text: `match_key` (NFC, case-folded, one space between words)
    with the umlauts written out ("Sprachförderung" → "sprachfoerderung", "STRASSE" and
    "Straße" → "strasse"). The same as the SQL function `praevention_fold` for German text.
    """
    if value is None:
        return None
    return match_key(value).translate(UMLAUTS)


def fold_sql(value):
    """`fold` for SQLite's `praevention_fold` (registered in MeasuresConfig.ready)."""
    if value is None:
        return None
    # The SQL function keeps whitespace as it is, like PostgreSQL's (no trimming): substring
    # matches on stored text must not depend on it.
    return unicodedata.normalize("NFC", value).casefold().translate(UMLAUTS)


def squash(value: str) -> str:
    """`fold` without what splits a compound or a gender form (SEPARATORS): "Eltern-Kind-
    Gruppe" and "Elternkindgruppe" → "elternkindgruppe", "Schüler:innen" → "schuelerinnen".
    The same as the SQL function `praevention_squash` (migration 0010)."""
    return SEPARATORS.sub("", fold(value) or "")


def squash_sql(value):
    """`squash` for SQLite's `praevention_squash` (registered in MeasuresConfig.ready)."""
    if value is None:
        return None
    return SEPARATORS.sub("", fold_sql(value))


def word_similar_sql(text, word):
    """SQLite's stand-in for pg_trgm's word similarity: 1 when a word of the folded `text`
    is at least WORD_SIMILARITY like the folded `word` (rapidfuzz's normalised Indel
    similarity), else 0; so the demo tolerates a typo as PostgreSQL does."""
    if not text or not word:
        return 0
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, WORD.findall(text), scorer=fuzz.ratio)
    return int(found is not None and found[1] >= WORD_SIMILARITY * 100)


# rapidfuzz's ratio that counts as a small typo on SQLite: "familienhebamen" to
# "familienhebammen" is 97, "sprachfoerdrung" to "sprachfoerderung" 97, "kita" to "kino" 50.
WORD_SIMILARITY = 0.8


class Fold(Func):
    """`praevention_fold(expression)`: the folded text, in SQL (see `fold`)."""

    function = FOLD_FUNCTION
    arity = 1
    output_field = TextField()


class AnyOf(Func):
    """`expression = ANY(%s)` with the ids as one array parameter (PostgreSQL).

    `pk__in` would write one placeholder per id: for a word found in thousands of measures,
    compiling that costs Django more than PostgreSQL needs to run the query.
    """

    output_field = BooleanField()

    def __init__(self, expression, ids):
        array = Value(list(ids), output_field=ArrayField(BigIntegerField()))
        super().__init__(expression, array)

    def as_sql(self, compiler, connection, **extra_context):
        column, array = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        array_sql, array_params = compiler.compile(array)
        return f"{column_sql} = ANY({array_sql})", (*column_params, *array_params)


class Squash(Func):
    """`praevention_squash(expression)`: the squashed text, in SQL (see `squash`)."""

    function = SQUASH_FUNCTION
    arity = 1
    output_field = TextField()


def search_vector():
    """The weighted German full text; the GIN index of migration 0003 is built on exactly it."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("description", weight="C", config=CONFIG)
    )


def terms(text: str | None) -> list[str]:
    """The words of a query as typed (NFC, no tsquery syntax): at most MAX_TERMS words of at
    most MAX_TERM_LENGTH characters."""
    return [word[:MAX_TERM_LENGTH] for word in WORD.findall(normalize_line(text or ""))][:MAX_TERMS]


@dataclass(frozen=True)
class Alternative:
    """One way a query word may be written in a measure: all `words` found (each as a word
    is searched), or `squashed` inside the squashed title, summary or description."""

    words: tuple[str, ...]
    squashed: str
    # A small typo is forgiven for what was typed, not for a synonym the list adds.
    similar: bool = True


@dataclass(frozen=True)
class Term:
    """One word of the query as typed, and the ways it may be written: a measure matches the
    term when one alternative matches."""

    typed: str
    alternatives: tuple[Alternative, ...]


def _alternative(text: str, *, typed: bool = True) -> Alternative:
    """`text` (a word, a compound with hyphens, a synonym of several words) as an Alternative.

    A text of several words that is long enough is looked for squashed only ("Eltern-Kind-
    Gruppe" as "elternkindgruppe", found written together, with hyphens or spaces); a shorter
    one needs each of its words (without STOP_WORDS). A single word is searched as a word,
    and squashed too when it is a compound (SQUASH_MIN_LENGTH letters), to find it written
    apart. `typed`: what the user typed (a typo is forgiven), not a synonym from the list.
    """
    words = tuple(
        word[:MAX_TERM_LENGTH] for word in WORD.findall(text) if fold(word) not in STOP_WORDS
    )
    squashed = squash(text)
    if len(squashed) < SQUASH_MIN_LENGTH:
        squashed = ""
    if len(words) > 1 and squashed:
        words = ()
    return Alternative(words or (() if squashed else (text,)), squashed, typed)


def _gender_base(token: str) -> str | None:
    """ "Schüler" for "Schüler:innen", "Schüler*innen", "SchülerInnen", "Schülerinnen"; None
    for a word that is no gender form."""
    match = GENDER_MARKED.match(token) or GENDER_PLAIN.match(token)
    return match.group(1) if match else None


def _synonym_index() -> dict[tuple[str, ...], list[str]]:
    """{folded words of a term: every term of its group} for all `SearchSynonym`s (one query)."""
    from praevention.measures.models import SearchSynonym

    index: dict[tuple[str, ...], list[str]] = {}
    for synonym in SearchSynonym.objects.only("terms"):
        group = synonym.term_list()
        for term in group:
            key = tuple(fold(word) or "" for word in WORD.findall(term))
            if key:
                index.setdefault(key, [])
                index[key] = list(dict.fromkeys([*index[key], *group]))
    return index


def _gender_form(tokens: list[str], index: int) -> tuple[str | None, int]:
    """(base word, tokens used) when `tokens[index]` starts a gender form: "Schüler:innen" →
    ("Schüler", 1); "Schülerinnen und Schüler" and "Schüler und Schülerinnen" → ("Schüler",
    3); (None, 1) otherwise."""
    token = tokens[index]
    doublet = tokens[index + 1 : index + 3]
    joined = len(doublet) == 2 and fold(doublet[0]) in ("und", "oder")
    base = _gender_base(token)
    if base:
        same = joined and (fold(doublet[1]) or "").startswith(fold(base) or "")
        return base, 3 if same else 1
    other = _gender_base(doublet[1]) if joined else None
    if other and fold(other) == fold(token):
        return token, 3
    return None, 1


def query_terms(text: str | None) -> list[Term]:
    """The query as Terms: every term must match (at most MAX_TERMS).

    - a synonym or abbreviation of the coordinators' list (`SearchSynonym`), of one word or
      several ("KJGD", "Kinder- und Jugendgesundheitsdienst"), is one term whose alternatives
      are every term of its group;
    - a gender form ("Schüler:innen", "Schüler*innen", "SchülerInnen", "Schülerinnen") is
      found as its base word "Schüler", which every form contains; "Schülerinnen und Schüler"
      is one term;
    - a compound written with hyphens ("Eltern-Kind-Gruppe") is found with all its parts or
      written together ("Elternkindgruppe"), and a word written together is found written
      apart too (the squashed search, `squash`).
    """
    tokens = [token[:MAX_TERM_LENGTH] for token in TOKEN.findall(normalize_line(text or ""))][
        : MAX_TERMS * 2
    ]
    if not tokens:
        return []
    synonyms = _synonym_index()
    longest = max((len(key) for key in synonyms), default=0)
    result: list[Term] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        folded = [fold(part) or "" for part in tokens[index : index + longest]]
        found = None
        for length in range(min(longest, len(tokens) - index), 0, -1):
            key = tuple(word for part in folded[:length] for word in WORD.findall(part))
            if key in synonyms:
                found = (length, synonyms[key])
                break
        if found:
            length, group = found
            typed = " ".join(tokens[index : index + length])
            alternatives = tuple(
                _alternative(term, typed=squash(term) == squash(typed)) for term in group
            )
            result.append(Term(typed, alternatives))
            index += length
            continue
        base, length = _gender_form(tokens, index)
        result.append(Term(token, (_alternative(base or token),)))
        index += length
    return result[:MAX_TERMS]


SUFFIXES = ("en", "er", "es", "e", "n", "s")


def crude_stem(word: str) -> str:
    """Drop one common German ending so "Sprache" finds "Sprachförderung" on SQLite too."""
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 3 and word.lower().endswith(suffix):
            return word[: -len(suffix)]
    return word


CATALOGUE_RELATIONS = ("target_groups", "life_phases", "social_spaces", "fields_of_action")


def _catalogue_matches(folded_words):
    """For each folded word, {relation: [ids]} of the catalogue entries whose folded name
    contains it or is like it (pg_trgm word similarity, as for titles); relations without a
    match are left out. One query over the four small catalogue tables."""
    from praevention.measures.models import Measure

    flags = {
        f"word_{index}": ExpressionWrapper(
            _word_matches(word)("folded_name"), output_field=BooleanField()
        )
        for index, word in enumerate(folded_words)
    }
    queries = [
        Measure._meta.get_field(relation)
        .related_model.objects.alias(folded_name=Fold("name"))
        .annotate(relation=Value(index, output_field=IntegerField()), **flags)
        .values_list("relation", "pk", *flags)
        .order_by()
        for index, relation in enumerate(CATALOGUE_RELATIONS)
    ]
    found = [{} for _word in folded_words]
    for index, pk, *matched in queries[0].union(*queries[1:], all=True).order_by():
        for word_found, is_match in zip(found, matched, strict=True):
            if is_match:
                word_found.setdefault(CATALOGUE_RELATIONS[index], []).append(pk)
    return found


def _word_matches(folded, similar=True):
    """Q over a folded text alias for one folded word: substring or (with `similar`) trigram
    word similarity."""

    def matches(alias):
        condition = Q(**{f"{alias}__contains": folded})
        if similar:
            condition |= Q(**{f"{alias}__trigram_word_similar": folded})
        return condition

    return matches


def _matching_ids(word, catalogue_matches, similar=True):
    """The ids of measures matching one word, as a UNION of index scans.

    A UNION rather than one WHERE with OR: PostgreSQL can combine index scans of one table
    with OR, not a join with the catalogue links, and would read every measure instead.
    The catalogue names were matched before (`_catalogue_matches`): only relations with a
    matching entry become branches, which keeps the query small to plan.
    """
    from praevention.measures.models import Measure

    query = SearchQuery(f"{word}:*", search_type="raw", config=CONFIG)
    branches = [Measure.objects.alias(document=search_vector()).filter(document=query)]
    folded = fold(word)
    if len(folded) >= TRIGRAM_MIN_LENGTH:
        matches = _word_matches(folded, similar)
        # One branch per column: with "title OR summary" in one branch PostgreSQL's cost
        # model prefers reading every row.
        for field in ("title", "summary"):
            branches.append(Measure.objects.alias(folded=Fold(field)).filter(matches("folded")))
        for relation, ids in catalogue_matches.items():
            field = Measure._meta.get_field(relation)
            branches.append(
                field.remote_field.through.objects.filter(
                    **{f"{field.m2m_reverse_field_name()}__in": ids}
                ).values_list("measure_id")
            )
    first, *rest = [
        branch.values_list("pk") if branch.model is Measure else branch for branch in branches
    ]
    return first.union(*rest) if rest else first


def _spelling_pattern(word):
    """A PostgreSQL regular expression for `word` in any of its spellings, for ~*
    (case-insensitive): "foerderung" and "förderung" both give `f(oe|ö|Ö)rderung`. Matching
    the stored text this way saves folding every found row to rank it. None for anything but
    letters and digits (there is nothing to rank by then)."""
    folded = fold(word)
    if not re.fullmatch(r"\w+", folded):
        return None
    for spelling, umlauts in (("ae", "äÄ"), ("oe", "öÖ"), ("ue", "üÜ"), ("ss", "ßẞ")):
        folded = folded.replace(spelling, f"({spelling}|{'|'.join(umlauts)})")
    return folded


def _squashed_branches(squashed, *, description=True):
    """Measures whose squashed title, summary (or description) contains `squashed`: one
    branch per column, each served by its trigram index (migration 0010).

    The description only with `description` (what was typed apart, a phrase, or a word of
    DESCRIPTION_SQUASH_MIN_LENGTH letters): a shorter word is found in descriptions by the full
    text, and squashing every description that contains a common word costs a multiple of the
    rest of the search (measured: "Förderung" on 20,000 measures 530 ms instead of 150 ms).
    """
    from praevention.measures.models import Measure

    if len(squashed) < SQUASH_MIN_LENGTH:
        return []
    fields = ("title", "summary", "description") if description else ("title", "summary")
    return [
        Measure.objects.alias(squashed=Squash(field))
        .filter(squashed__contains=squashed)
        .order_by()
        .values_list("pk")
        for field in fields
    ]


def _term_ids(term, catalogue):
    """The ids of measures matching one of the term's alternatives, as one UNION."""
    from praevention.measures.models import Measure

    branches = []
    for alternative in term.alternatives:
        similar = alternative.similar
        if len(alternative.words) == 1:
            word = alternative.words[0]
            branches.append(_matching_ids(word, catalogue.get(fold(word), {}), similar))
        elif alternative.words:
            every = Measure.objects.order_by()
            for word in alternative.words:
                ids = _matching_ids(word, catalogue.get(fold(word), {}), similar)
                every = every.filter(pk__in=ids)
            branches.append(every.values_list("pk"))
        branches += _squashed_branches(
            alternative.squashed,
            description=len(alternative.words) != 1
            or len(alternative.squashed) >= DESCRIPTION_SQUASH_MIN_LENGTH,
        )
    first, *rest = branches
    return first.union(*rest) if rest else first


def _compute_found_ids(terms_):
    from praevention.measures.models import Measure

    words = [w for term in terms_ for a in term.alternatives for w in a.words]
    long_words = list(dict.fromkeys(fold(w) for w in words if len(fold(w)) >= TRIGRAM_MIN_LENGTH))
    matches = _catalogue_matches(long_words) if long_words else []
    catalogue = dict(zip(long_words, matches, strict=True))
    found = Measure.objects.order_by()
    for term in terms_:
        found = found.filter(pk__in=_term_ids(term, catalogue))
    together = _squashed_branches(_whole_query(terms_))
    if together:
        return list({pk for (pk,) in found.values_list("pk").union(*together).order_by()})
    return list(found.values_list("pk", flat=True))


def _whole_query(terms_: list[Term]) -> str:
    """A query of several words squashed into one ("eltern kind gruppe" →
    "elternkindgruppe"), to find the compound written together; "" for a single term."""
    return squash(" ".join(term.typed for term in terms_)) if len(terms_) > 1 else ""


def found_ids(terms_: list[Term]) -> list[int]:
    """The ids of all measures (archived too) matching every term, PostgreSQL only.

    Cached under the data version (`core.cache.remember`, the app's one cache) until the
    next write: a list page counts its measures and then reads one page of them, and without
    the cache each would search again; a second visitor, or the next page, searches not at
    all. The key holds the terms with their alternatives, so a changed synonym list searches
    anew. Without a data version nothing is cached. Computing costs two queries (catalogue
    names, the search).
    """
    key = tuple(
        (fold(term.typed), tuple((a.words, a.squashed) for a in term.alternatives))
        for term in terms_
    )
    return remember(("search", key), lambda: _compute_found_ids(terms_))


def _rank(words):
    """For each word: 4 if it is a whole word of the title, 3 of the summary, 2 if it (or its
    stem, `crude_stem`) is part of a word of the title, 1 of the summary, else 0 (found in
    the description, a catalogue name or by similarity); summed over the words, higher first.

    Computed for every measure found, so only regular expressions on the stored text (about
    a microsecond each), no folding and no trigram similarity per row.
    """
    parts = []
    for word in words:
        pattern, stem = _spelling_pattern(word), _spelling_pattern(crude_stem(word))
        if pattern is None or stem is None:
            continue
        whole = rf"\m{pattern}\M"
        parts.append(
            Case(
                When(title__iregex=whole, then=Value(4)),
                When(summary__iregex=whole, then=Value(3)),
                # The stem, like the full text: "Sprache" is part of "Sprachförderung".
                When(title__iregex=stem, then=Value(2)),
                When(summary__iregex=stem, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    if not parts:
        return Value(0, output_field=IntegerField())
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _sqlite_word(word):
    """SQLite: `word` (stemmed, `crude_stem`) in the folded title, summary or description,
    or a word of the title or summary like it (a small typo)."""
    folded = fold(crude_stem(word))
    condition = (
        Q(folded_title__contains=folded)
        | Q(folded_summary__contains=folded)
        | Q(folded_description__contains=folded)
    )
    if len(folded) >= TRIGRAM_MIN_LENGTH:
        typed = Value(fold(word), output_field=TextField())
        condition = (
            condition
            | Q(WordSimilarMatch(F("folded_title"), typed))
            | Q(WordSimilarMatch(F("folded_summary"), typed))
        )
    return condition


class WordSimilarMatch(Func):
    """SQLite only: `praevention_word_similar(text, word) = 1` as a condition."""

    function = "praevention_word_similar"
    arity = 2
    output_field = BooleanField()


def search(queryset, text):
    """`queryset` narrowed to the measures matching every term of `text` (`query_terms`).

    On PostgreSQL the measures carry `rank` (an integer, higher first; see `_rank`). Words
    shorter than TRIGRAM_MIN_LENGTH letters are looked up as word prefixes in the full text only;
    nothing to search for returns `queryset` unchanged. SQLite (the demo) matches the folded
    words as substrings, the squashed forms, and a small typo in title or summary
    (`word_similar_sql`).
    """
    terms_ = query_terms(text)
    if not terms_:
        return queryset
    if connection.vendor == "postgresql":
        words = terms(text)
        return queryset.filter(AnyOf("pk", found_ids(terms_))).annotate(rank=_rank(words))
    queryset = queryset.alias(
        folded_title=Fold("title"),
        folded_summary=Fold("summary"),
        folded_description=Fold("description"),
        squashed_title=Squash("title"),
        squashed_summary=Squash("summary"),
        squashed_description=Squash("description"),
    )
    condition = Q()
    for term in terms_:
        either = Q()
        for alternative in term.alternatives:
            if alternative.words:
                every = Q()
                for word in alternative.words:
                    every &= _sqlite_word(word)
                either |= every
            if len(alternative.squashed) >= SQUASH_MIN_LENGTH:
                either |= (
                    Q(squashed_title__contains=alternative.squashed)
                    | Q(squashed_summary__contains=alternative.squashed)
                    | Q(squashed_description__contains=alternative.squashed)
                )
        condition &= either
    together = _whole_query(terms_)
    if len(together) >= SQUASH_MIN_LENGTH:
        condition |= (
            Q(squashed_title__contains=together)
            | Q(squashed_summary__contains=together)
            | Q(squashed_description__contains=together)
        )
    return queryset.filter(condition)


def is_ranked(text: str | None) -> bool:
    """Whether `search(queryset, text)` annotates `rank` (PostgreSQL, something to search)."""
    return bool(terms(text)) and connection.vendor == "postgresql"


def ranked(queryset, text):
    """`search`, best first: by rank on PostgreSQL, by title elsewhere."""
    found = search(queryset, text)
    return found.order_by("-rank", "title") if is_ranked(text) else found.order_by("title")


def similar_titles(queryset, title: str, limit: int = 5):
    """Measures of `queryset` whose title looks like `title`: "Gibt es das schon?".

    PostgreSQL: pg_trgm similarity of the folded titles ≥ DUPLICATE_THRESHOLD, most similar
    first, each with `similarity` (0..1); the trigram index on the folded title serves it.
    SQLite: folded titles containing the folded `title` or contained in it.
    Fewer than TRIGRAM_MIN_LENGTH letters find nothing.
    """
    folded = fold(title) or ""
    if len(folded) < TRIGRAM_MIN_LENGTH:
        return queryset.none()
    queryset = queryset.alias(folded_title=Fold("title"))
    if connection.vendor == "postgresql":
        return (
            queryset.filter(folded_title__trigram_similar=folded)
            .annotate(similarity=TrigramSimilarity("folded_title", folded))
            .filter(similarity__gte=DUPLICATE_THRESHOLD)
            .order_by("-similarity", "title")[:limit]
        )
    return (
        queryset.annotate(typed=Value(folded, output_field=TextField()))
        .filter(Q(folded_title__contains=folded) | Q(typed__contains=F("folded_title")))
        .order_by("title")[:limit]
    )


# --- Highlighting -------------------------------------------------------------------------


def _folded_with_positions(text):
    """`text` folded character by character, and for each folded character the index of the
    character of `text` it came from ("ä" becomes "ae": two characters from one)."""
    folded, positions = [], []
    for index, char in enumerate(text):
        for piece in char.casefold().translate(UMLAUTS):
            folded.append(piece)
            positions.append(index)
    return "".join(folded), positions


def _spans(text, words):
    """(start, end) ranges of `text` that the words were found in: as substrings of the
    folded text, else by their stem, else the words of the text most like them (a typo)."""
    folded, positions = _folded_with_positions(text)
    spans = []
    for word in words:
        found = False
        for candidate in dict.fromkeys([fold(word), fold(crude_stem(word))]):
            if len(candidate) < 2:
                continue
            for match in re.finditer(re.escape(candidate), folded):
                spans.append((positions[match.start()], positions[match.end() - 1] + 1))
                found = True
            if found:
                break
        if not found and len(word) >= TRIGRAM_MIN_LENGTH:
            for match in WORD.finditer(text):
                ratio = difflib.SequenceMatcher(None, fold(match.group()), fold(word)).ratio()
                if ratio >= 0.8:
                    spans.append(match.span())
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, query: str | None) -> SafeString:
    """`text`, HTML-escaped, with the parts the query's words were found in as <mark>.

    Folding applies (a query "foerderung" marks "förderung"); the text itself is shown as it
    is stored. Everything but the <mark> tags is escaped, whatever the text or query contain.
    """
    text = unicodedata.normalize("NFC", str(text))
    words = terms(query)
    if not words:
        return conditional_escape(text)
    parts: list[str] = []
    last = 0
    for start, end in _spans(text, words):
        parts.append(conditional_escape(text[last:start]))
        parts.append(f"<mark>{conditional_escape(text[start:end])}</mark>")
        last = end
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(parts))


def wants_suggestions(text: str | None) -> bool:
    """Whether the header's field has enough to suggest from: SUGGEST_MIN_LENGTH characters
    and a word."""
    return len(normalize_line(text or "")) >= SUGGEST_MIN_LENGTH and bool(terms(text))


def suggestions(queryset, text: str, limit: int = SUGGESTION_LIMIT):
    """The best `limit` measures of `queryset` for `text` (as `ranked`), with `lead_name`, for
    the header's search field; nothing for fewer than SUGGEST_MIN_LENGTH characters. One query.
    """
    if not wants_suggestions(text):
        return []
    found = ranked(queryset.with_lead_name().only("title", "is_archived"), text)
    return list(found[:limit])
