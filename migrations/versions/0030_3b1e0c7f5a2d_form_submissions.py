"""form submissions: a create form's once-only token, claimed once (app.once)

A form that makes a new row (a draft, a project, a pool call, a complaint, an upload) carries a
signed token with a random nonce; the service that creates records the nonce here in its own
transaction. The UNIQUE constraint is what makes a second post of the same form — a double click,
a retry, twenty at once — create nothing: it finds the first post's row and its `ref`.

Revision ID: 3b1e0c7f5a2d
Revises: 3b8e51c4d7a2
Create Date: 2026-12-04 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b1e0c7f5a2d"
down_revision = "3b8e51c4d7a2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint("nonce", name=op.f("uq_form_submissions_nonce")),
    )


def downgrade():
    op.drop_table("form_submissions")
