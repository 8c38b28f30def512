"""Fast bulk inserts for the importers: many new rows of a model, and their history rows, in three queries.

``bulk_create_with_history`` (django-simple-history) builds a second model instance per row and prepares every value
through the ORM, twice: for a batch of 500 imported cases (about 35,000 rows) that Python work, not the database,
took most of the import's time. ``rows_create`` instead, on PostgreSQL:

1. takes the rows' ids from the table's sequence (one query), in ascending order, so that ids keep the list's order;
2. sends the rows with ``COPY`` (psycopg writes each row in C);
3. copies them into the history table inside the database (``INSERT … SELECT``, one query), with the history date,
   user and type ``+`` that ``bulk_create_with_history`` would write.

Like any bulk insert it sends no signals (``post_save``): the callers write what the receivers would (the search
text, the document's text extraction). Fields are prepared as a save would (``pre_save``: the ``created`` dates, a
file stored in its storage); generated columns are left to the database. On another database (SQLite in
development) it is ``bulk_create_with_history``.
"""

from __future__ import annotations

import json
import time
from functools import partial

from django.conf import settings
from django.db import connection
from django.db.models import FileField, JSONField
from django.utils import timezone
from psycopg.types.json import Jsonb
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model


def rows_create(objs: list, model, *, history=True) -> list:
    """Insert ``objs`` (new, unsaved instances of ``model``, foreign keys already set) and, with ``history``, their
    history rows. Sets each one's primary key; returns ``objs``."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return bulk_create_with_history(objs, model) if history else model.objects.bulk_create(objs)
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
        fields = [f for f in meta.concrete_fields if not getattr(f, "generated", False)]
        prepare = [_preparer(field) for field in fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        started = time.monotonic()
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:  # errors as Django's
            for obj in objs:
                copy.write_row([p(obj) for p in prepare])
                obj._state.adding, obj._state.db = False, connection.alias
        if connection.queries_logged:  # counted where queries are (CaptureQueriesContext, DEBUG)
            connection.queries_log.append(
                {"sql": f"{sql} -- {len(objs)} rows", "time": f"{time.monotonic() - started:.3f}"}
            )
        if history and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            _history_copy(cursor, model, objs, ids)
    return objs


def _preparer(field):
    """The value ``field`` of an instance is written with, as ``save`` prepares it."""
    if isinstance(field, JSONField):
        dumps = partial(json.dumps, cls=field.encoder)
        return lambda obj: None if (value := field.pre_save(obj, True)) is None else Jsonb(value, dumps=dumps)
    if isinstance(field, FileField):
        return lambda obj: field.pre_save(obj, True).name or ""  # pre_save stores a new file
    return partial(field.pre_save, add=True)


def _history_copy(cursor, model, objs, ids):
    manager = get_history_manager_for_model(model)
    history = manager.model
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in history.tracked_fields)
    user = history.get_default_history_user(objs[0])
    cursor.execute(
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_change_reason, "
        f"history_type, history_user_id) SELECT {columns}, %s, NULL, '+', %s FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.pk.column)} = ANY(%s) ORDER BY {quote(meta.pk.column)}",
        [timezone.now(), user.pk if user is not None else None, ids],
    )
