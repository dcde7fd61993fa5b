"""exhibits stored once by content hash, titled by their upload name, named .pdf, included by versions

Revision ID: 9d4c2b6e8f10
Revises: 3e5b7d9f1a2c
Create Date: 2026-12-03 12:40:00

"""
import hashlib
import re

from alembic import op
import sqlalchemy as sa


revision = '9d4c2b6e8f10'
down_revision = '3e5b7d9f1a2c'
branch_labels = None
depends_on = None

exhibits = sa.table('exhibits', sa.column('id', sa.Integer), sa.column('filing_id', sa.Integer),
                    sa.column('name', sa.String), sa.column('title', sa.String), sa.column('data', sa.LargeBinary),
                    sa.column('sha256', sa.String), sa.column('created_at', sa.DateTime))
files = sa.table('exhibit_files', sa.column('sha256', sa.String), sa.column('data', sa.LargeBinary),
                 sa.column('size', sa.Integer), sa.column('created_at', sa.DateTime))
versions = sa.table('filing_versions', sa.column('id', sa.Integer), sa.column('filing_id', sa.Integer),
                    sa.column('number', sa.Integer), sa.column('created_at', sa.DateTime))
filings = sa.table('filings', sa.column('id', sa.Integer), sa.column('version', sa.Integer))
included = sa.table('version_exhibits', sa.column('version_id', sa.Integer), sa.column('position', sa.Integer),
                    sa.column('exhibit_id', sa.Integer))


def _stored_name(title):
    """cone.web.exhibits.service.stored_name as of this revision (a migration keeps its own copy)."""
    stem = re.sub(r"[^\w.\- ]+", "_", title)
    stem = re.sub(r"\.[^.]*$", "", stem).strip(" .") or "exhibit"
    return stem[:196] + ".pdf"


def upgrade():
    op.create_table('exhibit_files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('version_exhibits',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('exhibit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exhibit_id'], ['exhibits.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['filing_versions.id'], ),
    sa.PrimaryKeyConstraint('version_id', 'position')
    )
    with op.batch_alter_table('version_exhibits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_exhibits_exhibit_id'), ['exhibit_id'], unique=False)
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))

    conn = op.get_bind()
    # Each exhibit's bytes move to exhibit_files (once per content), one row in memory at a time.
    for (exhibit_id,) in conn.execute(sa.select(exhibits.c.id).order_by(exhibits.c.id)).all():
        name, data, created = conn.execute(sa.select(exhibits.c.name, exhibits.c.data, exhibits.c.created_at)
                                           .where(exhibits.c.id == exhibit_id)).one()
        digest = hashlib.sha256(data).hexdigest()
        if conn.execute(sa.select(files.c.sha256).where(files.c.sha256 == digest)).first() is None:
            conn.execute(files.insert().values(sha256=digest, data=data, size=len(data), created_at=created))
        conn.execute(exhibits.update().where(exhibits.c.id == exhibit_id)
                     .values(title=name, name=_stored_name(name), sha256=digest))
    # Until now a render took the filing's exhibits at the time: each version includes those
    # uploaded before it was saved, and the latest version all of them, as its packet shows today.
    rows = conn.execute(sa.select(versions.c.id, versions.c.created_at, versions.c.number == filings.c.version,
                                  exhibits.c.id, exhibits.c.created_at)
                        .join(filings, filings.c.id == versions.c.filing_id)
                        .join(exhibits, exhibits.c.filing_id == versions.c.filing_id)
                        .order_by(versions.c.id, exhibits.c.id)).all()
    positions = {}
    for version_id, saved, latest, exhibit_id, uploaded in rows:
        if latest or uploaded <= saved:
            position = positions[version_id] = positions.get(version_id, -1) + 1
            conn.execute(included.insert().values(version_id=version_id, position=position, exhibit_id=exhibit_id))

    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_exhibits_sha256'), ['sha256'], unique=False)
        batch_op.create_foreign_key('fk_exhibits_sha256_exhibit_files', 'exhibit_files', ['sha256'], ['sha256'])
        batch_op.drop_column('data')


def downgrade():
    # Before this revision an exhibit belonged to its filing until removed: keep those the
    # latest versions include, with their bytes and upload names.
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    current = (sa.select(included.c.exhibit_id).join(versions, versions.c.id == included.c.version_id)
               .join(filings, sa.and_(filings.c.id == versions.c.filing_id, filings.c.version == versions.c.number)))
    keep = set(conn.execute(current).scalars())
    conn.execute(included.delete())
    for (exhibit_id,) in conn.execute(sa.select(exhibits.c.id)).all():
        if exhibit_id not in keep:
            conn.execute(exhibits.delete().where(exhibits.c.id == exhibit_id))
    for (exhibit_id,) in conn.execute(sa.select(exhibits.c.id)).all():
        title, data = conn.execute(sa.select(exhibits.c.title, files.c.data).join(files, files.c.sha256 == exhibits.c.sha256)
                                   .where(exhibits.c.id == exhibit_id)).one()
        conn.execute(exhibits.update().where(exhibits.c.id == exhibit_id).values(name=title, data=data))
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.drop_constraint('fk_exhibits_sha256_exhibit_files', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_exhibits_sha256'))
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('sha256')
        batch_op.drop_column('title')
    with op.batch_alter_table('version_exhibits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_exhibits_exhibit_id'))
    op.drop_table('version_exhibits')
    op.drop_table('exhibit_files')
