"""render job exhibits key: which exhibits a render included, so that it is reused

Revision ID: 42a57900064e
Revises: 342885cbe1b4
Create Date: 2026-12-03 12:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '42a57900064e'
down_revision = '342885cbe1b4'
branch_labels = None
depends_on = None


def upgrade():
    # Renders stored before keep an empty key: none of them is reused (their exhibits are not
    # known), and the retention rule (flask cone prune-renders) treats them as any other.
    with op.batch_alter_table('render_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exhibits_key', sa.String(length=64), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('render_jobs', schema=None) as batch_op:
        batch_op.drop_column('exhibits_key')
