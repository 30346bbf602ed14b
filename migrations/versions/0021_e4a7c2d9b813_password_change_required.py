"""password change required: an account whose password an administrator reset must change it at
its next sign-in (the one-time password shown once on the reset page)

Revision ID: e4a7c2d9b813
Revises: b5d1e8f2a374
Create Date: 2026-12-03 22:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a7c2d9b813"
down_revision = "b5d1e8f2a374"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
