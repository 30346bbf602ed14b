"""objections and suspensions: trading_objections (arts. 22, 54), trading_suspensions and
tradings.suspended_at (art. 62), pool objections during the roster publicity

Revision ID: c41e7a0b9d25
Revises: 5e1a0c2b7d90
Create Date: 2026-12-03 14:16:41.370401

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c41e7a0b9d25"
down_revision = "5e1a0c2b7d90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trading_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trading_id", sa.Integer(), nullable=False),
        sa.Column("matter", sa.String(length=10), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("answer_by", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("answer", sa.Text(), server_default="", nullable=False),
        sa.Column("answering_body", sa.String(length=200), server_default="", nullable=False),
        sa.CheckConstraint(
            "(answered_at IS NULL AND upheld IS NULL AND answered_by_id IS NULL AND answer = '') OR (answered_at IS NOT NULL AND upheld IS NOT NULL AND answer <> '')",
            name=op.f("ck_trading_objections_answered"),
        ),
        sa.CheckConstraint(
            "matter IN ('notice', 'result')", name=op.f("ck_trading_objections_matter")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_trading_objections_answered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_trading_objections_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["users.id"], name=op.f("fk_trading_objections_filed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["trading_id"], ["tradings.id"], name=op.f("fk_trading_objections_trading_id_tradings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trading_objections")),
        sa.UniqueConstraint(
            "trading_id",
            "contractor_id",
            "matter",
            "text_sha256",
            name="uq_trading_objections_text",
        ),
    )
    with op.batch_alter_table("trading_objections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trading_objections_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_trading_objections_trading_id"), ["trading_id"], unique=False
        )

    op.create_table(
        "trading_suspensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trading_id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("suspended_at", sa.DateTime(), nullable=False),
        sa.Column("suspended_by_id", sa.Integer(), nullable=True),
        sa.Column("suspend_notice_id", sa.Integer(), nullable=False),
        sa.Column("resumed_at", sa.DateTime(), nullable=True),
        sa.Column("resumed_by_id", sa.Integer(), nullable=True),
        sa.Column("resume_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("resume_notice_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(resumed_at IS NULL AND resumed_by_id IS NULL AND resume_notice_id IS NULL AND resume_reason = '') OR (resumed_at IS NOT NULL AND resumed_at >= suspended_at AND resume_reason <> '')",
            name=op.f("ck_trading_suspensions_resumed"),
        ),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_trading_suspensions_reason")),
        sa.ForeignKeyConstraint(
            ["resume_notice_id"],
            ["notices.id"],
            name=op.f("fk_trading_suspensions_resume_notice_id_notices"),
        ),
        sa.ForeignKeyConstraint(
            ["resumed_by_id"], ["users.id"], name=op.f("fk_trading_suspensions_resumed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["suspend_notice_id"],
            ["notices.id"],
            name=op.f("fk_trading_suspensions_suspend_notice_id_notices"),
        ),
        sa.ForeignKeyConstraint(
            ["suspended_by_id"],
            ["users.id"],
            name=op.f("fk_trading_suspensions_suspended_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["trading_id"], ["tradings.id"], name=op.f("fk_trading_suspensions_trading_id_tradings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trading_suspensions")),
    )
    with op.batch_alter_table("trading_suspensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trading_suspensions_trading_id"), ["trading_id"], unique=False
        )

    with op.batch_alter_table("tradings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspended_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("tradings", schema=None) as batch_op:
        batch_op.drop_column("suspended_at")

    with op.batch_alter_table("trading_suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trading_suspensions_trading_id"))

    op.drop_table("trading_suspensions")
    with op.batch_alter_table("trading_objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trading_objections_trading_id"))
        batch_op.drop_index(batch_op.f("ix_trading_objections_contractor_id"))

    op.drop_table("trading_objections")
