"""video analyses (uploaded clips and their jobs) and the clinic setting keep_video_clips

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keep_video_clips', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'video_analyses',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('task', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.JSON(), nullable=True),
        sa.Column('clip_path', sa.String(length=1000), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_video_analyses_assessment_id_assessments'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_video_analyses_clinic_id_clinics'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_video_analyses_created_by_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_video_analyses_patient_id_patients'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_video_analyses')),
    )
    with op.batch_alter_table('video_analyses', schema=None) as batch_op:
        batch_op.create_index('ix_video_analyses_assessment_created', ['assessment_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('video_analyses', schema=None) as batch_op:
        batch_op.drop_index('ix_video_analyses_assessment_created')
    op.drop_table('video_analyses')
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.drop_column('keep_video_clips')
