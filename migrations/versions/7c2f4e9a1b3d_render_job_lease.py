"""render job lease: claimed_until, renewed by the worker that renders the job

Revision ID: 7c2f4e9a1b3d
Revises: 0de899db233f
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c2f4e9a1b3d'
down_revision = '0de899db233f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('render_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
    # A pending job of the old scheme has no lease: the next sweep queues it again.


def downgrade():
    with op.batch_alter_table('render_jobs', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
