"""projects.stage and responses_close_at: a project's state without the clock, for the ?state= list

The list filtered by state derived the state in SQL for every filed project, newest first, until
it had a page: at 1,000,000 notices ?state=awaiting_meeting read every filed project to find an
empty page (SQLite 4.5 → 134 ms), ?state=signed ~19,000 of them on PostgreSQL (issue 14). The
stage (contracts.rules.stage_of: the state rule read as if every publicity were still open) is
stored and indexed with the list's order, (stage, filed_at, id), with the latest trading's
responses close beside it: the clock's part (an announced project awaits its meeting once its
responses have closed) is then read from the index too.

The backfill is THE rule in SQL over each project and its latest trading (BACKFILL, checked
against contracts.rules.stage_of state by state in tests/integration/test_state_sql.py); from here
on contracts.stage keeps it on every flush.

Revision ID: 4d7f2b9e6c31
Revises: 9e4b1c7d2a85
Create Date: 2026-12-05 14:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4d7f2b9e6c31"
down_revision = "9e4b1c7d2a85"
branch_labels = None
depends_on = None

#: Each project's stage from its filing and its latest trading: STATE_RULE's rows in order, the
#: responses taken as open (signed, suspended, drawn, failed, announced; else the filing), and
#: the latest trading's responses close.
BACKFILL = """
UPDATE projects SET responses_close_at = (
    SELECT t.responses_close_at FROM tradings t
    WHERE t.project_id = projects.id
    ORDER BY t.round DESC
    LIMIT 1
), stage = COALESCE((
    SELECT CASE
        WHEN EXISTS (SELECT 1 FROM contracts c WHERE c.trading_id = t.id) THEN 'signed'
        WHEN t.suspended_at IS NOT NULL THEN 'suspended'
        WHEN t.outcome = 'drawn' THEN 'drawn'
        WHEN t.outcome = 'failed' THEN 'failed'
        ELSE 'announced'
    END
    FROM tradings t
    WHERE t.project_id = projects.id
    ORDER BY t.round DESC
    LIMIT 1
), filing)
"""


def upgrade():
    # Added with a default so that existing rows have a value, set right by BACKFILL; the
    # default is then dropped where the database can (SQLite cannot alter a column in place):
    # a row inserted without its stage is refused, not silently "submitted".
    op.add_column(
        "projects",
        sa.Column("stage", sa.String(length=20), nullable=False, server_default="submitted"),
    )
    op.add_column("projects", sa.Column("responses_close_at", sa.DateTime(), nullable=True))
    op.execute(BACKFILL)
    op.create_index(
        "ix_projects_stage_filed",
        "projects",
        ["stage", "filed_at", "id", "responses_close_at"],
        unique=False,
    )
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("projects", "stage", server_default=None)
        # Every row was rewritten and the new columns have no statistics until autovacuum
        # comes by: PostgreSQL guessed 10 signed projects of 2,000 and sorted them all.
        op.execute("ANALYZE projects")


def downgrade():
    op.drop_index("ix_projects_stage_filed", table_name="projects")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("responses_close_at")
        batch.drop_column("stage")
