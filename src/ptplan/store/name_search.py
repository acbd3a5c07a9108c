"""Patient name search: a substring of the name or the furigana, answered from an index on both databases.

:func:`name_matches` is one SQL condition that each database compiles to its own index lookup (the
indexes come from migration 0003):

===============  ==========================================  ===========================================
query            SQLite                                      PostgreSQL
===============  ==========================================  ===========================================
3+ characters    FTS5 trigram table ``patients_name_trigram``  ``ILIKE`` served by pg_trgm GIN indexes
1–2 characters   FTS5 table ``patients_name_grams`` of every   GIN index on ``ptplan_name_grams(name,
                 1- and 2-character piece, then ``LIKE``       furigana)``, the same pieces lower-cased
===============  ==========================================  ===========================================

A trigram index cannot serve a query shorter than three characters, and two-character surnames and
one-character given names (佐藤, 翔) are what a Japanese clinic types most, hence the second index.
Latin letters match either case on both databases. Other databases fall back to ``LIKE`` (a scan).
"""

from __future__ import annotations

from sqlalchemy import Text, cast, column, func, literal, literal_column, or_, select
from sqlalchemy import table as sql_table
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import Boolean

from ptplan.store.models import Patient

TRIGRAM = 3  # shortest query the trigram indexes can answer
# Database objects that live outside the ORM models (alembic's model comparison skips them).
SEARCH_TABLES = ("patients_name_trigram", "patients_name_grams")
SEARCH_INDEXES = ("ix_patients_name_trgm", "ix_patients_name_grams")


class NameMatches(ColumnElement[bool]):
    inherit_cache = False
    type = Boolean()
    _is_implicitly_boolean = True  # a condition itself: SQLite gets no "= 1" appended

    def __init__(self, query: str) -> None:
        self.query = query


def name_matches(query: str) -> ColumnElement[bool]:
    """True for patients whose name or furigana contains ``query`` (a non-empty string)."""
    return NameMatches(query)


def _like(query: str, op: str = "like") -> ColumnElement[bool]:
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(getattr(Patient.name, op)(pattern, escape="\\"), getattr(Patient.furigana, op)(pattern, escape="\\"))


def _fts(table: str, phrase: str) -> ColumnElement[bool]:
    quoted = '"' + phrase.replace('"', '""') + '"'  # one FTS5 string: no query syntax from the user
    fts = sql_table(table, column("rowid"))
    return Patient.id.in_(select(fts.c.rowid).where(literal_column(table).op("MATCH")(literal(quoted))))


def _grouped(clause, compiler, **kw) -> str:
    # The compiler cannot see inside this element: parenthesise, or "clinic_id = 1 AND a OR b" would read
    # as "(clinic_id = 1 AND a) OR b" and match other clinics' patients.
    return f"({compiler.process(clause, **kw)})"


@compiles(NameMatches)
def _compile_default(element: NameMatches, compiler, **kw) -> str:
    return _grouped(_like(element.query), compiler, **kw)


@compiles(NameMatches, "sqlite")
def _compile_sqlite(element: NameMatches, compiler, **kw) -> str:
    q = element.query
    if len(q) >= TRIGRAM:
        clause = _fts("patients_name_trigram", q)
    elif any(c.isalnum() or not c.isascii() for c in q):
        # The pieces table answers "contains this piece"; LIKE then rejects the few hits where the
        # tokenizer dropped ASCII punctuation from the piece (e.g. "a-" indexed as "a").
        clause = _fts("patients_name_grams", q) & _like(q)
    else:  # only ASCII punctuation or spaces: nothing indexed to look up
        clause = _like(q)
    return _grouped(clause, compiler, **kw)


@compiles(NameMatches, "postgresql")
def _compile_postgresql(element: NameMatches, compiler, **kw) -> str:
    q = element.query
    if len(q) >= TRIGRAM:
        clause = _like(q, "ilike")
    else:
        grams = func.ptplan_name_grams(Patient.name, Patient.furigana, type_=ARRAY(Text))
        clause = grams.op("@>")(cast(array([func.lower(literal(q, Text))]), ARRAY(Text)))
    return _grouped(clause, compiler, **kw)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the search tables and indexes out of model comparisons."""
    if type_ == "table":
        return not (reflected and name.startswith(SEARCH_TABLES))
    return not (type_ == "index" and name in SEARCH_INDEXES)
