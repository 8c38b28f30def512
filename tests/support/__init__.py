"""Helpers shared by tests (and useful to operators): the shared fixtures and converters."""

import json
from pathlib import Path

from django.conf import settings

# The read-only folder beside the repository (DESIGN.md, fixtures, the seed letter); CI checks it out there.
SHARED_DIR: Path = Path(settings.BASE_DIR).parent / "shared"
SEED_CASE_PATH = SHARED_DIR / "fixtures" / "seed-case.json"
LETTERS_DIR = SHARED_DIR / "fixtures" / "letters"


def seed_case() -> dict:
    return json.loads(SEED_CASE_PATH.read_text(encoding="utf-8"))


def expected_letters() -> list[dict]:
    return json.loads((LETTERS_DIR / "expected.json").read_text(encoding="utf-8"))["letters"]


def row_counts() -> dict[str, int]:
    """Rows of every model of our apps (their history tables included) and of users: "nothing changed" checks."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import connection

    models = [
        *apps.get_app_config("cases").get_models(),
        *apps.get_app_config("reviewers").get_models(),
        *apps.get_app_config("precedents").get_models(),
    ]
    models.append(get_user_model())
    # One query for every table (the fuzz test counts twice per document).
    counts = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return {model._meta.label: count for model, count in zip(models, cursor.fetchone(), strict=True)}
