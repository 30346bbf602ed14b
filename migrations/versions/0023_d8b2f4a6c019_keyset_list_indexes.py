"""keyset list indexes: the public lists and the API read in index order, never sort the table

Every public list and API list is read newest first a page at a time (app.keyset: `?after=`
continues from a row's key). Each needs an index in exactly that order, led by its equality
filter: published notices by (published_at, id), of one type by (type, published_at, id); filed
projects by (filed_at, id); draws by (committed_at, id), of one status by (status, committed_at,
id). With them a page is an index range read of `per_page + 1` rows at 10,000 notices or at
1,000,000; without them both databases sorted every matching row for each page.

The page cache (app.pagecache) asks, once per change, for the next moment a public page changes
by the clock: the earliest publicity end, responses' close and meeting time still to come. Those
are MIN(...) WHERE col >= now reads, an index seek with an index on each column.

Revision ID: d8b2f4a6c019
Revises: c3f8a1d6e947
Create Date: 2026-12-04 15:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d8b2f4a6c019"
down_revision = "c3f8a1d6e947"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_notices_status_published", "notices", ["status", "published_at", "id"]),
    ("ix_notices_status_type_published", "notices", ["status", "type", "published_at", "id"]),
    ("ix_projects_filing_filed", "projects", ["filing", "filed_at", "id"]),
    ("ix_draws_committed", "draws", ["committed_at", "id"]),
    ("ix_draws_status_committed", "draws", ["status", "committed_at", "id"]),
    ("ix_notices_publicity_ends_at", "notices", ["publicity_ends_at"]),
    ("ix_tradings_responses_close_at", "tradings", ["responses_close_at"]),
    ("ix_tradings_meeting_at", "tradings", ["meeting_at"]),
    ("ix_pool_calls_meeting_at", "pool_calls", ["meeting_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
