"""exhibits keep the hash of the file as uploaded when CONE_KEEP_ORIGINAL_EXHIBITS asks for it

Revision ID: e7a1c3f5b902
Revises: 9d4c2b6e8f10
Create Date: 2026-12-03 13:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e7a1c3f5b902'
down_revision = '9d4c2b6e8f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_sha256', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key('fk_exhibits_original_sha256', 'exhibit_files', ['original_sha256'], ['sha256'])


def downgrade():
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.drop_constraint('fk_exhibits_original_sha256', type_='foreignkey')
        batch_op.drop_column('original_sha256')
