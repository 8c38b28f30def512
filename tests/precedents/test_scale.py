"""What keeps precedent search fast at a million items, and its promises: the title-word dictionary that corrects
misspellings (PostgreSQL) follows the index; "Similar decisions" are cached until the index changes; counts stop at
2,000 ("About 2,000+"); one statement reads, counts and ranks a search's candidates, through the GIN index for a
rare query and row by row for a common one, with the same answer; "Similar decisions" find titles holding every
word through the titles' own index; a search by filters alone reads an index; the benchmark seeder computes the
indexer's vectors."""

import datetime
import json
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Citation, Determination, Guideline, Status
from cases.services.determinations import case_snapshot, determination_create
from precedents.models import PrecedentItem
from precedents.search import COUNT_CAP, Filters, SimilarQuery, postgres
from precedents.search.postgres import TITLE_WORDS, WEIGHTS, PostgresSearchBackend
from precedents.selectors import item_suggestions, precedent_search
from precedents.services import index_document, precedent_index_rebuild
from tests.factories import CaseFactory, CitationFactory, DisputedItemFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import precedent_corpus  # noqa: E402


def dictionary() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {TITLE_WORDS}")
        return {word for (word,) in cursor.fetchall()}


def signed_case(case_number: str, title: str, *, decision="overturned", summary="Low back pain.") -> Case:
    """A case decided and signed here, its one item titled ``title`` (the index follows through the service)."""
    case = CaseFactory(
        case_number=case_number,
        status=Status.IN_REVIEW,
        date_assigned=datetime.date(2017, 1, 2),
        clinical_summary=summary,
    )
    item = DisputedItemFactory(case=case, title=title, order=0, decision=decision, rationale="Guidelines support it.")
    low_back = Guideline.objects.get(source="MTUS", title="Low Back Complaints 2004")
    CitationFactory(item=item, side=Citation.Side.IMRO, guideline=low_back, sections="Special Studies")
    snapshot = case_snapshot(
        case=case,
        reviewer_credentials={"specialties": ["Orthopedic Surgery"]},
        decision_date=datetime.date(2017, 1, 28),
        documents_reviewed=[],
    )
    determination_create(case=case, snapshot=snapshot, origin=Determination.Origin.SIGNED)
    return case


# --- The title-word dictionary (PostgreSQL) ------------------------------------------------------------------------


def test_imported_titles_fill_the_dictionary(require_postgres, letters):
    words = dictionary()
    assert {"acupuncture", "lumbar", "mri"} <= words
    assert not any(w.isdigit() for w in words)  # doses and counts are not corrected


def test_signing_adds_the_new_title_words_and_a_misspelling_finds_them(require_postgres, letters):
    assert precedent_search(query="kinesiotapping", filters=Filters()) == (0, [])
    signed_case("CM17-0888888", "Kinesiotaping of the lumbar spine")
    assert "kinesiotaping" in dictionary()
    count, rows = precedent_search(query="kinesiotapping", filters=Filters())
    assert count == 1 and rows[0].title == "Kinesiotaping of the lumbar spine"


def test_rebuild_refills_the_dictionary_from_the_titles_alone(require_postgres, letters):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TITLE_WORDS} WHERE word = 'acupuncture'")
        cursor.execute(f"INSERT INTO {TITLE_WORDS} (word) VALUES ('leftoverword')")
    precedent_index_rebuild()
    words = dictionary()
    assert "acupuncture" in words and "leftoverword" not in words


def test_a_word_without_a_close_title_word_keeps_the_query_empty(require_postgres, letters):
    assert PostgresSearchBackend.corrected("acupunture lumbar") == ["acupuncture", "lumbar"]
    assert PostgresSearchBackend.corrected("acupunture qwxzvk") == []


# --- "Similar decisions" cached until the index changes -----------------------------------------------------------


def _search_statements(queries) -> list[str]:
    """The full-text searches among ``queries`` (a tsquery match)."""
    return [q["sql"] for q in queries if "@@" in q["sql"]]


def test_similar_decisions_are_cached_until_the_index_changes(require_postgres, open_case):
    item = open_case.items.get()
    first = item_suggestions(item)
    with CaptureQueriesContext(connection) as again:
        second = item_suggestions(item)
    assert [p.pk for p in second.precedents] == [p.pk for p in first.precedents]
    assert _search_statements(again.captured_queries) == []  # read from the cache, not searched

    # A new decision on the same request, signed elsewhere: the next look includes it.
    newcomer = signed_case(
        "CM17-0777777", "MRI of the lumbar spine without contrast", summary="Lumbar radiculopathy, low back pain."
    )
    with CaptureQueriesContext(connection) as after:
        third = item_suggestions(item)
    assert _search_statements(after.captured_queries)
    assert newcomer.case_number in [p.case_number for p in third.shown]


def test_similar_decisions_skip_however_many_best_matches_the_excluded_case_holds(indexed):
    """SQLite reads the filters of the best matches only, in growing windows: 60 of the excluded case's items rank
    first, and the page is still the other case's 5 alike items, then the rest."""
    own, other = Case.objects.order_by("pk")[:2]
    rows = PrecedentItem.objects.bulk_create(
        PrecedentItem(
            case=case,
            position=100 + n,
            case_number=case.case_number,
            title="Hyperbaric oxygen therapy",
            decision="upheld",
            decision_date=datetime.date(2016, 5, 1),
            year=2016,
            origin="imported",
        )
        for case, count in ((own, 60), (other, 5))
        for n in range(count)
    )
    indexed.index([index_document(row, "") for row in rows])
    query = SimilarQuery(title="Hyperbaric oxygen therapy")
    page = indexed.similar(query=query, filters=Filters(exclude_case_id=own.pk), limit=10)
    found = PrecedentItem.objects.in_bulk([pk for pk, _ in page.hits])
    assert len(page.hits) > 5 and own.pk not in {found[pk].case_id for pk, _ in page.hits}
    alike = {row.pk for row in rows if row.case_id == other.pk}
    assert {pk for pk, _ in page.hits[:5]} == alike


# --- Counts capped at 2,000 ----------------------------------------------------------------------------------------


def _many_matches(engine, count):
    """``count`` decided items titled alike, indexed into ``engine``."""
    case = Case.objects.first()
    rows = PrecedentItem.objects.bulk_create(
        PrecedentItem(
            case=case,
            position=n,
            case_number=case.case_number,
            title=f"Hyperbaric oxygen therapy, session {n}",
            decision="upheld",
            decision_date=datetime.date(2016, 5, 1),
            year=2016,
            origin="imported",
        )
        for n in range(count)
    )
    engine.index([index_document(row, "") for row in rows])


def test_counts_stop_past_the_cap(indexed):
    _many_matches(indexed, COUNT_CAP + 5)
    count, rows = precedent_search(query="hyperbaric", filters=Filters(), backend=indexed)
    assert count == COUNT_CAP + 1 and len(rows) == 20
    assert precedent_search(query="hyperbaric", filters=Filters(), backend=indexed, offset=1990)[1]


def test_the_page_says_about_2000_and_pages_stop_there(require_postgres, clients, letters):
    _many_matches(PostgresSearchBackend(), COUNT_CAP + 5)
    page = clients["reviewer"].get("/precedents/?q=hyperbaric").content.decode()
    assert "About 2,000+ decided items match" in page
    assert "of 100</span>" in page
    exact = clients["reviewer"].get("/precedents/?q=acupuncture").content.decode()
    assert "About" not in exact
    filters_only = clients["reviewer"].get("/precedents/?year=2016").content.decode()
    assert "About 2,000+ decided items (" in filters_only


# --- One statement: candidates read once, counted and ranked (PostgreSQL) -------------------------------------------

MULTI_WORD = "lumbar spine"


def _ranked_by_hand(query: str) -> list[int]:
    """Every item matching ``query``, best ts_rank first, then newest: what the page ranks when the matches are
    fewer than the cap (computed here by PostgreSQL directly, without the engine)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM precedents_precedentitem, websearch_to_tsquery('english', %s) AS q "
            "WHERE search_vector @@ q ORDER BY ts_rank(%s::float4[], search_vector, q) DESC, decision_date DESC, id",
            [query, WEIGHTS],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _search_statement(queries) -> str:
    [statement] = [q["sql"] for q in queries if "WITH candidates" in q["sql"]]
    return statement


def _plan(sql: str) -> str:
    """The plan PostgreSQL would choose on a large table (no full reads where an index can serve)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        return json.dumps(cursor.fetchone()[0])


def test_a_multi_word_page_is_every_match_ranked_and_counted_in_one_statement(require_postgres, letters):
    expected = _ranked_by_hand(MULTI_WORD)
    assert len(expected) > 10  # pages of 5: each ranked after the one before
    with CaptureQueriesContext(connection) as queries:
        count, found = precedent_search(query=MULTI_WORD, filters=Filters(), limit=5)
    for offset in range(5, len(expected), 5):
        found += precedent_search(query=MULTI_WORD, filters=Filters(), offset=offset, limit=5)[1]
    assert count == len(expected)
    assert [row.pk for row in found] == expected
    # Rare here: through the GIN index, its matches bounded (LIMIT) before they are ranked.
    plan = _plan(_search_statement(queries.captured_queries))
    assert '"Index Name": "precedent_search_vector"' in plan
    assert '"Node Type": "Limit", "Parent Relationship": "InitPlan", "Subplan Name": "CTE candidates"' in plan
    assert f"LIMIT {COUNT_CAP + 1}" in _search_statement(queries.captured_queries)


def test_past_the_last_page_the_count_remains(require_postgres, letters):
    count, rows = precedent_search(query=MULTI_WORD, filters=Filters(), offset=COUNT_CAP)
    assert count == len(_ranked_by_hand(MULTI_WORD)) and rows == []


def test_a_common_query_is_checked_row_by_row_with_the_same_answer(require_postgres, letters, monkeypatch):
    """A query matching a large share of the items: the GIN index would collect every match before the first row,
    so the match is checked on the rows read (the planner cannot use the index for it); the page is the same."""
    filters = Filters(decision="upheld")
    through_index = precedent_search(query=MULTI_WORD, filters=filters)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE precedents_precedentitem")  # the statistics the estimate of a query's share reads
    monkeypatch.setattr(postgres, "ROW_COST", 0)  # reading a row costs nothing: every query counts as common
    with CaptureQueriesContext(connection) as queries:
        row_by_row = precedent_search(query=MULTI_WORD, filters=filters)
    assert row_by_row[0] == through_index[0] > 0
    assert [r.pk for r in row_by_row[1]] == [r.pk for r in through_index[1]]
    plan = _plan(_search_statement(queries.captured_queries))
    assert "precedent_search_vector" not in plan and "ts_match_vq" in plan


def test_which_queries_count_as_common(require_postgres):
    assert postgres._common_share(1_000_000) == pytest.approx(0.089, abs=0.001)  # "MRI" (62%) is common
    assert postgres._common_share(10_000_000) == pytest.approx(0.028, abs=0.001)
    assert postgres._common_share(1_000) > 1  # a small index: every query through the GIN index


def test_similar_decisions_find_whole_titles_through_the_title_index(require_postgres, open_case):
    item = open_case.items.get()
    with CaptureQueriesContext(connection) as queries:
        suggestions = item_suggestions(item)
    assert suggestions.precedents[0].title.casefold().startswith("mri")
    [statement] = [q["sql"] for q in queries.captured_queries if "to_tsvector" in q["sql"] and "@@" in q["sql"]]
    assert '"Index Name": "precedent_title_vector"' in _plan(statement)


def test_the_vectors_are_kept_in_their_rows(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'precedents_precedentitem'::regclass "
            "AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"  # MAIN: compressed if it helps, moved out of the row only if too big


# --- Searches by filters alone read an index -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters", [{"decision": "overturned", "year": 2016}, {"year": 2017}, {"origin": "signed", "year": 2017}]
)
def test_a_search_by_filters_alone_reads_an_index_in_order(require_postgres, letters, filters):
    from precedents.selectors import precedent_filtered

    rows = precedent_filtered(PrecedentItem.objects.all(), Filters(**filters)).order_by("-decision_date", "id")
    sql, params = rows[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        # A few rows here, where reading them all or sorting them costs nothing: ask for the plan a large table
        # gets, an index read in order, and check that one exists bounded by the filters.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = json.dumps(cursor.fetchone()[0])
    # An index bounded by the filters (an index condition, not a filter on every row read) and in the page's
    # order: the first page stops after 20 rows instead of sorting, or wading through, other years' items.
    assert '"Node Type": "Index Scan"' in plan and '"Index Cond"' in plan
    assert '"Sort Key"' not in plan
    # The capped count can be answered from such an index alone: it asks for no column outside it (a year is the
    # range of its dates, not the year column), so a million-item table's rows are not visited to count them.
    count_sql, _ = rows.order_by().values("id")[: COUNT_CAP + 1].query.sql_with_params()
    assert '"year"' not in count_sql.split(" WHERE ")[1]


# --- The benchmark seeder --------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_seeder_computes_the_indexers_vectors(require_postgres):
    precedent_corpus.seed(400)
    assert PrecedentItem.objects.count() == 400
    assert precedent_corpus.verify(sample=400) == []
    assert precedent_search(query="acupunture", filters=Filters())[0] >= 1  # the dictionary came with it

    # A vector the indexer would not have computed is reported.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE precedents_precedentitem SET search_vector = to_tsvector('english', 'nothing') WHERE id = 7"
        )
    assert [p.split(" ")[1] for p in precedent_corpus.verify(sample=400)] == ["7"]
