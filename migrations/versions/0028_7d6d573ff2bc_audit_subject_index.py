"""audit subject index: a public revision history reads one object's entries by index

A revision history (app.history) reads the audit entries of one subject — (subject_type,
subject_id), a project's with its tradings' — newest first a page at a time (keyset on the id).
Without an index each page scanned the whole log, which grows with every change on the platform;
with (subject_type, subject_id, id) it is an index range read of one page.

Revision ID: 7d6d573ff2bc
Revises: 5be7c1a9d302
Create Date: 2026-12-04 18:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "7d6d573ff2bc"
down_revision = "5be7c1a9d302"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_audit_entries_subject",
        "audit_entries",
        ["subject_type", "subject_id", "id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_audit_entries_subject", table_name="audit_entries")
