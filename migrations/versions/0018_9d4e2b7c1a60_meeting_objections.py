"""meeting objections: trading_objections.matter admits 'meeting' (art. 44, raised at the meeting)

Revision ID: 9d4e2b7c1a60
Revises: 3c5e7a9b1d24
Create Date: 2026-12-03 15:50:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "9d4e2b7c1a60"
down_revision = "3c5e7a9b1d24"
branch_labels = None
depends_on = None

OLD = "matter IN ('notice', 'result')"
NEW = "matter IN ('notice', 'meeting', 'result')"


def upgrade():
    with op.batch_alter_table("trading_objections", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_trading_objections_matter"), type_="check")
        batch_op.create_check_constraint(op.f("ck_trading_objections_matter"), NEW)


def downgrade():
    bind = op.get_bind()
    if bind.exec_driver_sql(
        "SELECT count(*) FROM trading_objections WHERE matter = 'meeting'"
    ).scalar():
        raise RuntimeError("objections to meetings exist; they cannot be kept by the old schema")
    with op.batch_alter_table("trading_objections", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_trading_objections_matter"), type_="check")
        batch_op.create_check_constraint(op.f("ck_trading_objections_matter"), OLD)
