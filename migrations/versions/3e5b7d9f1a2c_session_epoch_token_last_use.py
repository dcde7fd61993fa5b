"""session epoch of each user, last use of each API token

Revision ID: 3e5b7d9f1a2c
Revises: 42a57900064e
Create Date: 2026-12-03 12:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3e5b7d9f1a2c'
down_revision = '42a57900064e'
branch_labels = None
depends_on = None


def upgrade():
    # Sessions signed in before the upgrade held a password stamp, not an epoch: they end once.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
