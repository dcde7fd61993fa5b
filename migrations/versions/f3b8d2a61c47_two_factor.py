"""a TOTP second factor per user, hashed one-time recovery codes and each organization's requirement

Revision ID: f3b8d2a61c47
Revises: a3f8d1c6b207
Create Date: 2026-12-03 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3b8d2a61c47'
down_revision = 'a3f8d1c6b207'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('two_factors',
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('secret', sa.String(length=64), nullable=False),
                    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
                    sa.Column('last_step', sa.Integer(), nullable=False),
                    sa.Column('last_verified_at', sa.DateTime(), nullable=True),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id']),
                    sa.PrimaryKeyConstraint('user_id'))
    op.create_table('recovery_codes',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('digest', sa.String(length=64), nullable=False),
                    sa.Column('used_at', sa.DateTime(), nullable=True),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('digest'))
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)
    op.create_table('two_factor_policies',
                    sa.Column('organization_id', sa.Integer(), nullable=False),
                    sa.Column('require', sa.String(length=20), nullable=False),
                    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id']),
                    sa.PrimaryKeyConstraint('organization_id'))


def downgrade():
    op.drop_table('two_factor_policies')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    op.drop_table('two_factors')
