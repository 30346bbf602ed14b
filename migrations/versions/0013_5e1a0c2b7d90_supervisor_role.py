"""supervisor role: users.role admits 'supervisor' (纪检监察 / 审计, read-only)

Revision ID: 5e1a0c2b7d90
Revises: a327617f9fcd
Create Date: 2026-12-03 14:20:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "5e1a0c2b7d90"
down_revision = "a327617f9fcd"
branch_labels = None
depends_on = None

OLD = "role IN ('staff','reviewer','owner','contractor','admin')"
NEW = "role IN ('staff','reviewer','owner','contractor','admin','supervisor')"


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), NEW)


def downgrade():
    op.execute("UPDATE users SET role = 'staff' WHERE role = 'supervisor'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), OLD)
