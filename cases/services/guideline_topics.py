"""The topics of the guideline library (issue 13, item 5), seeded from what the published letters cite:
``cases/fixtures/guideline_topics.csv`` (source, guideline title, topic name, sections, pages, aliases, and how
often the fixture letters cite it). Administrators edit them in the admin under each guideline."""

import csv
from pathlib import Path

from django.db import transaction

from ..models import Guideline, GuidelineTopic, normalize_title

TOPICS_CSV_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "guideline_topics.csv"
TOPIC_GUIDELINE_MISSING = "Row {row}: the library has no {source} guideline titled {title!r}."


class TopicLoadError(ValueError):
    pass


def guideline_topics_load(*, path: Path = TOPICS_CSV_PATH) -> int:
    """Add the topics of ``path`` that are missing (matched by guideline and name); returns how many were added.
    Existing topics are left as an administrator edited them. All or nothing."""
    created = 0
    with path.open(encoding="utf-8", newline="") as handle, transaction.atomic():
        for number, row in enumerate(csv.DictReader(handle), start=2):
            guideline = Guideline.objects.filter(
                source=row["source"], normalized_title=normalize_title(row["guideline"])
            ).first()
            if guideline is None:
                raise TopicLoadError(
                    TOPIC_GUIDELINE_MISSING.format(row=number, source=row["source"], title=row["guideline"])
                )
            _, was_created = GuidelineTopic.objects.get_or_create(
                guideline=guideline,
                name=row["name"],
                defaults={
                    "sections": row["sections"],
                    "pages": row["pages"],
                    "aliases": "\n".join(a.strip() for a in row["aliases"].split("|") if a.strip()),
                    "times_cited": int(row["times_cited"] or 0),
                },
            )
            created += was_created
    return created
