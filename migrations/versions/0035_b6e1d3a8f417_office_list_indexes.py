"""Indexes for the lists of a district (`?office=`): a range per office in the list's order

An office filter names a district: its office and its street platforms, `office_id IN (d, p1,
p2, p3)`, which no index reads in a list's order. The lists read one range per office (and per
type, state or status asked for), merged (app.keyset.Merged); these are the ranges the
(office_id, filed_at, id) index of the projects did not already give: an office's published
notices (of a type), its projects of a stage, its draws of a status, newest first (issue 14).
The notices' carry the status, which the lists ask for by equality: SQLite (no statistics) read
an office's `?after=` page from the (status, published_at, id) range of every office otherwise.

Revision ID: b6e1d3a8f417
Revises: 4d7f2b9e6c31
Create Date: 2026-12-05 15:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b6e1d3a8f417"
down_revision = "4d7f2b9e6c31"
branch_labels = None
depends_on = None

INDEXES = (
    (
        "ix_notices_office_status_published",
        "notices",
        ["office_id", "status", "published_at", "id"],
    ),
    (
        "ix_notices_office_status_type_published",
        "notices",
        ["office_id", "status", "type", "published_at", "id"],
    ),
    (
        "ix_projects_office_stage_filed",
        "projects",
        ["office_id", "stage", "filed_at", "id", "responses_close_at"],
    ),
    ("ix_draws_office_status_committed", "draws", ["office_id", "status", "committed_at", "id"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
