"""The same behaviour on both engines (PostgreSQL full text + trigram, SQLite FTS5 + trigram): what a person types
on /precedents/, the filters, misspellings, and the OR query a case's item is compared by."""

import pytest

from cases.models import Case, Guideline
from precedents.models import PrecedentItem
from precedents.search import Filters, SimilarQuery, websearch_terms
from precedents.search.sqlite import fts_query
from precedents.selectors import precedent_search
from precedents.services import precedent_index_case


def titles(count_and_rows):
    return [row.title for row in count_and_rows[1]]


def search(engine, query, **filters):
    return precedent_search(query=query, filters=Filters(**filters), backend=engine, limit=50)


def test_words_must_all_match_and_titles_rank_first(indexed):
    count, rows = search(indexed, "MRI lumbar")
    assert count >= 2

    # Items with both words in the title come before items that mention neither in theirs (summary, rationale).
    def words_in_title(row):
        return sum(word in row.title.lower() for word in ("mri", "lumbar"))

    ranks = [words_in_title(r) for r in rows]
    assert ranks.count(2) == 2
    assert max(i for i, r in enumerate(ranks) if r == 2) < min(i for i, r in enumerate(ranks) if r == 0)
    assert all(r.score is not None for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)


def test_stemming_matches_other_forms(indexed):
    assert "Acupuncture therapy sessions lumbar spine #6" in titles(search(indexed, "acupuncture session"))


def test_phrase_exclusion_and_or(indexed):
    phrase = titles(search(indexed, '"lumbar spine"'))
    assert "MRI of the lumbar spine" in phrase
    without_mri = titles(search(indexed, "lumbar -mri"))
    assert without_mri and not any("MRI" in t for t in without_mri)
    either = titles(search(indexed, "norco or acupuncture"))
    assert any("Norco" in t for t in either) and any("Acupuncture" in t for t in either)


def test_misspelt_words_fall_back_to_title_similarity(indexed):
    count, rows = search(indexed, "acupunture")
    assert count >= 1
    assert rows[0].title.startswith("Acupuncture")


def test_nonsense_finds_nothing(indexed):
    assert search(indexed, "qwxzv") == (0, [])


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"decision": "overturned"}, lambda r: r.decision == "overturned"),
        ({"decision": "upheld"}, lambda r: r.decision == "upheld"),
        ({"specialty": "Family Practice"}, lambda r: "Family Practice" in r.specialties),
    ],
)
def test_filters(indexed, filters, check):
    count, rows = search(indexed, "spine", **filters)
    unfiltered, _ = search(indexed, "spine")
    assert rows and all(check(r) for r in rows)
    assert count < unfiltered


def test_year_filter(indexed):
    # "pain" is in items of 2017 and in the 2014 seed case's psychotherapy item.
    in_2014 = search(indexed, "pain", year=2014)
    in_2017 = search(indexed, "pain", year=2017)
    assert titles(in_2014) == [
        "On-going supportive psychotherapy, CBT for pain and DBT for distress tolerance (unspec. freq/duration)"
    ]
    assert in_2017[0] and all(r.year == 2017 for r in in_2017[1])
    assert in_2014[0] + in_2017[0] == search(indexed, "pain")[0]


def test_origin_filter(indexed):
    imported, _ = search(indexed, "spine", origin="imported")
    assert imported == search(indexed, "spine")[0]
    assert search(indexed, "spine", origin="signed") == (0, [])


def test_guideline_filter(indexed):
    low_back = Guideline.objects.get(source="MTUS", title="Low Back Complaints 2004")
    count, rows = search(indexed, "spine", guideline_id=low_back.pk)
    assert count and all(any(c["title"] == low_back.title for c in r.citations) for r in rows)


def test_excluded_case_never_in_the_answer(indexed):
    case = Case.objects.get(case_number="CM16-0236134")  # one of the two lumbar MRIs
    query = SimilarQuery(title="MRI lumbar spine")
    page = indexed.similar(query=query, filters=Filters(exclude_case_id=case.pk), limit=50)
    from precedents.models import PrecedentItem

    found_cases = set(
        PrecedentItem.objects.filter(pk__in=[pk for pk, _ in page.hits]).values_list("case_id", flat=True)
    )
    assert page.hits and case.pk not in found_cases


def test_similar_matches_some_words(indexed):
    strict = indexed.search(query="MRI lumbar zzzunknownword", filters=Filters(), limit=10)
    loose = indexed.similar(query=SimilarQuery(title="MRI lumbar zzzunknownword"), filters=Filters(), limit=10)
    assert strict.count == 0
    assert loose.hits


def test_similar_looks_for_each_part_in_its_own_field(indexed):
    """Title words are matched in titles only: "summary" words that appear only in clinical summaries find
    nothing when given as the title, and find items when given as context."""
    as_title = indexed.similar(query=SimilarQuery(title="tenderness"), filters=Filters(), limit=50)
    as_context = indexed.similar(query=SimilarQuery(title="", context="tenderness"), filters=Filters(), limit=50)
    titled = set(PrecedentItem.objects.filter(title__icontains="tenderness").values_list("id", flat=True))
    assert {pk for pk, _ in as_title.hits} == titled
    assert len(as_context.hits) > len(titled)


def test_similar_ranks_title_matches_above_guideline_matches(indexed):
    query = SimilarQuery(title="acupuncture", guidelines=("complaints",))  # one word each: the fields weigh
    page = indexed.similar(query=query, filters=Filters(), limit=50)
    first = PrecedentItem.objects.get(pk=page.hits[0][0])
    assert "acupuncture" in first.title.lower()


def test_pagination_pages_do_not_overlap(indexed):
    first = indexed.search(query="spine", filters=Filters(), offset=0, limit=2)
    second = indexed.search(query="spine", filters=Filters(), offset=2, limit=2)
    assert first.count == second.count > 3
    assert not {pk for pk, _ in first.hits} & {pk for pk, _ in second.hits}


def test_a_case_without_a_current_determination_leaves_the_index(indexed):
    case = Case.objects.get(case_number="CM16-0236134")
    ids = list(PrecedentItem.objects.filter(case=case).values_list("id", flat=True))
    case.determinations.all().delete()  # as an import --replace does before bringing new content
    precedent_index_case(case=case, backend=indexed)
    page = indexed.search(query='"MRI of the lumbar spine"', filters=Filters(), limit=50)
    assert not set(ids) & {pk for pk, _ in page.hits}


def test_query_syntax_never_reaches_the_engine_raw():
    terms = websearch_terms('knee "NEAR(x" -(a) OR* or "" -')
    query = fts_query(terms)
    assert "NEAR(x" not in query and "*" not in query
    assert query.startswith('("knee"')


def test_similar_matches_a_guideline_as_a_whole_title(indexed):
    """ "Low Back Complaints 2004" finds the items citing that chapter, not every "... Complaints 2004"."""
    page = indexed.similar(
        query=SimilarQuery(title="", guidelines=("Low Back Complaints 2004",)), filters=Filters(), limit=50
    )
    found = PrecedentItem.objects.filter(pk__in=[pk for pk, _ in page.hits])
    citing = [
        p for p in PrecedentItem.objects.all() if any(c["title"] == "Low Back Complaints 2004" for c in p.citations)
    ]
    assert {p.pk for p in found} == {p.pk for p in citing}
