"""Patient name search: a substring of the name or the furigana, answered from an index on both databases.

:func:`name_matches` is one SQL condition that each database compiles to its own index lookup (the
indexes come from migration 0004):

- SQLite, 3+ characters: FTS5 trigram table ``patients_name_trigram`` (clinic, name, furigana);
- SQLite, 1–2 characters: FTS5 table ``patients_name_grams`` of every 1- and 2-character piece, each
  token tagged with its clinic (``c1・佐藤``);
- PostgreSQL, 3+ characters: ``ILIKE`` served by pg_trgm GIN indexes on name and furigana;
- PostgreSQL, 1–2 characters: B-tree side table ``patient_name_grams(clinic_id, gram, name, patient_id)``
  of the same pieces (migration 0006; a trigger fills it from ``ptplan_name_grams(name, furigana)``): the
  count is an index-only scan and :func:`pg_piece_query` pages in name order along that index.

A trigram index cannot serve a query shorter than three characters, and two-character surnames and
one-character given names (佐藤, 翔) are what a Japanese clinic types most, hence the second index.
Latin letters match either case on both databases. Other databases fall back to ``LIKE`` (a scan).

:func:`search_plan` tells :func:`ptplan.store.repositories.list_patients` how to page: on SQLite the
match count comes from the index alone, and when matches are dense (藤 is in one name of seven) the
page is found faster by walking the name index in order than by looking up and sorting every match.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Text, column, func, literal, literal_column, or_, select, text
from sqlalchemy import table as sql_table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import Boolean

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
    """True for the clinic's patients whose name or furigana contains ``query`` (non-empty). The caller
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


@dataclass(frozen=True)
class FtsQuery:
    table: str
    match: str
    exact: bool  # False: the tokenizer dropped ASCII punctuation from the query, so LIKE must confirm


def sqlite_fts(query: str, clinic_id: int) -> FtsQuery | None:
    """The FTS5 lookup for ``query`` on SQLite, or None when nothing in it can be looked up."""
    if len(query) >= TRIGRAM:
        return FtsQuery("patients_name_trigram",
                        f"clinic : {_quoted(f'<{clinic_id}>')} AND {{name furigana}} : {_quoted(query)}", True)
    if not any(c.isalnum() or not c.isascii() for c in query):
        return None  # only ASCII punctuation or spaces: nothing was indexed for it
    return FtsQuery("patients_name_grams", _quoted(f"c{clinic_id}・{query}"),
                    exact=not any(c.isascii() and not c.isalnum() for c in query))


def _grouped(clause, compiler, **kw) -> str:
    # The compiler cannot see inside this element: parenthesise, or "clinic_id = 1 AND a OR b" would read
    # as "(clinic_id = 1 AND a) OR b" and match other clinics' patients.
    return f"({compiler.process(clause, **kw)})"


@compiles(NameMatches)
def _compile_default(element: NameMatches, compiler, **kw) -> str:
    return _grouped(like(element.query), compiler, **kw)


@compiles(NameMatches, "sqlite")
def _compile_sqlite(element: NameMatches, compiler, **kw) -> str:
    fts = sqlite_fts(element.query, element.clinic_id)
    if fts is None:
        return _grouped(like(element.query), compiler, **kw)
    index = sql_table(fts.table, column("rowid"))
    ids = select(index.c.rowid).where(literal_column(fts.table).op("MATCH")(literal(fts.match)))
    # "id + 0" is no indexed column: SQLite then reads the (clinic_id, name, id) index in order.
    clause = ((Patient.id + 0) if element.in_name_order else Patient.id).in_(ids)
    return _grouped(clause if fts.exact else clause & like(element.query), compiler, **kw)


@compiles(NameMatches, "postgresql")
def _compile_postgresql(element: NameMatches, compiler, **kw) -> str:
    q = element.query
    if len(q) >= TRIGRAM or element.in_name_order:  # walking the name index, (I)LIKE is the cheap row test
        # LIKE where case cannot matter (kanji, kana, digits): half the time of ILIKE per row, same rows.
        return _grouped(like(q, "like" if q.lower() == q.upper() else "ilike"), compiler, **kw)
    return _grouped(Patient.id.in_(_pg_gram_ids(q, element.clinic_id)), compiler, **kw)


PG_GRAMS = sql_table("patient_name_grams", column("clinic_id"), column("gram"), column("name"), column("patient_id"))


def uses_pg_pieces(dialect: str | None, query: str) -> bool:
    return dialect == "postgresql" and len(query) < TRIGRAM


def pg_piece_query(query: str, clinic_id: int):
    """The clinic's patients with ``query`` (1–2 characters) in name or furigana, in (name, id) order read
    from the piece table's primary key, so a LIMIT stops after that many entries."""
    return (select(Patient).join(PG_GRAMS, PG_GRAMS.c.patient_id == Patient.id)
            .where(_pg_gram_where(query, clinic_id), Patient.clinic_id == clinic_id)
            .order_by(PG_GRAMS.c.name, PG_GRAMS.c.patient_id))


def _pg_gram_where(query: str, clinic_id: int):
    return (PG_GRAMS.c.clinic_id == clinic_id) & (PG_GRAMS.c.gram == func.lower(literal(query, Text)))


def _pg_gram_ids(query: str, clinic_id: int):
    return select(PG_GRAMS.c.patient_id).where(_pg_gram_where(query, clinic_id))


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
    search index: on SQLite from the FTS5 table alone."""
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql" and len(query) < TRIGRAM:
        total = db.scalar(select(func.count()).select_from(PG_GRAMS).where(_pg_gram_where(query, clinic_id)))
    elif dialect == "postgresql":
        total = db.scalar(select(func.count()).where(Patient.clinic_id == clinic_id, name_matches(query, clinic_id)))
    elif dialect == "sqlite" and (fts := sqlite_fts(query, clinic_id)) is not None and fts.exact:
        total = db.scalar(text(f"SELECT count(*) FROM {fts.table} WHERE {fts.table} MATCH :m"), {"m": fts.match})
    else:
        return SearchPlan(None, False)
    return SearchPlan(int(total), int(total) * 20 > clinic_size)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the search tables and indexes out of model comparisons."""
    if type_ == "table":
        return not (reflected and name.startswith(SEARCH_TABLES))
    return not (type_ == "index" and name in SEARCH_INDEXES)
