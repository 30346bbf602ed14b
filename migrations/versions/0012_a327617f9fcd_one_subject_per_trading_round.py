"""One subject per trading round: the notices of a round name it ("trading", its code).

A round's trading notice, its result or failure notice and the corrections after refusals were
filed under the project ("project", project code); they now name the round, like its draws and
its audit entries (contracts.rules.SUBJECT_TYPE). The subject of a notice is an internal index,
outside the published notice's frozen fields, so the published-notice guard allows the update.

Not changed, on purpose: the audit log (hash-chained, append-only: readers take both forms) and
the draws committed under "trading_project" (a drawn or abandoned draw never changes; the code
reads both types as a round's draws).

Revision ID: a327617f9fcd
Revises: b7e2c4d9a1f3
Create Date: 2026-12-03 11:52:11.772804

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "a327617f9fcd"
down_revision = "b7e2c4d9a1f3"
branch_labels = None
depends_on = None

# Each notice a round published, with the round's code: its notice, its result or failure, and
# the corrections after refusals.
_ROUND_NOTICES = """
    SELECT notice_id AS notice, code FROM tradings WHERE notice_id IS NOT NULL
    UNION ALL
    SELECT result_notice_id, code FROM tradings WHERE result_notice_id IS NOT NULL
    UNION ALL
    SELECT r.correction_notice_id, t.code
      FROM refusals r JOIN tradings t ON t.id = r.trading_id
     WHERE r.correction_notice_id IS NOT NULL
"""


def upgrade():
    op.execute(f"""
        UPDATE notices
           SET subject_type = 'trading',
               subject_id = (SELECT n.code FROM ({_ROUND_NOTICES}) n WHERE n.notice = notices.id)
         WHERE id IN (SELECT notice FROM ({_ROUND_NOTICES}) n)
    """)


def downgrade():
    op.execute(f"""
        UPDATE notices
           SET subject_type = 'project',
               subject_id = (SELECT p.code
                               FROM ({_ROUND_NOTICES}) n
                               JOIN tradings t ON t.code = n.code
                               JOIN projects p ON p.id = t.project_id
                              WHERE n.notice = notices.id)
         WHERE id IN (SELECT notice FROM ({_ROUND_NOTICES}) n)
    """)
