"""an index of filing versions by filing and note, for the visited-sections lookup

Revision ID: b7d3e9f1c2a8
Revises: a5e2d9c4b7f1
Create Date: 2026-12-03 18:45:00

"""
from alembic import op


revision = 'b7d3e9f1c2a8'
down_revision = 'a5e2d9c4b7f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_filing_versions_filing_note', 'filing_versions', ['filing_id', 'note'], unique=False)


def downgrade():
    op.drop_index('ix_filing_versions_filing_note', table_name='filing_versions')
