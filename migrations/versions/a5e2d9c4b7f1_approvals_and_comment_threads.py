"""approvals with the reviewer's attestation; comments in threads, open or resolved, and change-request items

Revision ID: a5e2d9c4b7f1
Revises: f3b8d2a61c47
Create Date: 2026-12-03 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a5e2d9c4b7f1'
down_revision = 'f3b8d2a61c47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'approvals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filing_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_name', sa.String(length=200), nullable=False),
        sa.Column('reviewer_email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=50), nullable=False),
        sa.Column('approved_at', sa.DateTime(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.Column('withdrawn_reason', sa.String(length=300), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['filing_id'], ['filings.id']),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_approvals_filing_id_id', 'approvals', ['filing_id', 'id'], unique=False)
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('requested', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key('fk_comments_parent_id', 'comments', ['parent_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))
        batch_op.drop_constraint('fk_comments_parent_id', type_='foreignkey')
        batch_op.drop_column('requested')
        batch_op.drop_column('resolved_by')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('parent_id')
    op.drop_index('ix_approvals_filing_id_id', table_name='approvals')
    op.drop_table('approvals')
