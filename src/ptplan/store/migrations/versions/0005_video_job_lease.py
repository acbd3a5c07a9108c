"""video jobs survive restarts: attempts, start, heartbeat and the claim token of the current run

The job queue (huey) only carries ids; the video_analyses row stays the source of truth for status. A
worker claims a queued row by a conditional update that sets job_token; a row left running with a stale
heartbeat is queued again (or failed once job attempts are used up). An index on (status, heartbeat_at)
keeps the sweep for such rows cheap.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('video_analyses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('job_token', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_video_analyses_status_heartbeat', ['status', 'heartbeat_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('video_analyses', schema=None) as batch_op:
        batch_op.drop_index('ix_video_analyses_status_heartbeat')
        batch_op.drop_column('job_token')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('attempts')
