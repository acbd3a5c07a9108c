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


@dataclass(frozen=True)
class FtsQuery:
    table: str
    match: str
    exact: bool  # False: the tokenizer dropped ASCII punctuation from the query, so LIKE must confirm


def _sqlite_form(form: str, clinic_id: int) -> FtsQuery | None:
    if len(form) >= TRIGRAM:
        return FtsQuery("patients_name_trigram", _quoted(form), True)
    if not any(c.isalnum() or not c.isascii() for c in form):
        return None  # only ASCII punctuation or spaces: nothing was indexed for it
    return FtsQuery("patients_name_grams", _quoted(f"c{clinic_id}・{form}"),
                    exact=not any(c.isascii() and not c.isalnum() for c in form))


def sqlite_fts(query: str, clinic_id: int) -> list[FtsQuery] | None:
    """The FTS5 lookups for every form of ``query`` on SQLite, one per table (the forms of one table joined
    by OR, so FTS5 returns each row once), or None when some form cannot be looked up."""
    by_table: dict[str, list[FtsQuery]] = {}
    for form in forms(query):
        fts = _sqlite_form(form, clinic_id)
        if fts is None:
            return None
        by_table.setdefault(fts.table, []).append(fts)
    lookups = []
    for table, parts in by_table.items():
        match = " OR ".join(p.match for p in parts)
        if table == "patients_name_trigram":
            match = f"clinic : {_quoted(f'<{clinic_id}>')} AND {{name furigana}} : ({match})"
        lookups.append(FtsQuery(table, match, all(p.exact for p in parts)))
    return lookups


def _sqlite_ids(lookups: list[FtsQuery]):
    """The rowids of the patients the lookups find: one index query, or a UNION of two (forms of both lengths)."""
    selects = [select(sql_table(f.table, column("rowid")).c.rowid)
               .where(literal_column(f.table).op("MATCH")(literal(f.match))) for f in lookups]
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
    lookups = sqlite_fts(element.query, element.clinic_id)
    if lookups is None:
        return _grouped(_like_any(element.query), compiler, **kw)
    ids = _sqlite_ids(lookups)
    # "id + 0" is no indexed column: SQLite then reads the (clinic_id, name, id) index in order.
    clause = ((Patient.id + 0) if element.in_name_order else Patient.id).in_(ids)
    exact = all(f.exact for f in lookups)
    return _grouped(clause if exact else clause & _like_any(element.query), compiler, **kw)


def _pg_like(q: str) -> ColumnElement[bool]:
    # LIKE where case cannot matter (kanji, kana, digits): half the time of ILIKE per row, same rows.
    return like(q, "like" if q.lower() == q.upper() else "ilike")


@compiles(NameMatches, "postgresql")
def _compile_postgresql(element: NameMatches, compiler, **kw) -> str:
    all_forms = forms(element.query)
    short = [f for f in all_forms if len(f) < TRIGRAM]
    if element.in_name_order or not short:  # walking the name index, (I)LIKE is the cheap row test
        return _grouped(or_(*(_pg_like(f) for f in all_forms)), compiler, **kw)
    parts = [_pg_like(f) for f in all_forms if len(f) >= TRIGRAM]
    parts.append(Patient.id.in_(_pg_gram_ids(short, element.clinic_id)))
    return _grouped(or_(*parts), compiler, **kw)


PG_GRAMS = sql_table("patient_name_grams", column("clinic_id"), column("gram"), column("name"), column("patient_id"))


def uses_pg_pieces(dialect: str | None, query: str) -> bool:
    """PostgreSQL, and every form of the query shorter than a trigram: the piece table answers it alone."""
    return dialect == "postgresql" and all(len(f) < TRIGRAM for f in forms(query))


def pg_piece_query(query: str, clinic_id: int, window: int | None = None):
    """The clinic's patients with ``query`` (every form 1–2 characters) in name or furigana, in (name, id)
    order read from the piece table's primary key, so a LIMIT stops after that many entries. Several forms
    (さ and サ) each read their first ``window`` entries (the caller's offset + limit: no later entry of
    a range can be among the first ``window`` of the union) in index order, merged, each patient once."""
    short = forms(query)
    if len(short) == 1:
        return (select(Patient).join(PG_GRAMS, PG_GRAMS.c.patient_id == Patient.id)
                .where(_pg_gram_where(short, clinic_id), Patient.clinic_id == clinic_id)
                .order_by(PG_GRAMS.c.name, PG_GRAMS.c.patient_id))
    ranges = []
    for form in short:
        part = (select(PG_GRAMS.c.name, PG_GRAMS.c.patient_id).where(_pg_gram_where([form], clinic_id))
                .order_by(PG_GRAMS.c.name, PG_GRAMS.c.patient_id))
        ranges.append(part.limit(window) if window is not None else part)
    merged = union_all(*(r.subquery().select() for r in ranges)).subquery("ranges")
    found = select(merged.c.name, merged.c.patient_id).distinct().subquery("found")
    return (select(Patient).join(found, found.c.patient_id == Patient.id).where(Patient.clinic_id == clinic_id)
            .order_by(found.c.name, found.c.patient_id))


def _pg_gram_where(short: list[str], clinic_id: int):
    grams = [func.lower(literal(f, Text)) for f in short]
    return (PG_GRAMS.c.clinic_id == clinic_id) & (PG_GRAMS.c.gram == grams[0] if len(grams) == 1
                                                  else PG_GRAMS.c.gram.in_(grams))


def _pg_gram_ids(short: list[str], clinic_id: int):
    return select(PG_GRAMS.c.patient_id).where(_pg_gram_where(short, clinic_id))


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
    search index: on SQLite from the FTS5 tables alone, for every kana form of the query at once."""
    dialect = db.get_bind().dialect.name
    if uses_pg_pieces(dialect, query):
        short = forms(query)
        counted = func.count(PG_GRAMS.c.patient_id.distinct()) if len(short) > 1 else func.count()
        total = db.scalar(select(counted).select_from(PG_GRAMS).where(_pg_gram_where(short, clinic_id)))
    elif dialect == "postgresql":
        total = db.scalar(select(func.count()).where(Patient.clinic_id == clinic_id, name_matches(query, clinic_id)))
    elif dialect == "sqlite" and (lookups := sqlite_fts(query, clinic_id)) is not None and all(f.exact for f in lookups):
        if len(lookups) == 1:
            total = db.scalar(text(f"SELECT count(*) FROM {lookups[0].table} WHERE {lookups[0].table} MATCH :m"),
                              {"m": lookups[0].match})
        else:
            total = db.scalar(select(func.count()).select_from(_sqlite_ids(lookups).subquery()))
    else:
        return SearchPlan(None, False)
    return SearchPlan(int(total), int(total) * 20 > clinic_size)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the search tables and indexes out of model comparisons."""
    if type_ == "table":
        return not (reflected and name.startswith(SEARCH_TABLES))
    return not (type_ == "index" and name in SEARCH_INDEXES)
