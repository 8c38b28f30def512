"""The draft form: what a save stores, and that nothing typed is lost on a validation error or a stale revision."""

import html

import pytest
from django.test import Client

from cases.forms import PAGES_TOO_LONG
from cases.models import Citation
from cases.services import review
from cases.views.workspace import NOTHING_SAVED, READ_ONLY_FOR_STAFF
from tests.factories import CitationFactory, GuidelineFactory

TYPED_SUMMARY = "My own summary: chronic neck pain after a 1998 overhead strain."
TYPED_RATIONALE = "Open-ended treatment is not recommended by the guidelines."


def draft_data(case, **overrides):
    item = case.items.get()
    prefix = f"item-{item.pk}"
    imro = list(item.citations.filter(side=Citation.Side.IMRO))
    data = {
        "revision": case.revision,
        "clinical_summary": TYPED_SUMMARY,
        f"{prefix}-decision": "upheld",
        f"{prefix}-rationale": TYPED_RATIONALE,
        f"{prefix}-cit-id": [c.pk for c in imro],
        f"{prefix}-cit-guideline": [c.guideline_id for c in imro],
        f"{prefix}-cit-sections": [c.sections for c in imro],
        f"{prefix}-cit-pages": [c.pages for c in imro],
    }
    data.update({k.replace("PREFIX", prefix): v for k, v in overrides.items()})
    return data


def save(client, case, data, **extra):
    return client.post(f"/cases/{case.case_number}/draft/", data, **extra)


def test_a_save_stores_the_whole_draft_and_bumps_the_revision(client_a, review_case, guideline, odg):
    response = save(
        client_a,
        review_case,
        draft_data(
            review_case,
            **{
                "PREFIX-cit-id": ["", ""],
                "PREFIX-cit-guideline": [odg.pk, guideline.pk],
                "PREFIX-cit-sections": ["Mental Illness and Stress", ""],
                "PREFIX-cit-pages": ["", "401-402"],
            },
        ),
    )
    assert response.status_code == 302
    review_case.refresh_from_db()
    assert review_case.clinical_summary == TYPED_SUMMARY and review_case.revision == 1
    item = review_case.items.get()
    assert (item.decision, item.rationale) == ("upheld", TYPED_RATIONALE)
    imro = list(item.citations.filter(side=Citation.Side.IMRO).order_by("order"))
    assert [(c.guideline, c.sections, c.pages) for c in imro] == [
        (odg, "Mental Illness and Stress", ""),
        (guideline, "", "401-402"),
    ]
    # The claims administrator's citation comes from intake and is untouched.
    assert item.citations.filter(side=Citation.Side.CLAIMS_ADMINISTRATOR).count() == 1
    assert "Draft saved." in client_a.get(response["Location"]).content.decode()


def test_a_citation_of_five_sections_as_long_as_published_letters_have_is_saved(client_a, review_case, odg):
    # Published letters cite up to five sections in one citation (584 characters): no limit stands in the way.
    sections = "; ".join(f"Section {n}: " + "Opioids, criteria for use, long-term assessment " * 2 for n in range(5))
    sections = sections.strip()  # the form strips what it is sent
    assert len(sections) > 500
    data = {"PREFIX-cit-id": [""], "PREFIX-cit-guideline": [odg.pk], "PREFIX-cit-sections": [sections]}
    response = save(client_a, review_case, draft_data(review_case, **data, **{"PREFIX-cit-pages": [""]}))
    assert response.status_code == 302
    assert review_case.items.get().citations.get(side=Citation.Side.IMRO).sections == sections


def test_citations_are_edited_reordered_and_removed(client_a, review_case, guideline, odg):
    save(
        client_a,
        review_case,
        draft_data(
            review_case,
            **{
                "PREFIX-cit-id": ["", "", ""],
                "PREFIX-cit-guideline": [odg.pk, guideline.pk, GuidelineFactory(title="Pain 2009").pk],
                "PREFIX-cit-sections": ["", "", ""],
                "PREFIX-cit-pages": ["", "", ""],
            },
        ),
    )
    review_case.refresh_from_db()
    first, second, third = review_case.items.get().citations.filter(side="imro").order_by("order")
    # Keep the third (now first), edit the first's pages (now second), drop the second.
    save(
        client_a,
        review_case,
        draft_data(
            review_case,
            **{
                "PREFIX-cit-id": [third.pk, first.pk],
                "PREFIX-cit-guideline": [third.guideline_id, first.guideline_id],
                "PREFIX-cit-sections": ["", "Psychotherapy"],
                "PREFIX-cit-pages": ["", "12"],
            },
        ),
    )
    stored = list(review_case.items.get().citations.filter(side="imro").order_by("order"))
    assert [(c.pk, c.sections, c.pages) for c in stored] == [(third.pk, "", ""), (first.pk, "Psychotherapy", "12")]


def test_an_incomplete_draft_is_saved(client_a, review_case):
    data = draft_data(review_case, **{"PREFIX-decision": "", "PREFIX-rationale": ""})
    data["clinical_summary"] = "Half a sentence"
    assert save(client_a, review_case, data).status_code == 302
    review_case.refresh_from_db()
    assert review_case.clinical_summary == "Half a sentence"


def test_a_validation_error_reshows_everything_typed(client_a, review_case, guideline):
    data = draft_data(
        review_case,
        **{
            "PREFIX-cit-id": [""],
            "PREFIX-cit-guideline": [guideline.pk],
            "PREFIX-cit-sections": ["Behavioral Techniques"],
            "PREFIX-cit-pages": ["9" * 101],
        },
    )
    response = save(client_a, review_case, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert TYPED_SUMMARY in page and TYPED_RATIONALE in page and "Behavioral Techniques" in page
    assert PAGES_TOO_LONG.format(limit=100, length=101) in page
    # Said at the top of the page, and the re-shown form counts as unsaved (leaving it asks first).
    assert html.unescape(page).index(NOTHING_SAVED) < page.index('id="draft-form"')
    assert 'data-unsaved="1"' in page
    review_case.refresh_from_db()
    assert review_case.clinical_summary == "" and review_case.revision == 0
    assert not review_case.items.get().citations.filter(side="imro").exists()


def test_an_unknown_decision_is_refused_and_the_text_kept(client_a, review_case):
    response = save(client_a, review_case, draft_data(review_case, **{"PREFIX-decision": "maybe"}))
    assert response.status_code == 422
    page = response.content.decode()
    assert TYPED_SUMMARY in page and TYPED_RATIONALE in page
    assert "Select a valid choice." in page and NOTHING_SAVED in html.unescape(page)
    review_case.refresh_from_db()
    assert review_case.revision == 0


def test_a_stale_revision_is_refused_and_the_text_kept(client_a, reviewer_a, review_case):
    opened_at = review_case.revision
    # The same reviewer saves first in another session (a second tab, or another computer).
    other_tab = Client()
    other_tab.force_login(reviewer_a.user)
    assert save(other_tab, review_case, {**draft_data(review_case), "clinical_summary": "Theirs"}).status_code == 302
    response = save(client_a, review_case, {**draft_data(review_case), "revision": opened_at})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-unsaved="1"' in page
    assert review.STALE_REVISION.startswith("This case was changed by someone else since you opened it.")
    assert "This case was changed by someone else since you opened it." in page
    assert TYPED_SUMMARY in page and TYPED_RATIONALE in page
    review_case.refresh_from_db()
    assert review_case.clinical_summary == "Theirs" and review_case.revision == 1
    # The re-shown form carries the current revision: saving again is a deliberate overwrite.
    assert 'name="revision" value="1"' in page
    assert save(client_a, review_case, {**draft_data(review_case), "revision": 1}).status_code == 302
    review_case.refresh_from_db()
    assert review_case.clinical_summary == TYPED_SUMMARY


def test_a_missing_revision_is_a_clear_error(client_a, review_case):
    data = draft_data(review_case)
    del data["revision"]
    response = save(client_a, review_case, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "its revision is missing" in page and TYPED_SUMMARY in page


def test_an_inactive_guideline_cannot_be_added(client_a, review_case):
    retired = GuidelineFactory(title="Retired guideline", active=False)
    data = draft_data(
        review_case,
        **{
            "PREFIX-cit-id": [""],
            "PREFIX-cit-guideline": [retired.pk],
            "PREFIX-cit-sections": [""],
            "PREFIX-cit-pages": [""],
        },
    )
    response = save(client_a, review_case, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert review.GUIDELINE_NOT_AVAILABLE.format(guideline_id=retired.pk) in page
    assert TYPED_SUMMARY in page
    review_case.refresh_from_db()
    assert review_case.revision == 0 and review_case.clinical_summary == ""


def test_staff_cannot_write_the_physicians_draft(client_staff, review_case):
    response = save(client_staff, review_case, {**draft_data(review_case), "clinical_summary": "Staff rewrote it"})
    assert response.status_code == 403
    assert review.NOT_THE_REVIEWER in response.content.decode()
    review_case.refresh_from_db()
    assert (review_case.clinical_summary, review_case.revision) == ("", 0)
    item = review_case.items.get()
    assert (item.decision, item.rationale) == ("", "")


def test_the_service_refuses_anyone_but_the_assigned_reviewer(review_case, staff_user, reviewer_b):
    for user in (staff_user, reviewer_b.user):
        with pytest.raises(review.ReviewError) as refused:
            review.case_save_draft(case=review_case, user=user, expected_revision=0, summary="Not mine", items=[])
        assert refused.value.messages == [review.NOT_THE_REVIEWER]
    review_case.refresh_from_db()
    assert (review_case.clinical_summary, review_case.revision) == ("", 0)


def test_staff_see_an_open_case_read_only(client_staff, review_case):
    page = client_staff.get(f"/cases/{review_case.case_number}/").content.decode()
    assert 'id="draft-form"' not in page and "Review and sign" not in page
    assert READ_ONLY_FOR_STAFF in html.unescape(page)
    assert "Psychotherapy, 10 sessions" in page and "PR-2 of 07/25/2014" in page  # they still see everything


def test_a_form_opened_fresh_is_not_unsaved(client_a, review_case):
    page = client_a.get(f"/cases/{review_case.case_number}/").content.decode()
    assert 'id="draft-form"' in page and "data-unsaved" not in page
    assert f'data-case="{review_case.case_number}" data-revision="0"' in page  # the browser's backup key


def test_two_tabs_a_citation_deleted_in_one_is_kept_as_new_by_the_others_overwrite(client_a, reviewer_a, review_case):
    """Both tabs opened at revision 0 with citation X. Tab 2 removes X and saves; tab 1 edits X's pages and saves:
    refused as stale, then the deliberate overwrite stores tab 1's citation again (a new row), instead of refusing
    "Citation X is not one of this item's IMRO citations." at every save."""
    item = review_case.items.get()
    cited = CitationFactory(item=item, side=Citation.Side.IMRO, guideline=GuidelineFactory(title="Stress 2004"))
    tab_1_data = draft_data(review_case, **{"PREFIX-cit-pages": ["398"]})
    tab_2 = Client()
    tab_2.force_login(reviewer_a.user)
    tab_2_data = draft_data(
        review_case,
        **{"PREFIX-cit-id": [], "PREFIX-cit-guideline": [], "PREFIX-cit-sections": [], "PREFIX-cit-pages": []},
    )
    assert save(tab_2, review_case, tab_2_data).status_code == 302
    assert not Citation.objects.filter(pk=cited.pk).exists()

    response = save(client_a, review_case, tab_1_data)
    assert response.status_code == 409
    page = response.content.decode()
    prefix = f"item-{item.pk}"
    assert f'name="{prefix}-cit-id" value=""' in page and f'name="{prefix}-cit-id" value="{cited.pk}"' not in page
    assert f'name="{prefix}-cit-guideline" value="{cited.guideline_id}"' in page and 'value="398"' in page

    # Saving the re-shown form again (its revision is now 1, the row a new citation) goes through.
    again = {**tab_1_data, "revision": 1, f"{prefix}-cit-id": [""]}
    assert save(client_a, review_case, again).status_code == 302
    [stored] = item.citations.filter(side=Citation.Side.IMRO)
    assert (stored.guideline_id, stored.pages) == (cited.guideline_id, "398") and stored.pk != cited.pk


def test_the_service_stores_a_deleted_citation_id_as_a_new_citation(review_case, reviewer_a, guideline):
    item = review_case.items.get()
    gone = CitationFactory(item=item, side=Citation.Side.IMRO, guideline=guideline)
    gone_pk = gone.pk
    gone.delete()
    review.case_save_draft(
        case=review_case,
        user=reviewer_a.user,
        expected_revision=0,
        summary="",
        items=[
            review.ItemInput(
                item_id=item.pk, citations=[review.CitationInput(guideline_id=guideline.pk, citation_id=gone_pk)]
            )
        ],
    )
    assert list(item.citations.filter(side=Citation.Side.IMRO).values_list("guideline_id", flat=True)) == [guideline.pk]


def test_a_citation_of_another_case_is_refused(client_a, review_case, guideline):
    foreign = CitationFactory(side=Citation.Side.IMRO, guideline=guideline)
    claims_administrator = review_case.items.get().citations.get(side=Citation.Side.CLAIMS_ADMINISTRATOR)
    for citation in (foreign, claims_administrator):
        data = draft_data(
            review_case,
            **{
                "PREFIX-cit-id": [citation.pk],
                "PREFIX-cit-guideline": [guideline.pk],
                "PREFIX-cit-sections": [""],
                "PREFIX-cit-pages": ["1"],
            },
        )
        response = save(client_a, review_case, data)
        assert response.status_code == 422
        assert review.UNKNOWN_CITATION.format(citation_id=citation.pk) in html.unescape(response.content.decode())
    assert Citation.objects.get(pk=foreign.pk).pages == ""
    review_case.refresh_from_db()
    assert review_case.revision == 0


def test_the_draft_form_names_the_signed_in_user_for_the_browser_backup(client_a, reviewer_a, review_case):
    """workspace.js keys its localStorage copy by user: another user on the same browser is never offered it."""
    page = client_a.get(f"/cases/{review_case.case_number}/").content.decode()
    assert f'data-user="{reviewer_a.user.pk}" data-case="{review_case.case_number}" data-revision="0"' in page


def test_logging_out_clears_the_browsers_storage(client_a):
    """Clear-Site-Data drops the draft backups where the browser applies it; logout.js deletes them in any case."""
    page = client_a.get("/cases/").content.decode()
    assert "data-logout" in page and "js/logout.js" in page
    response = client_a.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert response["Clear-Site-Data"] == '"storage"'
    assert client_a.get("/cases/").status_code == 302  # logged out
