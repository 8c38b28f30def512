"""The guideline picker's "cited in N similar decisions" (issue 13, item 5): for the item being cited, how many of
its similar decisions (the "Similar decisions" panel's) cited each guideline and topic, and the ranking among
equally relevant entries. On both search engines (``indexed``: PostgreSQL and SQLite FTS5)."""

import pytest
from django.test import Client

from cases.desk_selectors import library_search, page_numbers
from cases.models import GuidelineTopic, Status
from cases.services.demo import DemoReport, _guideline_library
from precedents.models import PrecedentItem
from precedents.search import Filters
from precedents.selectors import NEIGHBOURS, case_context_terms, item_query
from precedents.services import precedent_index_rebuild
from tests.factories import CaseFactory, DisputedItemFactory

pytestmark = pytest.mark.django_db

LOW_BACK_IMAGING = "Low back imaging: MRI, CT, special studies"
NECK_IMAGING = "Neck imaging: MRI, CT, special studies"


@pytest.fixture
def library(db):
    """The demo library with its topics, loaded before the letters so that their citations find its guidelines."""
    _guideline_library(DemoReport())


@pytest.fixture
def corpus(library, letters):
    return letters


def similar_citations(engine, item):
    """The imro citations of the item's similar decisions, asked of the engine directly."""
    ca = [
        {"source": c.guideline.source, "title": c.guideline.title, "sections": c.sections}
        for c in item.citations.filter(side="claims_administrator").select_related("guideline")
    ]
    query = item_query(title=item.title, claims_administrator_citations=ca, context_terms=case_context_terms(item.case))
    page = engine.similar(query=query, filters=Filters(exclude_case_id=item.case_id), limit=NEIGHBOURS)
    rows = PrecedentItem.objects.in_bulk([pk for pk, _ in page.hits])
    assert rows and all(row.case_id != item.case_id for row in rows.values())
    return [[c for c in row.citations if c["side"] == "imro"] for row in rows.values()]


def cites_topic(citation, topic):
    words = set(topic.sections.casefold().replace(",", " ").split())
    cited = set((citation.get("sections") or "").casefold().replace(",", " ").split())
    return citation.get("guideline_id") == topic.guideline_id and (
        (words and words <= cited) or bool(page_numbers(topic.pages) & page_numbers(citation.get("pages") or ""))
    )


def test_page_numbers_read_ranges_and_lists():
    assert page_numbers("76-80, 82") == {76, 77, 78, 79, 80, 82}
    assert page_numbers("p. 303 to 304") == {303, 304}
    assert page_numbers("") == set() and page_numbers("1-99999") == set()


def test_each_choice_counts_the_similar_decisions_that_cited_it(corpus, indexed, open_case):
    item = open_case.items.get()
    cited = similar_citations(indexed, item)
    choices = library_search("MRI", item=item, backend=indexed)
    topic = next(c for c in choices if c.topic and c.topic.name == LOW_BACK_IMAGING)
    expected = sum(any(cites_topic(c, topic.topic) for c in citations) for citations in cited)
    assert expected >= 2, "the letters hold lumbar MRI decisions citing the low back imaging pages"
    assert topic.similar_decisions == expected
    guideline = library_search("low back complaints", item=item, backend=indexed)
    whole = next(c for c in guideline if c.topic is None and c.guideline == topic.guideline)
    assert whole.similar_decisions == sum(
        any(c.get("guideline_id") == whole.guideline.pk for c in citations) for citations in cited
    )
    assert whole.similar_decisions >= topic.similar_decisions


def test_equally_relevant_choices_rank_by_similar_decisions(corpus, indexed, open_case):
    """ "MRI" is a whole word of every imaging topic's name and an exact alias: equally relevant. The neck topic is
    made the seed letters' favourite, so it leads without an item; for a lumbar MRI request, the low back topic the
    similar decisions cited leads."""
    GuidelineTopic.objects.filter(name=NECK_IMAGING).update(times_cited=100)
    item = open_case.items.get()
    plain = [c for c in library_search("MRI") if c.topic]
    assert plain[0].topic.name == NECK_IMAGING and plain[0].score == plain[1].score
    counted = [c for c in library_search("MRI", item=item, backend=indexed) if c.topic]
    assert counted[0].topic.name == LOW_BACK_IMAGING
    neck = next(c for c in counted if c.topic.name == NECK_IMAGING)
    assert counted[0].score == neck.score and counted[0].similar_decisions > neck.similar_decisions
    # Relevance still comes first: a better match with no similar decision stays above a weaker one with some.
    scores = [c.score for c in library_search("MRI", item=item, backend=indexed)]
    assert scores == sorted(scores, reverse=True)


def test_without_an_item_nothing_is_counted(corpus, indexed):
    assert all(c.similar_decisions == 0 for c in library_search("MRI"))


# The picker's answer on the case page (PostgreSQL's engine, the one the site uses on PostgreSQL)


@pytest.fixture
def site_index(corpus, require_postgres):
    precedent_index_rebuild()


def picker(client, case, item, query):
    return client.get(f"/cases/{case.case_number}/items/{item.pk}/guidelines/", {"q": query}).content.decode()


def test_the_picker_shows_cited_in_n_similar_decisions(site_index, open_case, reviewer):
    client = Client()
    client.force_login(reviewer.user)
    item = open_case.items.get()
    count = next(c for c in library_search("MRI", item=item) if c.topic and c.topic.name == LOW_BACK_IMAGING)
    html = picker(client, open_case, item, "MRI")
    option = html[html.index(LOW_BACK_IMAGING) : html.index("</button>", html.index(LOW_BACK_IMAGING))]
    assert f"cited in {count.similar_decisions} similar decisions" in option
    assert f'data-similar-decisions="{count.similar_decisions}"' in option


def test_no_precedents_no_count(library, reviewer):
    case = CaseFactory(status=Status.IN_REVIEW, reviewer=reviewer)
    item = DisputedItemFactory(case=case, title="MRI of the lumbar spine", order=0)
    client = Client()
    client.force_login(reviewer.user)
    html = picker(client, case, item, "MRI")
    assert LOW_BACK_IMAGING in html and "similar decision" not in html
