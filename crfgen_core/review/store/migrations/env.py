"""Alembic environment of the review store.

The database is the one the code uses (crfgen_core.review.store.database.review_db_url: the
CRFGEN_REVIEW_DB_URL / CRFGEN_REVIEW_PG_DB / CRFGEN_DATA_DIR environment) unless the configuration
names one (`sqlalchemy.url`, set when the code migrates an embedded SQLite store itself).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from crfgen_core.review.store.database import VERSION_TABLE, make_engine, review_db_url
from crfgen_core.review.store.models import Base

if context.config.config_file_name is not None:  # run by the `alembic` command: its ini's log levels
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

url = context.config.get_main_option("sqlalchemy.url") or review_db_url()
engine = make_engine(url)
try:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            transactional_ddl=True,  # both back ends: a failed migration leaves the previous schema
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        )
        with context.begin_transaction():
            context.run_migrations()
finally:
    engine.dispose()
