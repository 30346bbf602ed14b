"""notice subscriptions (我的订阅) and the outbox's priority

An account's subscription (notice_subscriptions, one per account), its chosen categories and
notice types (notice_subscription_topics), and the once-only record of each notice's fan-out
(notice_subscription_fanouts: its primary key lets one job run queue a notice's texts). The
outbox gains `priority` (0 mandatory, 1 optional): the sender claims every due mandatory
message before any optional one, so the claim index leads with it after the status.

Revision ID: 5be7c1a9d302
Revises: 125edb1dc647
Create Date: 2026-12-04 17:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5be7c1a9d302"
down_revision = "125edb1dc647"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("all_categories", sa.Boolean(), nullable=False),
        sa.Column("all_types", sa.Boolean(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_notice_subscriptions_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notice_subscriptions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_subscriptions")),
        sa.UniqueConstraint("user_id", name=op.f("uq_notice_subscriptions_user_id")),
    )
    with op.batch_alter_table("notice_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_subscriptions_contractor_id"), ["contractor_id"], unique=False
        )
    op.create_table(
        "notice_subscription_topics",
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "kind IN ('category','type')", name=op.f("ck_notice_subscription_topics_kind")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["notice_subscriptions.id"],
            name=op.f("fk_notice_subscription_topics_subscription_id_notice_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "subscription_id", "kind", "code", name=op.f("pk_notice_subscription_topics")
        ),
    )
    op.create_table(
        "notice_subscription_fanouts",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_subscription_fanouts_notice_id_notices"),
        ),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_notice_subscription_fanouts")),
    )
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_index("ix_sms_messages_status_due")
        batch_op.create_index(
            "ix_sms_messages_status_due", ["status", "priority", "next_attempt_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_messages_status_due")
        batch_op.create_index(
            "ix_sms_messages_status_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.drop_column("priority")
    op.drop_table("notice_subscription_fanouts")
    op.drop_table("notice_subscription_topics")
    with op.batch_alter_table("notice_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_subscriptions_contractor_id"))
    op.drop_table("notice_subscriptions")
