"""sanctions: misconduct cases (不良行为), sanctions and their changes, correction requests
and the reserves that entered the roster after a removal (issue 12)

Revision ID: b3944110d0b1
Revises: c41e7a0b9d25
Create Date: 2026-12-03 14:17:33.007547

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3944110d0b1"
down_revision = "c41e7a0b9d25"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "misconduct_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=True),
        sa.Column("proposal", sa.String(length=20), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("statement_days", sa.Integer(), nullable=False),
        sa.Column("statement_ends_at", sa.DateTime(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("stated_at", sa.DateTime(), nullable=True),
        sa.Column("stated_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("act", sa.Text(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("deciding_body", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('warning','suspension','removal','none')",
            name=op.f("ck_misconduct_cases_outcome"),
        ),
        sa.CheckConstraint(
            "proposal IS NULL OR proposal IN ('warning','suspension','removal','none')",
            name=op.f("ck_misconduct_cases_proposal"),
        ),
        sa.CheckConstraint(
            "source IN ('refusal','evaluation','complaint','false_complaint','incident','by_hand')",
            name=op.f("ck_misconduct_cases_source"),
        ),
        sa.CheckConstraint(
            "(decided_at IS NULL AND outcome IS NULL) OR (decided_at IS NOT NULL AND outcome IS NOT NULL AND basis IS NOT NULL AND deciding_body IS NOT NULL)",
            name=op.f("ck_misconduct_cases_decided"),
        ),
        sa.CheckConstraint("statement_days >= 3", name=op.f("ck_misconduct_cases_statement_days")),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_misconduct_cases_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_misconduct_cases_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_misconduct_cases_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["stated_by_id"], ["users.id"], name=op.f("fk_misconduct_cases_stated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_misconduct_cases")),
    )
    with op.batch_alter_table("misconduct_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_misconduct_cases_contractor_id"), ["contractor_id"], unique=False
        )

    op.create_table(
        "sanctions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("publish_due_at", sa.DateTime(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("shown_until", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind <> 'suspension' OR until IS NOT NULL", name=op.f("ck_sanctions_suspension_until")
        ),
        sa.CheckConstraint(
            "kind IN ('warning','suspension','removal')", name=op.f("ck_sanctions_kind")
        ),
        sa.CheckConstraint("until IS NULL OR until > starts_on", name=op.f("ck_sanctions_period")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["misconduct_cases.id"], name=op.f("fk_sanctions_case_id_misconduct_cases")
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_sanctions_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_sanctions_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanctions")),
        sa.UniqueConstraint("case_id", name=op.f("uq_sanctions_case_id")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_sanctions_notice_id")),
    )
    with op.batch_alter_table("sanctions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sanctions_contractor_id"), ["contractor_id"], unique=False
        )

    op.create_table(
        "sanction_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sanction_id", sa.Integer(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("answer_due_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(answered_at IS NULL AND upheld IS NULL) OR (answered_at IS NOT NULL AND upheld IS NOT NULL)",
            name=op.f("ck_sanction_corrections_answered"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_sanction_corrections_answered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_sanction_corrections_asked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sanction_id"],
            ["sanctions.id"],
            name=op.f("fk_sanction_corrections_sanction_id_sanctions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanction_corrections")),
    )
    with op.batch_alter_table("sanction_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sanction_corrections_sanction_id"), ["sanction_id"], unique=False
        )

    op.create_table(
        "sanction_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sanction_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approver", sa.String(length=100), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["sanction_corrections.id"],
            name=op.f("fk_sanction_changes_correction_id_sanction_corrections"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_sanction_changes_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_sanction_changes_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sanction_id"],
            ["sanctions.id"],
            name=op.f("fk_sanction_changes_sanction_id_sanctions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanction_changes")),
    )
    with op.batch_alter_table("sanction_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sanction_changes_sanction_id"), ["sanction_id"], unique=False
        )

    op.create_table(
        "sanction_reserve_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sanction_id", sa.Integer(), nullable=False),
        sa.Column("removed_selection_id", sa.Integer(), nullable=False),
        sa.Column("selection_id", sa.Integer(), nullable=False),
        sa.Column("enters_on", sa.Date(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_sanction_reserve_entries_notice_id_notices"),
        ),
        sa.ForeignKeyConstraint(
            ["removed_selection_id"],
            ["pool_selections.id"],
            name=op.f("fk_sanction_reserve_entries_removed_selection_id_pool_selections"),
        ),
        sa.ForeignKeyConstraint(
            ["sanction_id"],
            ["sanctions.id"],
            name=op.f("fk_sanction_reserve_entries_sanction_id_sanctions"),
        ),
        sa.ForeignKeyConstraint(
            ["selection_id"],
            ["pool_selections.id"],
            name=op.f("fk_sanction_reserve_entries_selection_id_pool_selections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanction_reserve_entries")),
        sa.UniqueConstraint(
            "removed_selection_id", name=op.f("uq_sanction_reserve_entries_removed_selection_id")
        ),
        sa.UniqueConstraint("selection_id", name=op.f("uq_sanction_reserve_entries_selection_id")),
    )
    with op.batch_alter_table("sanction_reserve_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sanction_reserve_entries_sanction_id"), ["sanction_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sanction_reserve_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanction_reserve_entries_sanction_id"))

    op.drop_table("sanction_reserve_entries")
    with op.batch_alter_table("sanction_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanction_changes_sanction_id"))

    op.drop_table("sanction_changes")
    with op.batch_alter_table("sanction_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanction_corrections_sanction_id"))

    op.drop_table("sanction_corrections")
    with op.batch_alter_table("sanctions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanctions_contractor_id"))

    op.drop_table("sanctions")
    with op.batch_alter_table("misconduct_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_misconduct_cases_contractor_id"))

    op.drop_table("misconduct_cases")
