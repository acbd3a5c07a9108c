"""login throttle state in the database: one row per failed login (username, client address, time)

Every server process counts the same failures, so ``serve --workers N`` throttles as one server does.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failures',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('username', sa.String(length=100), nullable=False),
                    sa.Column('ip', sa.String(length=64), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_login_failures_username_at', 'login_failures', ['username', 'at'], unique=False)
    op.create_index('ix_login_failures_ip_at', 'login_failures', ['ip', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_login_failures_ip_at', table_name='login_failures')
    op.drop_index('ix_login_failures_username_at', table_name='login_failures')
    op.drop_table('login_failures')
