"""worklist: symptoms reported with a session log, an idempotency key for logs sent from an offline
queue, per-clinic alert settings, and the acknowledgements of worklist alerts

``session_logs.symptoms``: the self-check red-flag answers given with the log and what they mean
(``ptplan.clinic.symptoms``). ``session_logs.client_key``: a key the patient's device makes for each
log, unique per patient, so a log queued offline and sent twice is stored once. ``clinics.alert_settings``:
the clinic's own worklist thresholds over the defaults in ``ptplan/clinic/worklist.yaml``.
``alert_acks``: who acknowledged which alert, when, with what note (also in the audit log).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column (no batch copy): a batch rebuild of patients/session_logs would drop the name-search
    # triggers of 0004 on SQLite; adding nullable columns needs none.
    op.add_column("session_logs", sa.Column("symptoms", sa.JSON(), nullable=True))
    op.add_column("session_logs", sa.Column("client_key", sa.String(64), nullable=True))
    op.create_index("uq_session_logs_patient_client_key", "session_logs", ["patient_id", "client_key"], unique=True)
    op.add_column("clinics", sa.Column("alert_settings", sa.JSON(), nullable=True))
    op.create_table(
        "alert_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("alert_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], name="fk_alert_acks_clinic_id_clinics",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_alert_acks_patient_id_patients",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_alert_acks_created_by_users",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_alert_acks"),
        sa.UniqueConstraint("clinic_id", "alert_key", name="uq_alert_acks_clinic_key"),
    )


def downgrade() -> None:
    op.drop_table("alert_acks")
    op.drop_column("clinics", "alert_settings")
    op.drop_index("uq_session_logs_patient_client_key", table_name="session_logs")
    op.drop_column("session_logs", "client_key")
    op.drop_column("session_logs", "symptoms")
