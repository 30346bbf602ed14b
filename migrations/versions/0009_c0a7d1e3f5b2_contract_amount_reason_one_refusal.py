"""contract amount reason; one refusal per company and trading

Revision ID: c0a7d1e3f5b2
Revises: 5c1f0e7a9b21
Create Date: 2026-12-03 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c0a7d1e3f5b2"
down_revision = "5c1f0e7a9b21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("amount_reason", sa.Text(), nullable=False, server_default="")
        )
    # A second refusal of one company in one trading is the double-post bug (issue 10, 3): it
    # passed the award on from a company that never refused. Such rows need a person's decision
    # (and a correction notice), so the upgrade stops and names them instead of guessing.
    duplicates = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT trading_id, contractor_id, COUNT(*) FROM refusals "
                "GROUP BY trading_id, contractor_id HAVING COUNT(*) > 1"
            )
        )
        .all()
    )
    if duplicates:
        raise RuntimeError(
            "refusals holds more than one refusal of a company in a trading "
            f"(trading_id, contractor_id, count): {duplicates}; resolve them before upgrading"
        )
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_refusals_trading_contractor", ["trading_id", "contractor_id"]
        )


def downgrade():
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.drop_constraint("uq_refusals_trading_contractor", type_="unique")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("amount_reason")
