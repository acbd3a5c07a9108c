"""clinics.code: the short ASCII name that ends the login names a clinic's admins create (``taro@aoba``)

Login names stay unique across the server, but an admin can only create names inside the clinic's own
namespace (``<name>@<code>``), so "taken" never answers for another clinic's login names. Existing
clinics get ``c<id>``; names created before keep working as they are. A downgrade drops the codes: the
next upgrade gives every clinic ``c<id>`` again (the login names keep their old suffix).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A unique index on a nullable column, not a NOT NULL unique constraint: on SQLite that would need the
    # table rebuilt, which the foreign keys onto clinics refuse. The application always sets the code.
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
    op.execute("UPDATE clinics SET code = 'c' || CAST(id AS VARCHAR(20))")
    op.create_index('ix_clinics_code', 'clinics', ['code'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_clinics_code', table_name='clinics')
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.drop_column('code')
