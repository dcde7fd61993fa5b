"""filing summary and dates, archived drafts, calendar feed secrets, list indexes

The latest version's title, applicant, town, type, error count and fee on the filing row,
its timeline rows in filing_dates (filled for existing filings).

Revision ID: 342885cbe1b4
Revises: c4d9e2f1a7b6
Create Date: 2026-12-03 12:30:00

"""
import json

from alembic import op
import sqlalchemy as sa

from cone.documents.timeline import build_timeline
from cone.filing.parser import loads
from cone.rules.checklist import pack_for, run_checklist
from cone.web.filings.summary import date_rows, summary_of


revision = '342885cbe1b4'
down_revision = 'c4d9e2f1a7b6'
branch_labels = None
depends_on = None

SUMMARY = ('title', 'applicant', 'town', 'filing_type', 'state', 'error_count', 'fee_cents')


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def upgrade():
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('applicant', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('town', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('filing_type', sa.String(length=50), server_default='', nullable=False))
        batch_op.add_column(sa.Column('state', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('error_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('fee_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('docket_number', sa.String(length=50), server_default='', nullable=False))
        batch_op.add_column(sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_filings_org_archived_updated', ['organization_id', 'archived', 'updated_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_digest', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_users_calendar_digest', ['calendar_digest'])
    op.create_table(
        'filing_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filing_id', sa.Integer(), nullable=False),
        sa.Column('row', sa.String(length=60), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('citation', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['filing_id'], ['filings.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_filing_dates_filing_date', 'filing_dates', ['filing_id', 'date'], unique=False)
    op.create_index('ix_filing_dates_date', 'filing_dates', ['date'], unique=False)
    op.create_index('ix_audit_events_filing_id_id', 'audit_events', ['filing_id', 'id'], unique=False)
    op.create_index('ix_comments_filing_id_id', 'comments', ['filing_id', 'id'], unique=False)
    op.create_index('ix_render_jobs_filing_version_final', 'render_jobs', ['filing_id', 'version', 'final'], unique=False)
    _fill()


def _fill():
    """Every existing filing's summary and dates, from its latest version's stored results
    (computed here for a version saved before results were stored)."""
    bind = op.get_bind()
    filings = sa.table('filings', sa.column('id', sa.Integer), *(sa.column(c) for c in SUMMARY))
    dates = sa.table('filing_dates', *(sa.column(c) for c in ('filing_id', 'row', 'kind', 'date', 'label', 'note', 'citation')))
    latest = bind.execute(sa.text(
        'SELECT f.id, v.document, v.findings, v.timeline FROM filings f '
        'JOIN filing_versions v ON v.filing_id = f.id AND v.number = f.version')).all()
    for filing_id, document, findings, timeline in latest:
        findings, timeline = _json(findings), _json(timeline)
        if findings is None or timeline is None:
            filing = loads(document)
            pack = pack_for(filing)
            findings = [f.as_dict() for f in run_checklist(filing, pack)]
            timeline = build_timeline(filing, pack).as_dict()
        bind.execute(filings.update().where(filings.c.id == filing_id)
                     .values(**summary_of(json.loads(document), findings, timeline)))
        rows = date_rows(filing_id, timeline)
        if rows:
            bind.execute(dates.insert(), rows)


def downgrade():
    op.drop_index('ix_render_jobs_filing_version_final', table_name='render_jobs')
    op.drop_index('ix_comments_filing_id_id', table_name='comments')
    op.drop_index('ix_audit_events_filing_id_id', table_name='audit_events')
    op.drop_index('ix_filing_dates_date', table_name='filing_dates')
    op.drop_index('ix_filing_dates_filing_date', table_name='filing_dates')
    op.drop_table('filing_dates')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_calendar_digest', type_='unique')
        batch_op.drop_column('calendar_digest')
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_index('ix_filings_org_archived_updated')
        for column in ('archived', 'docket_number', 'fee_cents', 'error_count', 'state', 'filing_type', 'town',
                       'applicant', 'title'):
            batch_op.drop_column(column)
