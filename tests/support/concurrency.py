"""Races made deterministic on PostgreSQL: hold a row lock, let another request queue behind it, then act."""

import time

from django.db import connection


def wait_for_a_blocked_query(timeout=20):
    """Until another backend of this database waits for a lock (a request queued behind the caller's row lock)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction otherwise sees one frozen snapshot
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no other request ever waited for the lock")
