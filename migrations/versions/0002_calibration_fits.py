"""calibration fits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:20:13.489253
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calibration_fit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('labels', sa.Integer(), nullable=False),
    sa.Column('fitted_by', sa.Integer(), nullable=False),
    sa.Column('fitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['fitted_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('calibration_fit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_fit_question_id'), ['question_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('calibration_fit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_fit_question_id'))

    op.drop_table('calibration_fit')
