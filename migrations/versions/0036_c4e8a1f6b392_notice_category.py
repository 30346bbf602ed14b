"""notices.category_code: a notice's pool category kept on it, for the ?category= list

The list of a category (`/notices/?category=`, its feed) kept the notices whose subject is a
trading of a project of the category: no index had that in the list's order, so the database
walked the published_at index filtering by subject until it had a page — at 1,000,000 notices
?category=JL past the middle took PostgreSQL 1.6–2.0 s and SQLite 0.9 s (issue 14). The category
is now written with the notice's subject (notices.categories.of_subject) and indexed with the
list's order, (status, category_code, published_at, id), and with an office's (status,
category_code, office_id, published_at, id): a category's list of a district is a range per office.

The backfill is the registry's rule in SQL (contracts.queries.category_of_trading: a trading
notice's category is its trading's project's; no other subject has one). The guard of published
notices (migration 0001's notices_published_immutable trigger) freezes the columns a notice
publishes, not this one: the backfill passes it as it is, and it stays as it was.

Revision ID: c4e8a1f6b392
Revises: b6e1d3a8f417
Create Date: 2026-12-05 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e8a1f6b392"
down_revision = "b6e1d3a8f417"
branch_labels = None
depends_on = None

#: Each trading notice's category: its trading's project's (contracts.queries.category_of_trading).
BACKFILL = """
UPDATE notices SET category_code = (
    SELECT p.category_code FROM tradings t JOIN projects p ON p.id = t.project_id
    WHERE t.code = notices.subject_id
)
WHERE subject_type = 'trading' AND subject_id IS NOT NULL
"""


#: A category's list, and a category's list of an office (a range per office).
INDEXES = (
    ("ix_notices_status_category_published", ["status", "category_code", "published_at", "id"]),
    (
        "ix_notices_status_category_office_published",
        ["status", "category_code", "office_id", "published_at", "id"],
    ),
)


def upgrade():
    op.add_column("notices", sa.Column("category_code", sa.String(length=20), nullable=True))
    op.execute(BACKFILL)
    for name, columns in INDEXES:
        op.create_index(
            name,
            "notices",
            columns,
            unique=False,
            # Only the notices of a category (`category_code = ?` implies it, on both databases).
            postgresql_where=sa.text("category_code IS NOT NULL"),
            sqlite_where=sa.text("category_code IS NOT NULL"),
        )
    if op.get_bind().dialect.name != "sqlite":
        # Every trading notice was rewritten and the new column has no statistics until
        # autovacuum comes by.
        op.execute("ANALYZE notices")


def downgrade():
    for name, _columns in INDEXES:
        op.drop_index(name, table_name="notices")
    # Not a batch: on SQLite it would copy the table and lose its guard triggers.
    op.execute("ALTER TABLE notices DROP COLUMN category_code")
