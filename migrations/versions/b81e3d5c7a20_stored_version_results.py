"""stored version results: findings, notice and timeline of each filing version

Revision ID: b81e3d5c7a20
Revises: 7c2f4e9a1b3d
Create Date: 2026-12-03 10:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b81e3d5c7a20'
down_revision = '7c2f4e9a1b3d'
branch_labels = None
depends_on = None


def upgrade():
    # Versions saved before stay NULL here: the app computes their results on first use and
    # stores them (cone.web.results.stored), with the rules of the code that reads them.
    with op.batch_alter_table('filing_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('findings', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('notice', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('timeline', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('filing_versions', schema=None) as batch_op:
        batch_op.drop_column('timeline')
        batch_op.drop_column('notice')
        batch_op.drop_column('findings')
