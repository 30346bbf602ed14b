"""stat rollups: the public statistics' figures per office and year, kept as they happen

The statistics page, its API and each office's notice-to-letter figures read a year's tradings
and draws on every request, so they grew with the platform's history (issue 14). The award meeting
and a refusal to sign now keep `stat_rollups` in step (contracts.services.rollup); this migration
creates the table and fills it from the tradings and draws already there, with the same code that
`flask stats rebuild` runs.

Revision ID: 5c2d7e9a1b3f
Revises: 3b1e0c7f5a2d
Create Date: 2026-12-04 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c2d7e9a1b3f"
down_revision = "3b1e0c7f5a2d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stat_rollups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("wins", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_rollups")),
        sa.UniqueConstraint("year", "office_id", "figure", "key", name="uq_stat_rollups_key"),
    )
    op.create_index(
        "ix_stat_rollups_figure_office",
        "stat_rollups",
        ["figure", "office_id", "key", "n"],
        unique=False,
    )
    # The backfill is the rebuild itself (one definition of the figures), on this connection.
    from contracts.services.rollup import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_index("ix_stat_rollups_figure_office", table_name="stat_rollups")
    op.drop_table("stat_rollups")
