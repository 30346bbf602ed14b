"""stats indexes: the public statistics read a year's decided tradings and award draws by index

The statistics page and API (contracts.queries.stats) group one year of the platform: the
tradings decided that year (`outcome = 'drawn'`, or any outcome, with `held_at` in the year) and
the award draws drawn that year (`kind = 'ranking'`, `drawn_at` in the year). Without an index
each figure read every trading or every draw ever made; with (outcome, held_at) and (kind,
drawn_at) it is a range read of the year; an office's drawn award draws of the year are a range
of (office_id, kind, status, drawn_at). (An office's tradings are found through its projects.)

Revision ID: 3b8e51c4d7a2
Revises: 7d6d573ff2bc
Create Date: 2026-12-04 20:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3b8e51c4d7a2"
down_revision = "7d6d573ff2bc"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_tradings_outcome_held", "tradings", ["outcome", "held_at"], unique=False)
    op.create_index("ix_draws_kind_drawn", "draws", ["kind", "drawn_at"], unique=False)
    op.create_index(
        "ix_draws_office_kind_drawn",
        "draws",
        ["office_id", "kind", "status", "drawn_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_draws_office_kind_drawn", table_name="draws")
    op.drop_index("ix_draws_kind_drawn", table_name="draws")
    op.drop_index("ix_tradings_outcome_held", table_name="tradings")
