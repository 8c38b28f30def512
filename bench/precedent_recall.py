"""Quality of citation suggestions: leave-one-letter-out recall@1 and recall@3 over the decided items held.

For every decided item with at least one guideline cited by its reviewer, the item's case is left out and the
suggestions are asked for with what the case offers before review: the item's title, the claims administrator's
citations, the body parts and diagnoses of its clinical summary. A hit at k: a guideline the reviewer really cited
is among the first k suggested. The baseline, in the same run: plain TF-IDF nearest neighbours over item titles
(cosine; the 25 nearest items of other cases vote for the guidelines they cited, weighted by similarity).

    .venv/bin/python bench/precedent_recall.py            # a fresh SQLite database: imports the letters it finds
    .venv/bin/python bench/precedent_recall.py --existing # the database of DATABASE_URL, as it is

Letters: the 14 of fixtures/letters (from their answer keys) and the seed case; with the `import_letters` command
available, the PDFs of fixtures/letters and fixtures/public-letters instead (156 letters).
"""

import argparse
import io
import math
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-precedent-recall.sqlite3"
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--existing", action="store_true", help="measure the database of DATABASE_URL as it is")
parser.add_argument("--misses", action="store_true", help="list the items our method misses at 3")
ARGS = parser.parse_args()
if not ARGS.existing:
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    SQLITE_FILE.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import CommandError, call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402

from cases.services.interchange import case_import  # noqa: E402
from precedents.models import PrecedentItem  # noqa: E402
from precedents.search import WORD_RE  # noqa: E402
from precedents.selectors import NEIGHBOURS, _guideline_key, precedent_suggestions  # noqa: E402
from precedents.vocabulary import clinical_terms  # noqa: E402
from tests.support import LETTERS_DIR, SHARED_DIR, expected_letters, seed_case  # noqa: E402
from tests.support.letters import expected_letter_as_case  # noqa: E402

PUBLIC_LETTERS = SHARED_DIR / "fixtures" / "public-letters"


def load_letters():
    call_command("migrate", verbosity=0)
    if "import_letters" in get_commands():
        for folder in (LETTERS_DIR, PUBLIC_LETTERS):
            try:
                call_command("import_letters", str(folder), verbosity=0, stdout=io.StringIO())
            except (CommandError, SystemExit) as exc:
                print(f"  import_letters {folder.name}: {exc}")  # refused letters; the rest are in
    else:
        for letter in expected_letters():
            case_import(document=expected_letter_as_case(letter))
        case_import(document=seed_case())


def imro_keys(row) -> set:
    return {_guideline_key(c) for c in row.citations if c["side"] == "imro"}


def tokens(text: str) -> list[str]:
    return [w.casefold() for w in WORD_RE.findall(text)]


class TitleTfidf:
    """The baseline: TF-IDF vectors of titles, cosine nearest neighbours."""

    def __init__(self, rows):
        self.rows = rows
        documents = [Counter(tokens(r.title)) for r in rows]
        df = Counter(word for doc in documents for word in doc)
        n = len(rows)
        self.idf = {word: math.log((1 + n) / (1 + count)) + 1 for word, count in df.items()}
        self.vectors = [self.vector(doc) for doc in documents]

    def vector(self, counts: Counter) -> dict:
        weights = {w: c * self.idf.get(w, 0.0) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {w: v / norm for w, v in weights.items()}

    def suggest(self, index: int) -> list:
        query = self.vectors[index]
        case_id = self.rows[index].case_id
        similar = sorted(
            (
                (sum(query.get(w, 0.0) * v for w, v in vector.items()), other)
                for other, vector in zip(self.rows, self.vectors, strict=True)
                if other.case_id != case_id
            ),
            key=lambda pair: -pair[0],
        )[:NEIGHBOURS]
        votes = Counter()
        for similarity, other in similar:
            for key in imro_keys(other):
                votes[key] += similarity
        return [key for key, _ in votes.most_common()]


def ours(row, summary: str) -> list:
    ca = [c for c in row.citations if c["side"] == "claims_administrator"]
    suggestions = precedent_suggestions(
        title=row.title,
        claims_administrator_citations=ca,
        context_terms=clinical_terms(summary),
        exclude_case_id=row.case_id,
    )
    return [
        _guideline_key({"source": s.source, "title": s.title, "guideline_id": s.guideline_id})
        for s in suggestions.citations
    ]


def main():
    if not ARGS.existing:
        load_letters()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the lexeme statistics the PostgreSQL suggestions weigh words by
            cursor.execute("ANALYZE precedents_precedentitem")
    rows = list(PrecedentItem.objects.select_related("determination").order_by("case_number", "position"))
    baseline = TitleTfidf(rows)
    hits = {"ours": Counter(), "baseline": Counter()}
    measured = 0
    for index, row in enumerate(rows):
        truth = imro_keys(row)
        if not truth:
            continue
        measured += 1
        summary = row.determination.snapshot.get("clinical_summary", "") if row.determination else ""
        for name, ranked in (("ours", ours(row, summary)), ("baseline", baseline.suggest(index))):
            for k in (1, 3):
                hits[name][k] += bool(truth & set(ranked[:k]))
            if name == "ours" and ARGS.misses and not truth & set(ranked[:3]):
                print(f"  miss: {row.case_number} {row.title[:60]!r}: cited {sorted(map(str, truth))}")
    cases = len({r.case_id for r in rows})
    print(f"corpus: {cases} decided cases, {len(rows)} decided items; measured: {measured} items with a citation")
    print(f"{'method':<44} {'recall@1':>9} {'recall@3':>9}")
    for name, label in (("baseline", "TF-IDF nearest neighbours over titles"), ("ours", "precedent suggestions")):
        r1, r3 = (hits[name][k] / measured if measured else 0.0 for k in (1, 3))
        print(f"{label:<44} {r1:>9.3f} {r3:>9.3f}")


if __name__ == "__main__":
    main()
