"""audiences as a list

Revision ID: 8154418beff9
Revises: 9938d48392a5
Create Date: 2026-12-01 14:23:06.589242

Audiences were free text on each event, so the statistics split on spelling ("Barnbibliotekarier",
"barnbibliotekarier "). Every audience events have becomes one entry of a list, spellings that
differ only in case or spacing becoming one (named as most events spell it); events and the
pre-counted statistics point at it by id (0 for a one-off in free text, kept as text).
Downgrading writes the names back as text.
"""
from collections import Counter, defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8154418beff9'
down_revision = '9938d48392a5'
branch_labels = None
depends_on = None

#: The pre-counted tables by month: their primary keys and their counts.
MONTHLY = {
    "monthly_events": (("month", "focus_area_id", "audience_id", "audience"), ("events", "sessions")),
    "monthly_participation": (
        ("month", "library_id", "focus_area_id", "audience_id", "audience"),
        ("seated", "came", "no_shows"),
    ),
}


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def upgrade():
    op.create_table('audience',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audience')),
    sa.UniqueConstraint('name', name=op.f('uq_audience_name'))
    )
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('audience_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_audience_id'), ['audience_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_audience_id_audience'), 'audience', ['audience_id'], ['id'])
    for table in ("counted_event", *MONTHLY):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('audience_id', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('counted_event', schema=None) as batch_op:
        batch_op.alter_column('audience_id', server_default=None)
    for table, (key, _) in MONTHLY.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'pk_{table}'), type_='primary')
            batch_op.alter_column('audience_id', server_default=None)
            batch_op.create_primary_key(op.f(f'pk_{table}'), list(key))

    bind = op.get_bind()
    spellings = Counter(
        dict(bind.execute(sa.text("SELECT audience, count(*) FROM event WHERE audience <> '' GROUP BY audience")).all())
    )
    groups = defaultdict(list)
    for spelling in spellings:
        groups[_key(spelling)].append(spelling)
    listed = {}  # spelling → audience id
    for variants in groups.values():
        name = " ".join(max(variants, key=lambda v: (spellings[v], -variants.index(v))).split())
        audience_id = bind.execute(
            sa.text("INSERT INTO audience (name, name_en, retired) VALUES (:name, '', :retired) RETURNING id"),
            {"name": name, "retired": False},
        ).scalar_one()
        listed.update(dict.fromkeys(variants, audience_id))
    for spelling, audience_id in listed.items():
        for table in ("event", "counted_event"):
            bind.execute(
                sa.text(f"UPDATE {table} SET audience_id = :id, audience = '' WHERE audience = :spelling"),
                {"id": audience_id, "spelling": spelling},
            )
    _rekey_monthly(bind, lambda row: (listed[row.audience], "") if row.audience in listed else (0, row.audience))


def _rekey_monthly(bind, audience_of) -> None:
    """Give every monthly row the (audience id, text) ``audience_of`` says, adding up rows
    that come to share a key."""
    for table, (key, counts) in MONTHLY.items():
        totals = defaultdict(lambda: [0] * len(counts))
        for row in bind.execute(sa.text(f"SELECT * FROM {table}")).all():
            values = {**row._mapping}
            values["audience_id"], values["audience"] = audience_of(row)
            total = totals[tuple(values[column] for column in key)]
            for i, column in enumerate(counts):
                total[i] += values[column]
        bind.execute(sa.text(f"DELETE FROM {table}"))
        if totals:
            columns = [*key, *counts]
            bind.execute(
                sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"),
                [dict(zip(columns, (*k, *v))) for k, v in totals.items()],
            )


def downgrade():
    bind = op.get_bind()
    names = dict(bind.execute(sa.text("SELECT id, name FROM audience")).all())
    for audience_id, name in names.items():
        for table in ("event", "counted_event"):
            bind.execute(
                sa.text(f"UPDATE {table} SET audience = :name WHERE audience_id = :id"),
                {"name": name, "id": audience_id},
            )
    _rekey_monthly(bind, lambda row: (0, names.get(row.audience_id, row.audience)))

    for table, (key, _) in MONTHLY.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'pk_{table}'), type_='primary')
            batch_op.drop_column('audience_id')
            batch_op.create_primary_key(op.f(f'pk_{table}'), [c for c in key if c != 'audience_id'])
    with op.batch_alter_table('counted_event', schema=None) as batch_op:
        batch_op.drop_column('audience_id')
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_audience_id_audience'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_audience_id'))
        batch_op.drop_column('audience_id')
    op.drop_table('audience')
