"""stat versions: how many times each office's and year's statistics have changed

The statistics page and its API recomputed the award draws' fairness test — every company of the
year, Holm over all of them — on every request, so they still grew with the platform (issue 14).
The figures are now kept per process (contracts.queries.stats_memo) and keyed by this counter,
which the rollup bumps in the transaction that changes its rows: a request reads it in one
primary-key lookup and recomputes only when it moved. The table starts empty (every version 0):
a process's memory starts empty too.

Revision ID: 7a4c2e9d1f60
Revises: 5c2d7e9a1b3f
Create Date: 2026-12-05 02:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7a4c2e9d1f60"
down_revision = "5c2d7e9a1b3f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stat_versions",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "office_id", name=op.f("pk_stat_versions")),
    )


def downgrade():
    op.drop_table("stat_versions")
