"""english names: a pool category and an office carry an English name beside the Chinese one, shown
on the English site (app.i18n.named), and a review's fail reason an English label; empty means
the Chinese one serves both

The seeded categories and fail reasons (0003) and the demo's offices (app.demo.OFFICES, matched on code and name)
get theirs; an office made elsewhere keeps an empty one until its administrator writes it.

Revision ID: c3f8a1d6e947
Revises: e4a7c2d9b813
Create Date: 2026-12-04 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3f8a1d6e947"
down_revision = "e4a7c2d9b813"
branch_labels = None
depends_on = None

#: The categories seeded by 0003, by code.
CATEGORIES = {
    "JZ": "Building works",
    "ZS": "Building decoration works",
    "SZ": "Municipal works",
    "YL": "Landscaping works",
    "SL": "Water conservancy and hydropower works",
    "GL": "Highway works",
    "WF": "Unsafe building repair works",
    "JL": "Construction supervision",
}

#: The fail reasons seeded by 0003, by code.
FAIL_REASONS = {
    "category_mismatch": "Qualification category does not match",
    "grade_insufficient": "Qualification grade too low",
    "safety_licence": "Safety production licence expired or missing",
    "licence_mismatch": "Business licence details do not match",
    "incomplete": "Documents incomplete",
    "other": "Other",
}

#: The demo's offices (app.demo.OFFICES) and 0019's default district: (code, name) → English.
OFFICES = {
    (
        "jiangbei",
        "江北区公共资源交易管理办公室",
    ): "Jiangbei District Public Resource Trading Office",
    ("zhuangqiao", "庄桥街道"): "Zhuangqiao Subdistrict",
    ("hongtang", "洪塘街道"): "Hongtang Subdistrict",
    ("yongjiang", "甬江街道"): "Yongjiang Subdistrict",
    ("zhenhai", "镇海区公共资源交易管理办公室"): "Zhenhai District Public Resource Trading Office",
    ("luotuo", "骆驼街道"): "Luotuo Subdistrict",
    ("district", "区公共资源交易管理办公室"): "District Public Resource Trading Office",
}


def upgrade():
    for table in ("pool_categories", "offices"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("name_en", sa.String(length=100), nullable=False, server_default="")
            )
    categories = sa.table(
        "pool_categories", sa.column("code", sa.String), sa.column("name_en", sa.String)
    )
    for code, name_en in CATEGORIES.items():
        op.execute(categories.update().where(categories.c.code == code).values(name_en=name_en))
    with op.batch_alter_table("pool_fail_reasons") as batch:
        batch.add_column(
            sa.Column("label_en", sa.String(length=100), nullable=False, server_default="")
        )
    reasons = sa.table(
        "pool_fail_reasons", sa.column("code", sa.String), sa.column("label_en", sa.String)
    )
    for code, label_en in FAIL_REASONS.items():
        op.execute(reasons.update().where(reasons.c.code == code).values(label_en=label_en))
    offices = sa.table(
        "offices",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("name_en", sa.String),
    )
    for (code, name), name_en in OFFICES.items():
        op.execute(
            offices.update()
            .where(offices.c.code == code, offices.c.name == name)
            .values(name_en=name_en)
        )


def downgrade():
    with op.batch_alter_table("pool_fail_reasons") as batch:
        batch.drop_column("label_en")
    for table in ("offices", "pool_categories"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_en")
