"""patients.chart_number: the clinic's own patient number (カルテ番号), unique within a clinic

Nullable (patients registered before it have none); the unique index on (clinic_id, chart_number) lets
several patients have none, since both databases treat NULLs as distinct in a unique index.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE on both databases: a SQLite batch copy would drop 0004's name-search triggers
    op.add_column('patients', sa.Column('chart_number', sa.String(length=50), nullable=True))
    op.create_index('ux_patients_clinic_chart_number', 'patients', ['clinic_id', 'chart_number'], unique=True)


def downgrade() -> None:
    op.drop_index('ux_patients_clinic_chart_number', table_name='patients')
    op.drop_column('patients', 'chart_number')  # SQLite 3.35+ drops a column in place
