"""Patient name search: a substring of the name or the furigana, answered from an index on both databases.

:func:`name_matches` is one SQL condition that each database compiles to its own index lookup:

- 3+ characters: SQLite's FTS5 trigram table ``patients_name_trigram`` (clinic, name, furigana;
  migration 0004); PostgreSQL's ``LIKE``/``ILIKE`` served by pg_trgm GIN indexes on name and furigana;
- 1–2 characters, both databases: the B-tree side table ``patient_name_grams(clinic_id, gram, name,
  patient_id)`` of every 1- and 2-character piece of name and furigana, primary key in that order
  (migration 0006 on PostgreSQL, 0012 on SQLite; triggers keep it in step): the count is one range of
  the key and :func:`piece_query` pages in name order along it, however common the character.

A trigram index cannot serve a query shorter than three characters, and two-character surnames and
one-character given names (佐藤, 翔) are what a Japanese clinic types most, hence the second index.
Every query is searched in each of its kana forms (:func:`forms`: ｻﾄｳ, さとう, サトウ) in the same
index lookups. Latin letters match either case on both databases. Other databases fall back to ``LIKE``
(a scan).

:func:`search_plan` tells :func:`ptplan.store.repositories.list_patients` how to page: the match count
comes from the indexes alone, and when the matches of a 3+ character query are dense the page is found
faster by walking the name index in order than by looking up and sorting every match.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Text, column, func, literal, literal_column, or_, select, text, union, union_all
from sqlalchemy import table as sql_table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import Boolean

from ptplan.core import kana
from ptplan.store.models import Patient

TRIGRAM = 3  # shortest query the trigram indexes can answer
# Database objects that live outside the ORM models (alembic's model comparison skips them).
SEARCH_TABLES = ("patients_name_trigram", "patients_name_grams", "patient_name_grams")
SEARCH_INDEXES = ("ix_patients_name_trgm", "ix_patients_name_grams", "ix_patient_name_grams_patient")


class NameMatches(ColumnElement[bool]):
    inherit_cache = False
    type = Boolean()
    _is_implicitly_boolean = True  # a condition itself: SQLite gets no "= 1" appended

    def __init__(self, query: str, clinic_id: int, in_name_order: bool) -> None:
        self.query, self.clinic_id, self.in_name_order = query, clinic_id, in_name_order


def name_matches(query: str, clinic_id: int, in_name_order: bool = False) -> ColumnElement[bool]:
    """True for the clinic's patients whose name or furigana contains ``query`` (non-empty) in any of its
    :func:`forms` (ｻﾄｳ, さとう and サトウ all find the reading サトウ, stored in katakana). The caller
    still filters on ``Patient.clinic_id``; the clinic here only selects the index entries.
    ``in_name_order`` makes the query walk the name index (order by ``Patient.name``) testing each row
    (PostgreSQL: ILIKE) or probing the set of matching ids (SQLite) instead of fetching every match:
    faster for dense queries (see :func:`search_plan`)."""
    return NameMatches(query, clinic_id, in_name_order)


def like(query: str, op: str = "like") -> ColumnElement[bool]:
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(getattr(Patient.name, op)(pattern, escape="\\"), getattr(Patient.furigana, op)(pattern, escape="\\"))


def _quoted(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'  # one FTS5 string: no query syntax from the user


def forms(query: str) -> list[str]:
    """The spellings a query is searched in: as typed, width-folded, hiragana as katakana
    (:func:`ptplan.core.kana.search_forms`); a patient matches when any of them is in the name or reading."""
    return kana.search_forms(query)


TRIGRAM_TABLE = sql_table("patients_name_trigram", column("rowid"))
PIECES = sql_table("patient_name_grams", column("clinic_id"), column("gram"), column("name"), column("patient_id"))
PIECE_DIALECTS = ("sqlite", "postgresql")  # the databases whose migrations keep the piece table


def _split(query: str) -> tuple[list[str], list[str]]:
    """The query's forms shorter than a trigram (piece table) and the others (trigram index)."""
    all_forms = forms(query)
    return [f for f in all_forms if len(f) < TRIGRAM], [f for f in all_forms if len(f) >= TRIGRAM]


def sqlite_trigram_match(long_forms: list[str], clinic_id: int) -> str:
    """FTS5 query of the trigram table: the clinic's rows with any of the forms in name or furigana
    (each form one quoted string: no query syntax from the user; OR returns each row once)."""
    return (f"clinic : {_quoted(f'<{clinic_id}>')} AND "
            f"{{name furigana}} : ({' OR '.join(_quoted(f) for f in long_forms)})")


def _trigram_ids(long_forms: list[str], clinic_id: int):
    return select(TRIGRAM_TABLE.c.rowid).where(
        literal_column(TRIGRAM_TABLE.name).op("MATCH")(literal(sqlite_trigram_match(long_forms, clinic_id))))


def _sqlite_ids(query: str, clinic_id: int):
    """The ids of the clinic's patients matching any form: one index query per kind of form, joined by UNION."""
    short, long = _split(query)
    selects = ([_trigram_ids(long, clinic_id)] if long else []) + ([_piece_ids(short, clinic_id)] if short else [])
    return selects[0] if len(selects) == 1 else union(*selects)


def _grouped(clause, compiler, **kw) -> str:
    # The compiler cannot see inside this element: parenthesise, or "clinic_id = 1 AND a OR b" would read
    # as "(clinic_id = 1 AND a) OR b" and match other clinics' patients.
    return f"({compiler.process(clause, **kw)})"


def _like_any(query: str, op: str = "like") -> ColumnElement[bool]:
    return or_(*(like(form, op) for form in forms(query)))


@compiles(NameMatches)
def _compile_default(element: NameMatches, compiler, **kw) -> str:
    return _grouped(_like_any(element.query), compiler, **kw)


@compiles(NameMatches, "sqlite")
def _compile_sqlite(element: NameMatches, compiler, **kw) -> str:
    # "id + 0" is no indexed column: SQLite then reads the (clinic_id, name, id) index in order.
    target = (Patient.id + 0) if element.in_name_order else Patient.id
    return _grouped(target.in_(_sqlite_ids(element.query, element.clinic_id)), compiler, **kw)


def _pg_like(q: str) -> ColumnElement[bool]:
    # LIKE where case cannot matter (kanji, kana, digits): half the time of ILIKE per row, same rows.
    return like(q, "like" if q.lower() == q.upper() else "ilike")


@compiles(NameMatches, "postgresql")
def _compile_postgresql(element: NameMatches, compiler, **kw) -> str:
    short, long = _split(element.query)
    if element.in_name_order or not short:  # walking the name index, (I)LIKE is the cheap row test
        return _grouped(or_(*(_pg_like(f) for f in forms(element.query))), compiler, **kw)
    if not long:
        return _grouped(Patient.id.in_(_piece_ids(short, element.clinic_id)), compiler, **kw)
    # Forms on both sides of a trigram (ﾜﾀﾞ is 3 characters, its folded ワダ 2): the ids from each index, joined by
    # UNION and read once into an array, so the patients are then fetched by primary key. An OR of the trigram
    # condition and "id IN (pieces)", or "id IN (the union)", the planner answers by a sequential scan of the
    # patients (24 and 15 ms at 100,000 patients against about 2 ms this way, measured with EXPLAIN ANALYZE).
    ids = _pg_mixed_ids(short, long, element.clinic_id)
    return f"({compiler.process(Patient.id, **kw)} = ANY(ARRAY({compiler.process(ids, **kw)})))"


def _pg_mixed_ids(short: list[str], long: list[str], clinic_id: int):
    trigram_ids = select(Patient.id).where(Patient.clinic_id == clinic_id, or_(*(_pg_like(f) for f in long)))
    return union(trigram_ids, _piece_ids(short, clinic_id))


def uses_pieces(dialect: str | None, query: str) -> bool:
    """Every form of the query is shorter than a trigram, on a database with the piece table: the
    piece table answers it alone (count and page)."""
    return dialect in PIECE_DIALECTS and all(len(f) < TRIGRAM for f in forms(query))


def piece_query(query: str, clinic_id: int, window: int | None = None):
    """The clinic's patients with ``query`` (every form 1–2 characters) in name or furigana, in (name, id)
    order read from the piece table's primary key, so a LIMIT stops after that many entries. Several forms
    (さ and サ) each read their first ``window`` entries (the caller's offset + limit: no later entry of
    a range can be among the first ``window`` of the union) in index order, merged, each patient once."""
    short = forms(query)
    if len(short) == 1:
        return (select(Patient).join(PIECES, PIECES.c.patient_id == Patient.id)
                .where(_piece_where(short, clinic_id), Patient.clinic_id == clinic_id)
                .order_by(PIECES.c.name, PIECES.c.patient_id))
    ranges = []
    for form in short:
        part = (select(PIECES.c.name, PIECES.c.patient_id).where(_piece_where([form], clinic_id))
                .order_by(PIECES.c.name, PIECES.c.patient_id))
        ranges.append(part.limit(window) if window is not None else part)
    merged = union_all(*(r.subquery().select() for r in ranges)).subquery("ranges")
    found = select(merged.c.name, merged.c.patient_id).distinct().subquery("found")
    return (select(Patient).join(found, found.c.patient_id == Patient.id).where(Patient.clinic_id == clinic_id)
            .order_by(found.c.name, found.c.patient_id))


def _piece_where(short: list[str], clinic_id: int):
    # lower() of the database, as the pieces were stored (SQLite folds ASCII only, as its LIKE does)
    grams = [func.lower(literal(f, Text)) for f in short]
    return (PIECES.c.clinic_id == clinic_id) & (PIECES.c.gram == grams[0] if len(grams) == 1
                                                else PIECES.c.gram.in_(grams))


def _piece_count(short: list[str], clinic_id: int):
    """The number of patients with any of the forms, from the piece table's key alone: each form's range
    counted, less its patients already counted under an earlier form (one primary-key probe each: the
    piece rows of one patient all carry its name). The katakana form, usually the largest range (readings
    are stored in katakana), goes first, so the probes are for the smaller ranges. No DISTINCT over all
    matches, which for さ/サ (one patient in five) cost more than the page."""
    order = list(reversed(short))
    counts = []
    for i, form in enumerate(order):
        entry = PIECES.alias(f"p{i}")
        stmt = select(func.count()).select_from(entry).where(entry.c.clinic_id == clinic_id,
                                                             entry.c.gram == func.lower(literal(form, Text)))
        for j, earlier in enumerate(order[:i]):
            seen = PIECES.alias(f"s{i}_{j}")
            stmt = stmt.where(~select(literal(1)).where(
                seen.c.clinic_id == clinic_id, seen.c.gram == func.lower(literal(earlier, Text)),
                seen.c.name == entry.c.name, seen.c.patient_id == entry.c.patient_id).exists())
        counts.append(stmt.scalar_subquery())
    return select(sum(counts[1:], counts[0]))


def _piece_ids(short: list[str], clinic_id: int):
    return select(PIECES.c.patient_id).where(_piece_where(short, clinic_id))


class SearchOrder(ColumnElement[str]):
    """``ORDER BY`` name for a search whose matches are fetched and sorted. On PostgreSQL it reads
    ``name || ''``: the same order, but one the (clinic_id, name, id) index cannot give, so the planner
    takes the search index instead of walking the name index testing each row (names that share a surname
    sit together, so that walk is far longer than the planner's estimate for a sparse query)."""

    inherit_cache = True
    type = Text()


@compiles(SearchOrder)
def _compile_order(element: SearchOrder, compiler, **kw) -> str:
    return compiler.process(Patient.name, **kw)


@compiles(SearchOrder, "postgresql")
def _compile_order_postgresql(element: SearchOrder, compiler, **kw) -> str:
    return f"({compiler.process(Patient.name, **kw)} || '')"


def search_order() -> ColumnElement[str]:
    return SearchOrder()


@dataclass(frozen=True)
class SearchPlan:
    total: int | None  # counted from the search index, or None: count the matching rows as they are paged
    in_name_order: bool  # page by walking the clinic's name index, keeping the matches (dense queries)


def search_plan(db: Session, clinic_id: int, query: str, clinic_size: int) -> SearchPlan:
    """How to page a search. Fetching each match and sorting costs about 20 times more per match than
    stepping over one entry of the (clinic_id, name, id) index; so for a query matching more than one
    patient in 20 (藤), walk that index in order and stop at the page's last match, otherwise fetch the
    matches from the search index and sort them (measured in bench/db.py). The count comes from the
    search indexes alone, for every kana form of the query at once."""
    dialect = db.get_bind().dialect.name
    short, long = _split(query)
    if uses_pieces(dialect, query):
        total = db.scalar(_piece_count(short, clinic_id))
    elif dialect == "postgresql" and short:  # forms on both sides of a trigram: count the ids of both indexes
        total = db.scalar(select(func.count()).select_from(_pg_mixed_ids(short, long, clinic_id).subquery()))
    elif dialect == "postgresql":
        total = db.scalar(select(func.count()).where(Patient.clinic_id == clinic_id, name_matches(query, clinic_id)))
    elif dialect == "sqlite" and not short:
        table = TRIGRAM_TABLE.name
        total = db.scalar(text(f"SELECT count(*) FROM {table} WHERE {table} MATCH :m"),
                          {"m": sqlite_trigram_match(long, clinic_id)})
    elif dialect == "sqlite":
        total = db.scalar(select(func.count()).select_from(_sqlite_ids(query, clinic_id).subquery()))
    else:
        return SearchPlan(None, False)
    return SearchPlan(int(total), int(total) * 20 > clinic_size)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the search tables and indexes out of model comparisons."""
    if type_ == "table":
        return not (reflected and name.startswith(SEARCH_TABLES))
    return not (type_ == "index" and name in SEARCH_INDEXES)
