"""Evaluations and credit checks: performance evaluations (履约评价) with their evidence files,
one per contract; the award meeting's credit checks (失信被执行人), one per respondent.

Revision ID: 3c5e7a9b1d24
Revises: c0a1f2e3d4b5
Create Date: 2026-12-03 14:15:30.463765

"""

import sqlalchemy as sa
from alembic import op

import app.types


# revision identifiers, used by Alembic.
revision = "3c5e7a9b1d24"
down_revision = "c0a1f2e3d4b5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "credit_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trading_id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_key", sa.String(length=100), nullable=False),
        sa.Column("evidence_type", sa.String(length=100), nullable=False),
        sa.Column("evidence_name", sa.String(length=255), nullable=False),
        sa.Column("evidence_size", sa.Integer(), nullable=False),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "result IN ('listed', 'not_listed')", name=op.f("ck_credit_checks_result")
        ),
        sa.CheckConstraint(
            "source IN ('creditchina', 'zxgk')", name=op.f("ck_credit_checks_source")
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_credit_checks_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_credit_checks_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["trading_id"], ["tradings.id"], name=op.f("fk_credit_checks_trading_id_tradings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_checks")),
        sa.UniqueConstraint("evidence_key", name=op.f("uq_credit_checks_evidence_key")),
        sa.UniqueConstraint("trading_id", "contractor_id", name="uq_credit_checks_respondent"),
    )
    with op.batch_alter_table("credit_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_checks_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_checks_trading_id"), ["trading_id"], unique=False
        )

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("quality", sa.String(length=10), nullable=False),
        sa.Column("schedule", sa.String(length=10), nullable=False),
        sa.Column("safety", sa.String(length=10), nullable=False),
        sa.Column("cooperation", sa.String(length=10), nullable=False),
        sa.Column("quality_reason", sa.Text(), nullable=False),
        sa.Column("schedule_reason", sa.Text(), nullable=False),
        sa.Column("safety_reason", sa.Text(), nullable=False),
        sa.Column("cooperation_reason", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("case_ref", sa.String(length=80), nullable=True),
        sa.Column("evaluated_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("evaluated_by_id", sa.Integer(), nullable=True),
        sa.Column("by_staff", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(result = 'fail') = (quality = 'fail' OR schedule = 'fail' OR safety = 'fail' OR cooperation = 'fail')",
            name=op.f("ck_evaluations_overall"),
        ),
        sa.CheckConstraint(
            "cooperation IN ('pass', 'fail')", name=op.f("ck_evaluations_cooperation")
        ),
        sa.CheckConstraint("quality IN ('pass', 'fail')", name=op.f("ck_evaluations_quality")),
        sa.CheckConstraint("result IN ('pass', 'fail')", name=op.f("ck_evaluations_result")),
        sa.CheckConstraint("safety IN ('pass', 'fail')", name=op.f("ck_evaluations_safety")),
        sa.CheckConstraint("schedule IN ('pass', 'fail')", name=op.f("ck_evaluations_schedule")),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_evaluations_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_evaluations_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["evaluated_by_id"], ["users.id"], name=op.f("fk_evaluations_evaluated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_evaluations_contract_id")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluations_contractor_id"), ["contractor_id"], unique=False
        )

    op.create_table(
        "evaluation_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluation_evidence_evaluation_id_evaluations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_evidence")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_evaluation_evidence_storage_key")),
    )
    with op.batch_alter_table("evaluation_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_evidence_evaluation_id"), ["evaluation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("evaluation_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_evidence_evaluation_id"))

    op.drop_table("evaluation_evidence")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_contractor_id"))

    op.drop_table("evaluations")
    with op.batch_alter_table("credit_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_checks_trading_id"))
        batch_op.drop_index(batch_op.f("ix_credit_checks_contractor_id"))

    op.drop_table("credit_checks")
