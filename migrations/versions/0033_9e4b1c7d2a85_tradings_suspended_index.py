"""tradings' suspended_at index: the public list's ?state=suspended from the suspended tradings

The project list filtered by state walked every filed project, newest first, to find the few
whose latest trading is suspended: 560 ms on PostgreSQL at 1,000,000 notices, 227 ms on SQLite,
for an empty page (issue 14). With this index the page is read from the suspended tradings
(contracts.queries.state_bound), a number bounded by what is in progress, not by history.

Revision ID: 9e4b1c7d2a85
Revises: 7a4c2e9d1f60
Create Date: 2026-12-05 12:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9e4b1c7d2a85"
down_revision = "7a4c2e9d1f60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f("ix_tradings_suspended_at"), "tradings", ["suspended_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_tradings_suspended_at"), table_name="tradings")
