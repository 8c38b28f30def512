"""Seed a PostgreSQL benchmark database with N decided items in minutes (COPY), for ``bench/precedent_search.py``.

    .venv/bin/python bench/precedent_corpus.py --items 1000000 --database-url postgres://.../imr_bench_precedents
    .venv/bin/python bench/precedent_corpus.py --verify --database-url ...      # check a seeded database

The database is migrated and emptied first (it must be one the benchmark may wipe). What it holds: N/2 decided
cases (status issued), two items each, drawn from the public letters' vocabulary (``fixtures/public-letters`` and
``fixtures/letters``, parsed by the letter importer): item titles (their counts and doses varied, some given another
body part), both sides' citations, decisions, rationales, clinical summaries and reviewer specialties, decision
dates spread over 2014-2026. The precedent rows are built by the indexer's own code (``PrecedentItem`` fields,
``index_document``, categories, guideline ids, analytics counts); only the writing differs: ``COPY`` into a staging
table, then one ``INSERT ... SELECT`` per chunk computing the search vectors with the indexer's SQL expression, with
the secondary indexes dropped during the load and rebuilt after it. The title-word dictionary and the analytics counts
(``DecisionStat``) are written as the indexer writes them.

Seeded cases have no determination row (the precedent's ``determination`` is null, as after an import ``--replace``
left it); the clinical summary indexed is the case's. ``--verify`` samples seeded items and checks that their search
vectors equal what the real indexer (``PostgresSearchBackend.index``) computes for the same public content.
"""

import argparse
import datetime
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from seed import indexes_restore, secondary_indexes  # bench/seed.py: the same load steps for the cases

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LETTER_DIRS = [ROOT.parent / "shared" / "fixtures" / "public-letters", ROOT.parent / "shared" / "fixtures" / "letters"]
FIRST_YEAR, LAST_YEAR = 2014, 2026
CHUNK = 50_000  # items per COPY and INSERT ... SELECT
PARTS = [
    "lumbar spine", "cervical spine", "thoracic spine", "right knee", "left knee", "right shoulder", "left shoulder",
    "right wrist", "left wrist", "right hip", "left hip", "right ankle", "left ankle", "right elbow", "bilateral hands",
]  # fmt: skip
NUMBER = re.compile(r"\d+")

CASE_COLUMNS = (
    "id, case_number, claim_id, priority, status, status_reason, ineligibility_code, fee_tier, application_received, "
    "notice_channel, extension_days, extension_reason, extension_approved_by, review_cycle, clinical_summary, "
    "revision, created, updated, search_text, ur_organization, worker_sort"
)
ITEM_COLUMNS = [
    "id", "case_id", "position", "case_number", "title", "decision", "decision_date", "year", "origin", "specialties",
    "specialty_keys", "guideline_keys", "category_id", "citations", "rationale",
]  # fmt: skip
STAGING = "bench_precedent_staging"  # the items of a chunk, each document field as a key of TEXTS
TEXTS = "bench_precedent_texts"  # key, weight, text, vector (the field's weighted tsvector, as the indexer's)


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def corpus() -> dict:
    """The public letters' vocabulary: their items (title, decision, both sides' citations, rationale), clinical
    summaries and reviewer specialties, and the guideline library they cite."""
    from cases.models import Guideline
    from letterimport.parser import LetterRefused
    from letterimport.selectors import guideline_library
    from letterimport.services import letter_parse

    library_csv = ROOT / "cases" / "fixtures" / "guidelines.csv"
    import csv

    with library_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Guideline.objects.get_or_create(source=row["source"], title=row["title"])
    library = guideline_library()
    items, summaries, specialties = [], [], []
    for folder in LETTER_DIRS:
        for path in sorted(folder.glob("*.pdf")):
            try:
                document = letter_parse(path, path.read_bytes(), library=library).document
            except LetterRefused:
                continue
            summaries.append(document.get("clinical_summary") or "")
            reviewer = (document.get("determination") or {}).get("reviewer") or {}
            specialties.append(list(reviewer.get("specialties") or []))
            for item in document.get("disputed_items", []):
                if item.get("decision") in ("upheld", "overturned"):
                    items.append(item)
    if not items:
        sys.exit(f"No letters to draw from in {', '.join(map(str, LETTER_DIRS))}.")
    return {"items": items, "summaries": [s for s in summaries if s], "specialties": [s for s in specialties if s]}


def varied_title(title: str, rng: random.Random) -> str:
    """A corpus title, its counts and doses varied half the time, another body part added to a few."""
    if rng.random() < 0.5:
        title = NUMBER.sub(lambda m: str(max(1, int(m.group(0)) * rng.choice((1, 2, 3)) // rng.choice((1, 2)))), title)
    if rng.random() < 0.15:
        title = f"{title}, {rng.choice(PARTS)}"
    return title


def generate(count: int, source: dict, rng: random.Random):
    """Yield (case line, summary, items) per case: two ``PrecedentItem`` rows (unsaved, ids set) per case, built as
    ``precedents.services`` builds them."""
    from cases.models import Determination
    from cases.services.search import case_worker_sort
    from precedents.models import PrecedentItem
    from precedents.services import _Categoriser, _GuidelineIds, _keys

    worker_sort = case_worker_sort(first_name="", last_name="")  # the seeded workers are nameless

    categorise = _Categoriser()
    guideline_ids = _GuidelineIds([{"items": source["items"]}])
    days = (datetime.date(LAST_YEAR, 12, 31) - datetime.date(FIRST_YEAR, 1, 1)).days
    cases = (count + 1) // 2
    item_id = 0
    for n in range(1, cases + 1):
        decided = datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(days=(n * days) // cases)
        case_number = f"CM{decided.year % 100:02d}-{n:07d}"
        summary = rng.choice(source["summaries"])
        specialties = rng.choice(source["specialties"])
        received = decided - datetime.timedelta(days=40)
        stamp = f"{decided} 18:00:00+00"
        case_line = (
            f"{n}\t{case_number}\t{n}\tstandard\tissued\t\t\t\t{received}\tmail\t0\t\t\t1\t"
            f"{_copy_text(summary)}\t0\t{stamp}\t{stamp}\t{case_number.lower()}\t\t{worker_sort}\n"
        )
        rows = []
        for position in range(2 if item_id + 2 <= count else 1):
            item = rng.choice(source["items"])
            item_id += 1
            title = varied_title(item["title"], rng)
            decision = item["decision"] if rng.random() < 0.8 else rng.choice(("upheld", "overturned"))
            citations = [
                {**c, "side": side, "guideline_id": guideline_ids(c)}
                for side, key in (("claims_administrator", "claims_administrator_citations"), ("imro", "citations"))
                for c in item.get(key, [])
            ]
            category = categorise(title)
            rows.append(
                PrecedentItem(
                    id=item_id,
                    case_id=n,
                    position=position,
                    case_number=case_number,
                    title=title,
                    decision=decision,
                    decision_date=decided,
                    year=decided.year,
                    origin=Determination.Origin.IMPORTED,
                    specialties=specialties,
                    specialty_keys=_keys(specialties),
                    guideline_keys=_keys(c["guideline_id"] for c in citations),
                    category=category,
                    citations=citations,
                    rationale=item.get("rationale") or "",
                )
            )
        yield case_line, summary, rows


def _copy_text(value) -> str:
    """A value as COPY's text format writes it."""
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _Texts:
    """Each distinct text of a document field gets a key; its vector is computed once in the database (the corpus
    repeats its summaries, guidelines and rationales across a million items)."""

    def __init__(self):
        self.keys: dict[tuple[str, str], int] = {}
        self.new: list[str] = []

    def key(self, weight: str, text: str) -> int:
        found = self.keys.get((weight, text))
        if found is None:
            found = self.keys[(weight, text)] = len(self.keys) + 1
            self.new.append(f"{found}\t{weight}\t{_copy_text(text)}\n")
        return found


def _item_line(row, summary: str, texts: _Texts) -> str:
    from precedents.search.postgres import DOCUMENT_WEIGHTS
    from precedents.services import index_document

    document = index_document(row, summary)
    values = [getattr(row, c) for c in ITEM_COLUMNS]
    values[ITEM_COLUMNS.index("specialties")] = json.dumps(row.specialties)
    values[ITEM_COLUMNS.index("citations")] = json.dumps(row.citations)
    values += [texts.key(weight, getattr(document, name)) for name, weight in DOCUMENT_WEIGHTS]
    return "\t".join(_copy_text(v) for v in values) + "\n"


def seed(count: int) -> dict:
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from precedents.categories import categories_seed
    from precedents.models import PrecedentItem
    from precedents.search.postgres import DOCUMENT_WEIGHTS, field_vector, title_words, title_words_add
    from precedents.services import _category_names, _contributions, decision_stats_write, index_version_bump

    timings = {}
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    categories_seed(apps)  # the flush emptied the table its migration filled
    source = corpus()
    names = _category_names()
    tables = ["cases_injuredworker", "cases_claim", "cases_case", PrecedentItem._meta.db_table]
    with connection.cursor() as cursor:
        indexes = secondary_indexes(cursor, tables)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no FK triggers: the rows are consistent by design
        fields = [name for name, _ in DOCUMENT_WEIGHTS]
        types = ["bigint", "bigint", "smallint", "text", "text", "text", "date", "smallint", "text", "jsonb", "text"]
        types += ["text", "bigint", "jsonb", "text"]
        columns = [f"{c} {t}" for c, t in zip(ITEM_COLUMNS, types, strict=True)] + [f"{f}_key bigint" for f in fields]
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}, {TEXTS}")
        cursor.execute(f"CREATE UNLOGGED TABLE {STAGING} ({', '.join(columns)})")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {TEXTS} (key bigint PRIMARY KEY, weight text, text text, vector tsvector)"
        )
    timings["setup"] = time.perf_counter() - began
    began = time.perf_counter()
    rng = random.Random(2026)
    counts, words = Counter(), set()
    texts = _Texts()
    # Each new text's vector, by weight (the indexer's expression for that field), then the chunk's items with the
    # concatenation of their fields' vectors in the indexer's order.
    vectors = [
        f"UPDATE {TEXTS} SET vector = {field_vector('text', weight)} WHERE vector IS NULL AND weight = '{weight}'"
        for _, weight in DOCUMENT_WEIGHTS
    ]
    joins = " ".join(f"JOIN {TEXTS} AS t_{f} ON t_{f}.key = s.{f}_key" for f, _ in DOCUMENT_WEIGHTS)
    insert = (
        f"INSERT INTO {PrecedentItem._meta.db_table} ({', '.join(ITEM_COLUMNS)}, search_vector) "
        f"SELECT {', '.join('s.' + c for c in ITEM_COLUMNS)}, "
        + " || ".join(f"t_{f}.vector" for f, _ in DOCUMENT_WEIGHTS)
        + f" FROM {STAGING} AS s {joins}"
    )
    raw = connection.connection  # psycopg 3: COPY through the driver
    buffers = {"workers": [], "claims": [], "cases": [], "items": []}

    def flush():
        with raw.cursor() as cursor:
            for table, key, columns in (
                ("cases_injuredworker", "workers", "id, first_name, last_name, age, sex, address"),
                ("cases_claim", "claims", "id, worker_id, claim_number, date_of_injury"),
                ("cases_case", "cases", CASE_COLUMNS),
                (STAGING, "items", ", ".join(ITEM_COLUMNS + [f"{f}_key" for f, _ in DOCUMENT_WEIGHTS])),
            ):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write("".join(buffers[key]))
                buffers[key].clear()
            with cursor.copy(f"COPY {TEXTS} (key, weight, text) FROM STDIN") as copy:
                copy.write("".join(texts.new))
            texts.new.clear()
            for statement in vectors:
                cursor.execute(statement)
            cursor.execute(insert)
            cursor.execute(f"TRUNCATE {STAGING}")

    seeded = 0
    try:
        for n, (case_line, summary, rows) in enumerate(generate(count, source, rng), start=1):
            buffers["workers"].append(f"{n}\t\t\t45\tunknown\t\n")
            buffers["claims"].append(f"{n}\t{n}\t\t{FIRST_YEAR - 1}-06-01\n")
            buffers["cases"].append(case_line)
            for row in rows:
                buffers["items"].append(_item_line(row, summary, texts))
                words.update(title_words([row.title]))
            counts.update(_contributions(rows, names))
            seeded += len(rows)
            if len(buffers["items"]) >= CHUNK:
                flush()
                print(f"  {seeded:,} items", flush=True)
        if buffers["items"]:
            flush()
        timings["copy and vectors"] = time.perf_counter() - began
    finally:  # the indexes come back even when the load fails
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {STAGING}, {TEXTS}")
            indexes_restore(cursor, indexes, tables, work_mem="1GB")
    timings["indexes"] = time.perf_counter() - began
    began = time.perf_counter()
    title_words_add(sorted(words))
    decision_stats_write(counts)
    index_version_bump()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["dictionary, counts, vacuum analyze"] = time.perf_counter() - began
    timings["title words"] = len(words)
    return timings


def verify(sample: int = 200) -> list[str]:
    """Problems found in ``sample`` seeded items: a search vector other than the indexer's for the same content."""
    from django.db import connection, transaction

    from cases.models import Case
    from precedents.models import PrecedentItem
    from precedents.search.postgres import PostgresSearchBackend
    from precedents.services import index_document

    ids = list(PrecedentItem.objects.order_by("?").values_list("id", flat=True)[:sample])
    problems = []
    backend = PostgresSearchBackend()
    for row in PrecedentItem.objects.filter(id__in=ids):
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM precedents_precedentitem WHERE id = %s", [row.pk])
            seeded = cursor.fetchone()[0]
            summary = Case.objects.filter(pk=row.case_id).values_list("clinical_summary", flat=True).get()
            with transaction.atomic():
                backend.index([index_document(row, summary)])  # the real indexer, undone below
                cursor.execute("SELECT search_vector::text FROM precedents_precedentitem WHERE id = %s", [row.pk])
                indexed = cursor.fetchone()[0]
                transaction.set_rollback(True)
        if seeded != indexed:
            problems.append(f"item {row.pk} ({row.title!r}): the seeded search vector differs from the indexer's")
    if not ids:
        problems.append("no precedent items to verify")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--verify", action="store_true", help="only check a seeded database (sample of 200 items)")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        sys.exit(
            "bench/precedent_corpus.py needs a PostgreSQL database it may wipe: --database-url or BENCH_DATABASE_URL."
        )
    setup_django(args.database_url)
    if args.verify:
        problems = verify()
        print("\n".join(problems) or "verified: the sampled search vectors equal the indexer's")
        sys.exit(1 if problems else 0)
    started = time.perf_counter()
    timings = seed(args.items)
    words = timings.pop("title words")
    parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
    print(
        f"seeded {args.items:,} decided items in {time.perf_counter() - started:.0f} s ({parts}); {words:,} title words"
    )


if __name__ == "__main__":
    main()
