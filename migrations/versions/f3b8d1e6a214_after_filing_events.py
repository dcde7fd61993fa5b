"""after filing: the filed date, receipt and packet as filed; events; conditions; planned or actual dates

Revision ID: f3b8d1e6a214
Revises: a5e8c2d4f6b1
Create Date: 2026-12-03 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3b8d1e6a214'
down_revision = 'a5e8c2d4f6b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('receipt_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('filed_render_id', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key('fk_filings_receipt_sha256', 'exhibit_files', ['receipt_sha256'], ['sha256'])
        batch_op.create_foreign_key('fk_filings_filed_render_id', 'render_jobs', ['filed_render_id'], ['id'])
    with op.batch_alter_table('filing_dates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.String(length=10), server_default='planned', nullable=False))
    op.create_table(
        'filing_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filing_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('row', sa.String(length=60), server_default='', nullable=False),
        sa.Column('outcome', sa.String(length=40), server_default='', nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('document_sha256', sa.String(length=64), nullable=True),
        sa.Column('document_name', sa.String(length=200), server_default='', nullable=False),
        sa.Column('recorded_by', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['filing_id'], ['filings.id']),
        sa.ForeignKeyConstraint(['parent_id'], ['filing_events.id']),
        sa.ForeignKeyConstraint(['document_sha256'], ['exhibit_files.sha256']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_filing_events_filing_date', 'filing_events', ['filing_id', 'date'])
    op.create_table(
        'filing_conditions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filing_id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('first_due', sa.Date(), nullable=False),
        sa.Column('every_months', sa.Integer(), server_default='0', nullable=False),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('met_at', sa.DateTime(), nullable=True),
        sa.Column('met_by', sa.String(length=254), server_default='', nullable=False),
        sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
        sa.Column('evidence_name', sa.String(length=200), server_default='', nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['filing_id'], ['filings.id']),
        sa.ForeignKeyConstraint(['decision_id'], ['filing_events.id']),
        sa.ForeignKeyConstraint(['evidence_sha256'], ['exhibit_files.sha256']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_filing_conditions_filing_id', 'filing_conditions', ['filing_id'])


def downgrade():
    op.drop_index('ix_filing_conditions_filing_id', table_name='filing_conditions')
    op.drop_table('filing_conditions')
    op.drop_index('ix_filing_events_filing_date', table_name='filing_events')
    op.drop_table('filing_events')
    with op.batch_alter_table('filing_dates', schema=None) as batch_op:
        batch_op.drop_column('basis')
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_constraint('fk_filings_filed_render_id', type_='foreignkey')
        batch_op.drop_constraint('fk_filings_receipt_sha256', type_='foreignkey')
        batch_op.drop_column('filed_render_id')
        batch_op.drop_column('receipt_sha256')
        batch_op.drop_column('filed_on')
