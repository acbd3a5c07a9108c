"""typed plan edits: plan edit records of the old shape (set / remove / note with a JSON pointer and a
value) become the typed records of ptplan.core.plan_edits (swap / dose / remove / add / note)

The web's swap, dose, add and remove forms map one to one, with the ids of what they changed. Any other
old ``set`` becomes a note that keeps the original record under ``legacy``: it is no longer applied, so
no stored value can break a plan's pages again (nothing is dropped). Downgrading leaves the typed
records as they are; the old code skips records it cannot apply.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

PLANS = sa.table("plans", sa.column("id", sa.Integer), sa.column("plan_json", sa.JSON), sa.column("edits", sa.JSON))


def upgrade() -> None:
    from ptplan.core.plan_edits import from_legacy

    conn = op.get_bind()
    for row in conn.execute(sa.select(PLANS.c.id, PLANS.c.plan_json, PLANS.c.edits)).all():
        if not row.edits:
            continue
        typed = from_legacy(row.plan_json or {}, row.edits)
        if typed != row.edits:
            conn.execute(PLANS.update().where(PLANS.c.id == row.id).values(edits=typed))


def downgrade() -> None:
    pass
