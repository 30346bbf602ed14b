"""guides: policies, service guides, model texts and standard forms (政策制度、办事指南、示范文本、
统一表式) with their attached files

Revision ID: a61c3e9f2b47
Revises: a91c5e7d3f20
Create Date: 2026-12-04 17:40:00

"""

import sqlalchemy as sa
from alembic import op

import app.types

# revision identifiers, used by Alembic.
revision = "a61c3e9f2b47"
down_revision = "a91c5e7d3f20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("issuing_body", sa.String(length=200), nullable=False),
        sa.Column("doc_number", sa.String(length=200), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("revised_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("withdrawn_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "kind IN ('policy','guide','model_text','form')", name=op.f("ck_guides_kind")
        ),
        sa.CheckConstraint(
            "state IN ('draft','published','withdrawn')", name=op.f("ck_guides_state")
        ),
        sa.CheckConstraint(
            "state = 'draft' OR published_at IS NOT NULL", name=op.f("ck_guides_published_has_time")
        ),
        sa.CheckConstraint(
            "state <> 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawn_reason IS NOT NULL)",
            name=op.f("ck_guides_withdrawn_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_guides_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_guides_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_guides_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
    )
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guides_office_id"), ["office_id"], unique=False)
        batch_op.create_index(
            "ix_guides_state_kind_published",
            ["state", "kind", "published_at", "id"],
            unique=False,
        )

    op.create_table(
        "guide_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", app.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guide_id"],
            ["guides.id"],
            name=op.f("fk_guide_attachments_guide_id_guides"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_guide_attachments_storage_key")),
    )
    with op.batch_alter_table("guide_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guide_attachments_guide_id"), ["guide_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("guide_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_attachments_guide_id"))
    op.drop_table("guide_attachments")
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.drop_index("ix_guides_state_kind_published")
        batch_op.drop_index(batch_op.f("ix_guides_office_id"))
    op.drop_table("guides")
