"""Storage adapter: SQLAlchemy models, engine factory, repositories and Alembic migrations."""
