"""trading state checks: Project.filing and Trading.outcome hold their values and coupled facts

Revision ID: b7e2c4d9a1f3
Revises: aa3670329d4c
Create Date: 2026-12-03 12:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7e2c4d9a1f3"
down_revision = "aa3670329d4c"
branch_labels = None
depends_on = None

# Written out as they are today (contracts.rules.Filing / Outcome): a migration does not follow
# later edits of the code.
PROJECT_CHECKS = {
    "ck_projects_filing": "filing IN ('submitted', 'sent_back', 'filed')",
    "ck_projects_filed": "(filing = 'filed' AND filed_at IS NOT NULL)"
    " OR (filing <> 'filed' AND filed_at IS NULL)",
    "ck_projects_sent_back": "filing <> 'sent_back' OR sent_back_reasons <> ''",
}
TRADING_CHECKS = {
    "ck_tradings_outcome": "outcome IS NULL OR outcome IN ('drawn', 'failed')",
    "ck_tradings_pending": "outcome IS NOT NULL OR (winner_uscc IS NULL AND discount_rate IS NULL"
    " AND contract_price IS NULL AND failed_reason = '')",
    "ck_tradings_drawn": "outcome IS NULL OR outcome <> 'drawn' OR (winner_uscc IS NOT NULL"
    " AND discount_rate IS NOT NULL AND contract_price IS NOT NULL AND held_at IS NOT NULL)",
    "ck_tradings_failed": "outcome IS NULL OR outcome <> 'failed' OR (failed_reason <> ''"
    " AND held_at IS NOT NULL AND winner_uscc IS NULL AND contract_price IS NULL)",
}


def _refuse_violations(table: str, checks: dict[str, str]) -> None:
    """Rows breaking a check need a person's decision, not a guess: stop and name them."""
    bind = op.get_bind()
    broken = {
        name: [
            row[0]
            for row in bind.execute(sa.text(f"SELECT id FROM {table} WHERE NOT ({condition})"))
        ]
        for name, condition in checks.items()
    }
    broken = {name: ids for name, ids in broken.items() if ids}
    if broken:
        raise RuntimeError(
            f"{table} holds rows that break the new checks (check: ids): {broken}; "
            "resolve them before upgrading"
        )


def upgrade():
    _refuse_violations("projects", PROJECT_CHECKS)
    _refuse_violations("tradings", TRADING_CHECKS)
    with op.batch_alter_table("projects", schema=None) as batch_op:
        for name, condition in PROJECT_CHECKS.items():
            batch_op.create_check_constraint(op.f(name), condition)
    with op.batch_alter_table("tradings", schema=None) as batch_op:
        for name, condition in TRADING_CHECKS.items():
            batch_op.create_check_constraint(op.f(name), condition)


def downgrade():
    with op.batch_alter_table("tradings", schema=None) as batch_op:
        for name in reversed(TRADING_CHECKS):
            batch_op.drop_constraint(op.f(name), type_="check")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        for name in reversed(PROJECT_CHECKS):
            batch_op.drop_constraint(op.f(name), type_="check")
