"""site search: one index row per public object, full text over its unigrams and bigrams

`search_entries` holds a row for each published notice, filed project, pool member and draw
(app.search), written by the services in the transaction of the publication. Its grams
(app.search.rules.grams: every character, and every pair of neighbours in text order) are
searched by:
- PostgreSQL: two tsvector columns with GIN indexes (one lexeme per gram, written as tsvector
  input text: no text-search parser or locale decides what a Chinese word is);
- SQLite: the FTS5 table `search_fts` over the same columns (external content, unicode61 on the
  space-separated grams), kept in step by triggers — in the same transaction as the row.
A one-character word is looked up among the unigrams, a longer one as the phrase of its bigrams.

The rows of databases that already have public objects are written by `flask search reindex`
(run it once after this upgrade; it is also safe to run again at any time).

Revision ID: 125edb1dc647
Revises: a61c3e9f2b47
Create Date: 2026-12-04 17:50:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "125edb1dc647"
down_revision = "a61c3e9f2b47"
branch_labels = None
depends_on = None

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(unigrams, bigrams, content='search_entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, unigrams, bigrams) VALUES (new.id, new.unigrams, new.bigrams); "
    "END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, unigrams, bigrams) "
    "VALUES ('delete', old.id, old.unigrams, old.bigrams); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, unigrams, bigrams) "
    "VALUES ('delete', old.id, old.unigrams, old.bigrams); "
    "INSERT INTO search_fts(rowid, unigrams, bigrams) VALUES (new.id, new.unigrams, new.bigrams); "
    "END",
)


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    grams = postgresql.TSVECTOR() if postgres else sa.Text()
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("unigrams", grams, nullable=False),
        sa.Column("bigrams", grams, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "key", name="uq_search_entries_kind_key"),
    )
    op.create_index("ix_search_entries_published", "search_entries", ["published_at", "id"])
    op.create_index(
        "ix_search_entries_kind_published", "search_entries", ["kind", "published_at", "id"]
    )
    op.create_index(op.f("ix_search_entries_category"), "search_entries", ["category"])
    if postgres:
        for name in ("unigrams", "bigrams"):
            op.create_index(
                f"ix_search_entries_{name}", "search_entries", [name], postgresql_using="gin"
            )
    else:
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS search_entries_{name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_entries")
