"""Database faults injected with a PostgreSQL trigger: the database itself refuses a write, as a constraint, a
concurrent writer or a failing disk would, so the code under test meets a real error (no mock of our code paths).
DDL is transactional: a trigger created inside a test's transaction goes with it."""

from django.db import connection


def refusing_trigger_install(
    name: str, *, table: str, event="BEFORE INSERT", when="", condition="true", message="injected failure", errcode=""
):
    """Trigger (and function) ``name`` on ``table``: for each row of ``event`` (and ``WHEN (when)``, if given) for
    which the PL/pgSQL ``condition`` on ``NEW`` holds, raise ``message``, with SQLSTATE ``errcode`` if given."""
    using = f" USING ERRCODE = '{errcode}'" if errcode else ""
    when_clause = f" WHEN ({when})" if when else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION '{message}'{using}; END IF; RETURN NEW; END $$"
        )
        cursor.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when_clause} EXECUTE FUNCTION {name}()")


def refusing_trigger_remove(name: str, *, table: str):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name} ON {table}")
        cursor.execute(f"DROP FUNCTION {name}()")
