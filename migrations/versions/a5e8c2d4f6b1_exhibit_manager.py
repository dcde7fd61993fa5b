"""the exhibit manager: each exhibit's letter (existing ones lettered per filing in upload
order), kind, description, page count and what it was uploaded as

Revision ID: a5e8c2d4f6b1
Revises: e7a1c3f5b902
Create Date: 2026-12-03 16:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a5e8c2d4f6b1'
down_revision = 'e7a1c3f5b902'
branch_labels = None
depends_on = None


def _letter(i):
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def upgrade():
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter', sa.String(length=8), server_default='', nullable=False))
        batch_op.add_column(sa.Column('kind', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pages', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='pdf', nullable=False))
    exhibits = sa.table('exhibits', sa.column('id', sa.Integer), sa.column('filing_id', sa.Integer),
                        sa.column('letter', sa.String))
    bind = op.get_bind()
    seen = {}
    for exhibit_id, filing_id in bind.execute(sa.select(exhibits.c.id, exhibits.c.filing_id).order_by(exhibits.c.id)):
        n = seen.get(filing_id, 0)
        seen[filing_id] = n + 1
        bind.execute(exhibits.update().where(exhibits.c.id == exhibit_id).values(letter=_letter(n)))


def downgrade():
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        for column in ('source', 'pages', 'description', 'kind', 'letter'):
            batch_op.drop_column(column)
