"""complaints (投诉) about a trading: the complaint, its evidence files and the pauses of its
decision clock (issue 12, part "complaints")

Revision ID: c0a1f2e3d4b5
Revises: b3944110d0b1
Create Date: 2026-12-03 14:21:52.476353

"""

import sqlalchemy as sa
from alembic import op

import app.types


# revision identifiers, used by Alembic.
revision = "c0a1f2e3d4b5"
down_revision = "b3944110d0b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trading_id", sa.Integer(), nullable=False),
        sa.Column("matter", sa.String(length=20), nullable=False),
        sa.Column("complainant_contractor_id", sa.Integer(), nullable=True),
        sa.Column("complainant_name", sa.String(length=200), nullable=False),
        sa.Column("complainant_contact", sa.String(length=300), nullable=False),
        sa.Column("respondent_name", sa.String(length=200), nullable=False),
        sa.Column("respondent_contact", sa.String(length=300), nullable=False),
        sa.Column("respondent_uscc", sa.String(length=18), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("requests", sa.Text(), nullable=False),
        sa.Column("knew_on", sa.Date(), nullable=False),
        sa.Column("window_ends_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("received_at", app.types.UTCDateTime(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("on_paper", sa.Boolean(), nullable=False),
        sa.Column("accept_by", app.types.UTCDateTime(), nullable=True),
        sa.Column("accepted_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("refused_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("refusal_ground", sa.String(length=40), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("violation_found_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("violation_finding", sa.Text(), nullable=False),
        sa.Column("decided_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("decision_facts", sa.Text(), nullable=False),
        sa.Column("decision_basis", sa.String(length=500), nullable=False),
        sa.Column("decision_text", sa.Text(), nullable=False),
        sa.Column("decision_notice_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        sa.Column("suspended_at", app.types.UTCDateTime(), nullable=True),
        sa.Column("resumed_at", app.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "decided_at IS NULL OR (decision_basis <> '' AND decision_text <> '' AND decision_facts <> '')",
            name=op.f("ck_complaints_decision_complete"),
        ),
        sa.CheckConstraint(
            "matter IN ('notice', 'meeting', 'result', 'other')", name=op.f("ck_complaints_matter")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('upheld', 'dismissed')",
            name=op.f("ck_complaints_outcome"),
        ),
        sa.CheckConstraint(
            "refusal_ground IS NULL OR refusal_ground IN ('not_interested_party', 'no_clear_request', 'late', 'already_decided', 'in_review_or_litigation')",
            name=op.f("ck_complaints_ground"),
        ),
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR (decided_at IS NULL AND refused_at IS NULL AND withdrawal_reason <> '')",
            name=op.f("ck_complaints_withdrawn_open"),
        ),
        sa.CheckConstraint(
            "(decided_at IS NULL) = (outcome IS NULL)",
            name=op.f("ck_complaints_decided_with_outcome"),
        ),
        sa.CheckConstraint(
            "(refused_at IS NULL) = (refusal_ground IS NULL)",
            name=op.f("ck_complaints_refused_with_ground"),
        ),
        sa.CheckConstraint(
            "accepted_at IS NULL OR refused_at IS NULL", name=op.f("ck_complaints_accept_or_refuse")
        ),
        sa.CheckConstraint(
            "decided_at IS NULL OR accepted_at IS NOT NULL",
            name=op.f("ck_complaints_decided_accepted"),
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["users.id"], name=op.f("fk_complaints_accepted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["complainant_contractor_id"],
            ["contractors.id"],
            name=op.f("fk_complaints_complainant_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_complaints_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_notice_id"],
            ["notices.id"],
            name=op.f("fk_complaints_decision_notice_id_notices"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["users.id"], name=op.f("fk_complaints_filed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["trading_id"], ["tradings.id"], name=op.f("fk_complaints_trading_id_tradings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaints_complainant_contractor_id"),
            ["complainant_contractor_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_complaints_trading_id"), ["trading_id"], unique=False)

    op.create_table(
        "complaint_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", app.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_evidence_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_evidence")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_complaint_evidence_storage_key")),
    )
    with op.batch_alter_table("complaint_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_evidence_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "complaint_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('expert_review', 'testing')", name=op.f("ck_complaint_pauses_kind")
        ),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on", name=op.f("ck_complaint_pauses_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_pauses_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_complaint_pauses_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_pauses")),
    )
    with op.batch_alter_table("complaint_pauses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_pauses_complaint_id"), ["complaint_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("complaint_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_pauses_complaint_id"))

    op.drop_table("complaint_pauses")
    with op.batch_alter_table("complaint_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_evidence_complaint_id"))

    op.drop_table("complaint_evidence")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_trading_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_complainant_contractor_id"))

    op.drop_table("complaints")
