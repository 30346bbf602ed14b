"""contractors: checked (核验) by staff — a new company's public page waits for it

Revision ID: 5c1f0e7a9b21
Revises: 1f139f11f5a9
Create Date: 2026-12-03 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5c1f0e7a9b21"
down_revision = "1f139f11f5a9"
branch_labels = None
depends_on = None


def upgrade():
    # Existing companies start unchecked: those that applied to a call stay public through their
    # application; the others wait for staff (a sign-up flood is exactly such rows).
    with op.batch_alter_table("contractors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("checked_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contractors_checked_by_id_users"), "users", ["checked_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("contractors", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contractors_checked_by_id_users"), type_="foreignkey")
        batch_op.drop_column("checked_by_id")
        batch_op.drop_column("checked_at")
