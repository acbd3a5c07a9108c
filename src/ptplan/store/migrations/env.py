"""Alembic environment: uses the engine handed over in ``config.attributes`` (see ptplan.store.db)."""

from __future__ import annotations

from alembic import context

from ptplan.store.models import Base
from ptplan.store.name_search import include_object

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from ptplan.settings import Settings
        from ptplan.store.db import make_engine

        engine = make_engine(Settings().sqlalchemy_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, include_object=include_object,
                          render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `ptplan db upgrade`")
run_migrations_online()
