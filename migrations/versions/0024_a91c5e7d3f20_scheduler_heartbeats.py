"""scheduler heartbeats: when each scheduler tick last ran to the end

The leader lock (app.scheduler) lets exactly one process run the ticks; that process records each
tick's last good run here, so /readyz and the Prometheus metrics, served by any web worker on any
host, can tell a stalled scheduler from a quiet one.

Revision ID: a91c5e7d3f20
Revises: d8b2f4a6c019
Create Date: 2026-12-04 18:00:00

"""

import sqlalchemy as sa
from alembic import op

import app.types

# revision identifiers, used by Alembic.
revision = "a91c5e7d3f20"
down_revision = "d8b2f4a6c019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("tick_id", sa.String(length=60), nullable=False),
        sa.Column("last_ok_at", app.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tick_id", name=op.f("pk_scheduler_heartbeats")),
    )


def downgrade():
    op.drop_table("scheduler_heartbeats")
