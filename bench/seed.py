"""Seed a benchmark database with N cases in minutes (PostgreSQL COPY), for ``bench/pages.py``.

    .venv/bin/python bench/seed.py --cases 1000000 --database-url postgres://postgres@127.0.0.1:5432/imr_bench_1m

The database is migrated and emptied first (it must be one the benchmark may wipe). What it holds: 200 reviewers
(user, specialties, California licence, board certification), one of them (ER-0001, user ``bench-reviewer``) holding
5,000 cases; the others share the assigned cases; statuses in the proportions of a working IMR organisation (mostly
issued, a few percent open); per case an injured worker, a claim, two parties (employer and claims administrator,
from a few thousand names, "Acme" among them) and one disputed item with a specialty. Each case's ``search_text`` is
written as ``cases.services.search`` writes it. A staff user ``bench-admin`` logs into the admin; both users' password
is ``bench-password``.

How: the small tables through the ORM; workers, claims, cases, parties and items through ``COPY`` with the tables'
secondary indexes dropped and rebuilt after the load (one sort per index instead of a million inserts into each) and
triggers off (the foreign keys hold by construction), then ``VACUUM ANALYZE`` so the planner and index-only scans see
the real table.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REVIEWERS = 200
BUSY_REVIEWER_CASES = 5_000
PASSWORD = "bench-password"
STAFF_USERNAME = "bench-admin"
REVIEWER_USERNAME = "bench-reviewer"
TODAY = datetime.date(2026, 12, 1)

# (status, share): most cases are long closed; a few percent are the open work of the queues.
STATUS_MIX = [
    ("issued", 0.70),
    ("ineligible", 0.07),
    ("withdrawn", 0.04),
    ("terminated", 0.03),
    ("signed", 0.02),
    ("in_review", 0.04),
    ("awaiting_records", 0.03),
    ("assigned", 0.01),
    ("received", 0.02),
    ("eligibility_review", 0.025),
    ("deferred", 0.005),
    ("appealed", 0.003),
    ("remanded", 0.002),
]
WITH_REVIEWER = {"issued", "signed", "in_review", "awaiting_records", "assigned", "appealed"}
SPECIALTIES = [
    "Orthopedic Surgery", "Physical Medicine & Rehabilitation", "Pain Medicine", "Psychiatry", "Neurology",
    "Internal Medicine", "Family Medicine", "Chiropractic", "Neurosurgery", "Anesthesiology", "Occupational Medicine",
    "Rheumatology", "Plastic Surgery", "Hand Surgery", "Podiatry", "Ophthalmology", "Otolaryngology", "Dermatology",
    "Cardiology", "Pulmonary Medicine",
]  # fmt: skip
FIRST_NAMES = [
    "Maria", "Jose", "Juan", "Ana", "Luis", "Carlos", "Rosa", "Miguel", "Patricia", "James", "John", "Robert",
    "Michael", "William", "David", "Richard", "Mary", "Linda", "Barbara", "Elizabeth", "Jennifer", "Susan", "Jessica",
    "Sarah", "Karen", "Nancy", "Daniel", "Thomas", "Joseph", "Charles", "Christopher", "Matthew", "Anthony", "Mark",
    "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle", "Dorothy", "Carol",
    "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Sharon", "Cynthia", "Kathleen", "Amy", "Angela",
    "Jorge", "Francisco", "Antonio", "Manuel", "Pedro", "Alejandro", "Ricardo", "Fernando", "Roberto", "Eduardo",
    "Guadalupe", "Veronica", "Leticia", "Alicia", "Teresa", "Carmen", "Yolanda", "Gloria", "Silvia", "Martha", "Wei",
    "Mei", "Hiroshi", "Yuki", "Nguyen", "Thanh", "Priya", "Raj", "Arjun", "Sunita", "Olga", "Ivan", "Fatima", "Omar",
]  # fmt: skip
LAST_NAMES = [
    "Gonzalez", "Rodriguez", "Hernandez", "Lopez", "Martinez", "Garcia", "Perez", "Sanchez", "Ramirez", "Torres",
    "Flores", "Rivera", "Gomez", "Diaz", "Reyes", "Morales", "Cruz", "Ortiz", "Gutierrez", "Chavez", "Ramos", "Ruiz",
    "Alvarez", "Mendoza", "Castillo", "Jimenez", "Moreno", "Romero", "Herrera", "Medina", "Aguilar", "Vargas",
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
    "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
    "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
    "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Nguyen", "Tran",
    "Le", "Pham", "Kim", "Park", "Chen", "Wang", "Li", "Zhang", "Liu", "Patel", "Shah", "Singh", "Khan", "Ali",
    "Okafor", "Okeke", "Mensah", "Ivanov", "Petrov", "Kowalski", "Nowak", "Schmidt", "Muller", "Rossi", "Russo",
]  # fmt: skip
COMPANY_WORDS = [
    "Acme", "Pacific", "Golden State", "Valley", "Coastal", "Sierra", "Bay Area", "Central", "Sunrise", "Redwood",
    "Harbor", "Summit", "Mission", "Orchard", "Desert", "Capitol", "Delta", "Evergreen", "Union", "Western",
]  # fmt: skip
COMPANY_KINDS = [
    "Stores", "Logistics", "Construction", "Farms", "Health", "Foods", "Manufacturing", "Transport", "Services",
    "Hospitality", "Staffing", "Builders", "Packing", "Dairy", "Warehousing", "Cleaning", "Security", "Motors",
]  # fmt: skip
INSURERS = [
    "State Compensation Insurance Fund", "Zenith Insurance Company", "Travelers", "Liberty Mutual",
    "Sedgwick Claims Management", "Gallagher Bassett", "Employers Compensation", "ICW Group", "AmTrust",
    "Republic Indemnity", "Berkshire Hathaway Homestate", "CorVel", "Hartford", "Chubb", "Tristar Risk Management",
]  # fmt: skip


def status_for(rng) -> str:
    roll, total = rng.random(), 0.0
    for status, share in STATUS_MIX:
        total += share
        if roll < total:
            return status
    return STATUS_MIX[0][0]


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()


def small_tables():
    """Users, specialties and reviewers through the ORM; returns (specialty ids, reviewer ids, reviewer specialties)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from reviewers.models import BoardCertification, License, Reviewer, Specialty

    User = get_user_model()
    password = make_password(PASSWORD)
    User.objects.create(
        username=STAFF_USERNAME, password=password, is_staff=True, is_superuser=True, first_name="Bench"
    )
    specialties = Specialty.objects.bulk_create([Specialty(name=name) for name in SPECIALTIES])
    users = User.objects.bulk_create(
        [
            User(username=REVIEWER_USERNAME if i == 1 else f"reviewer{i:04d}", password=password, first_name="Dr")
            for i in range(1, REVIEWERS + 1)
        ]
    )
    reviewers = Reviewer.objects.bulk_create(
        [
            Reviewer(user=user, reference=f"ER-{i:04d}", years_in_practice=5 + i % 30, capacity=40)
            for i, user in enumerate(users, start=1)
        ]
    )
    rng = random.Random(7)
    practised = {}
    links, licences, certifications = [], [], []
    through = Reviewer.specialties.through
    for reviewer in reviewers:
        chosen = rng.sample(specialties, 2)
        practised[reviewer.pk] = [s.pk for s in chosen]
        links += [through(reviewer_id=reviewer.pk, specialty_id=s.pk) for s in chosen]
        licences.append(License(reviewer=reviewer, state="California", number="A1", expires_on=TODAY.replace(2030)))
        certifications.append(BoardCertification(reviewer=reviewer, specialty=chosen[0]))
    through.objects.bulk_create(links)
    License.objects.bulk_create(licences)
    BoardCertification.objects.bulk_create(certifications)
    return [s.pk for s in specialties], [r.pk for r in reviewers], practised


def secondary_indexes(cursor, tables):
    """The CREATE INDEX statements of every index of ``tables`` that no constraint owns (dropped during the load)."""
    cursor.execute(
        """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN (
               SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s))""",
        [list(tables), list(tables)],
    )
    return cursor.fetchall()


def indexes_restore(cursor, indexes, tables, *, work_mem: str) -> None:
    """After a COPY load: triggers back on, the indexes ``secondary_indexes`` listed rebuilt, and each table's id
    sequence moved past its rows."""
    cursor.execute("SET session_replication_role = DEFAULT")
    cursor.execute(f"SET maintenance_work_mem = '{work_mem}'")
    for _, definition in indexes:
        cursor.execute(definition)
    for table in tables:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def rows(count, reviewer_ids, practised, specialty_ids, rng):
    """Yield (worker, claim, case, parties, item) rows as tab-separated COPY lines."""
    from cases.services.search import case_search_text, case_worker_sort

    employers = [f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} {n}" for n in range(3000)]
    employers += [f"{word} {kind}, Inc." for word in COMPANY_WORDS for kind in COMPANY_KINDS]
    busy, others = reviewer_ids[0], reviewer_ids[1:]
    busy_every = max(1, count // BUSY_REVIEWER_CASES)
    days = 3650
    start = TODAY - datetime.timedelta(days=days)
    for n in range(1, count + 1):
        status = status_for(rng)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if n % SEARCHED_NAME_EVERY == 0:
            first, last = SEARCHED_NAME
        claim_number = f"{rng.choice('ABCDEFGHJK')}{rng.randrange(10**9):09d}"
        received = start + datetime.timedelta(days=(n * days) // count)
        if status in {"in_review", "awaiting_records", "assigned", "received", "eligibility_review"}:
            received = TODAY - datetime.timedelta(days=rng.randrange(3, 60))
        reviewer = busy if n % busy_every == 0 else rng.choice(others) if status in WITH_REVIEWER else None
        if n % busy_every == 0 and status not in WITH_REVIEWER:
            status = "issued"
        assigned = received + datetime.timedelta(days=5) if reviewer else None
        records_due = decision_due = records_complete = started = None
        if assigned:
            records_due = f"{assigned + datetime.timedelta(days=15)} 23:59:59-08"
            started = f"{assigned} 17:00:00+00"
            if status not in {"assigned", "awaiting_records"}:
                records_complete = assigned + datetime.timedelta(days=rng.randrange(5, 20))
                decision_due = records_complete + datetime.timedelta(days=30)
        employer, insurer = rng.choice(employers), rng.choice(INSURERS)
        case_number = f"CM{received.year % 100:02d}-{n:07d}"
        search = case_search_text(
            case_number=case_number,
            claim_number=claim_number,
            first_name=first,
            last_name=last,
            party_names=[employer, insurer],
        )
        item_specialty = rng.choice(practised[reviewer]) if reviewer else rng.choice(specialty_ids)
        yield (
            f"{n}\t{first}\t{last}\t\\N\t{30 + n % 35}\tunknown\t\n",
            f"{n}\t{n}\t{claim_number}\t{received - datetime.timedelta(days=120)}\n",
            "\t".join(
                str(v) if v is not None else "\\N"
                for v in (
                    n,
                    case_number,
                    n,
                    "expedited" if n % 40 == 0 else "standard",
                    status,
                    "",
                    "",
                    "",
                    received,
                    f"{received} 18:00:00+00" if reviewer else None,
                    received - datetime.timedelta(days=20),
                    assigned,
                    "mail",
                    reviewer,
                    started,
                    records_due,
                    records_complete,
                    decision_due,
                    0,
                    "",
                    "",
                    1,
                    None,
                    "",
                    0,
                    f"{received} 16:00:00+00",
                    f"{received} 16:00:00+00",
                    search,
                    case_worker_sort(first_name=first, last_name=last),
                    UR_ORGANIZATIONS[n % len(UR_ORGANIZATIONS)],
                )
            )  # fmt: skip
            + "\n",
            f"{2 * n - 1}\t{n}\temployer\t{employer}\t\t\n{2 * n}\t{n}\tclaims_administrator\t{insurer}\t\t\n",
            f"{n}\t{n}\t0\tTreatment requested for case {n}\t{item_specialty}\t\t\tdenied\t\n",
        )


# The worker the page benchmark searches by full name: one case in SEARCHED_NAME_EVERY has them, so that the search
# fills a page at 10,000 cases as at a million (random names alone give none at 10,000: the ratio would compare an
# empty page with a full one).
SEARCHED_NAME = ("Maria", "Gonzalez")
SEARCHED_NAME_EVERY = 200
UR_ORGANIZATIONS = ("Golden State Utilization Review", "Pacific UR Services", "")  # some cases lack one

COPY_COLUMNS = {
    "cases_injuredworker": "id, first_name, last_name, date_of_birth, age, sex, address",
    "cases_claim": "id, worker_id, claim_number, date_of_injury",
    "cases_case": "id, case_number, claim_id, priority, status, status_reason, ineligibility_code, fee_tier, "
    "application_received, found_eligible_at, ur_decision_date, date_assigned, notice_channel, reviewer_id, "
    "review_started_at, records_due, records_complete, decision_due, extension_days, extension_reason, "
    "extension_approved_by, review_cycle, parent_id, clinical_summary, revision, created, updated, search_text, "
    "worker_sort, ur_organization",
    "cases_party": "id, case_id, role, name, address, email",
    "cases_disputeditem": 'id, case_id, "order", title, specialty_id, decision, rationale, ur_outcome, ur_modified_to',
}


def columns_missing(cursor, tables) -> list[str]:
    """Columns a COPY must fill (NOT NULL, no default, not generated) that ``COPY_COLUMNS`` leaves out: a migration
    added them since; say which instead of failing on the first row."""
    cursor.execute(
        """SELECT table_name, column_name FROM information_schema.columns WHERE table_name = ANY(%s)
           AND is_nullable = 'NO' AND column_default IS NULL AND is_generated = 'NEVER'""",
        [list(tables)],
    )
    listed = {table: {c.strip().strip('"') for c in COPY_COLUMNS[table].split(",")} for table in tables}
    return [f"{table}.{column}" for table, column in cursor.fetchall() if column not in listed[table]]


def seed(count: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    timings = {}
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    specialty_ids, reviewer_ids, practised = small_tables()
    tables = list(COPY_COLUMNS)
    raw = connection.connection  # psycopg 3: COPY through the driver
    with connection.cursor() as cursor:
        missing = columns_missing(cursor, tables)
        if missing:
            sys.exit(
                f"bench/seed.py: the COPY lines lack these columns (add them to COPY_COLUMNS): {', '.join(missing)}"
            )
        indexes = secondary_indexes(cursor, tables)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no FK triggers: the rows are consistent by design
    timings["setup"] = time.perf_counter() - began
    began = time.perf_counter()
    rng = random.Random(2026)
    with raw.cursor() as cursor:
        # One COPY at a time per connection: buffer each table's lines in chunks and flush them in turn.
        buffers = {table: [] for table in tables}
        chunk = 50_000

        def flush():
            for table in tables:
                if buffers[table]:
                    with cursor.copy(f"COPY {table} ({COPY_COLUMNS[table]}) FROM STDIN") as copy:
                        copy.write("".join(buffers[table]))
                    buffers[table].clear()

        for n, lines in enumerate(rows(count, reviewer_ids, practised, specialty_ids, rng), start=1):
            for table, line in zip(tables, lines, strict=True):
                buffers[table].append(line)
            if n % chunk == 0:
                flush()
        flush()
    timings["copy"] = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        indexes_restore(cursor, indexes, tables, work_mem="512MB")
    timings["indexes"] = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum analyze"] = time.perf_counter() - began
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        sys.exit("bench/seed.py needs a PostgreSQL database it may wipe: --database-url or BENCH_DATABASE_URL.")
    setup_django(args.database_url)
    started = time.perf_counter()
    timings = seed(args.cases)
    parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
    print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.0f} s ({parts})")


if __name__ == "__main__":
    main()
