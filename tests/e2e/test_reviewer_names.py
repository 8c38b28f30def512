"""Reviewers by name wherever a coordinator picks or sees one: "Dr. Miriam Okafor (ER-0001, Psychiatry)"
(``Reviewer.label``) in the assign form's select, the timeline, the case and assignment lists with their reviewer
filters, and the autocomplete picker of a reviewer (a licence, a board certification, an affiliation), in Chromium."""

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.lifecycle_helpers import case_needing, reviewer_in

from .conftest import DEMO_PASSWORD
from .test_coordinator_desk import log_in, pick

LABEL = "Dr. Miriam Okafor (ER-0001, Psychiatry)"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_reviewers_show_by_name_reference_and_specialty_in_every_picker_and_list(chromium_page, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    f.StaffFactory(username="coordinator", first_name="Carla", last_name="Mendez", password=DEMO_PASSWORD)
    okafor = reviewer_in(reference="ER-0001", user=f.UserFactory(first_name="Miriam", last_name="Okafor"))
    reviewer_in(reference="ER-0002", user=f.UserFactory(first_name="Alan", last_name="Benson"))
    case = case_needing(case_number="CM26-0000777")
    page = chromium_page
    log_in(page, live_server, "coordinator", DEMO_PASSWORD)

    # The assign form's select: each option is the reviewer's label (and whether they may take the case).
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/lifecycle/assign_reviewer/")
    select = page.locator("select#id_reviewer")
    expect(select.locator("option", has_text=LABEL)).to_have_count(1)
    select.select_option(str(okafor.pk))
    page.get_by_role("button", name="Assign reviewer").click()

    # The case page: its current reviewer and the timeline's assignment.
    expect(page.locator(".field-current_reviewer")).to_contain_text(LABEL)
    expect(page.locator("table.case-timeline")).to_contain_text(f"Assigned to {LABEL}")

    # The case list: the reviewer column and the reviewer filter.
    page.goto(f"{live_server.url}/admin/cases/case/")
    expect(page.locator("#result_list")).to_contain_text(LABEL)
    page.locator("#changelist-filter").get_by_role("link", name=LABEL).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(case.case_number)

    # The assignments list: its column and filter.
    page.goto(f"{live_server.url}/admin/cases/assignment/")
    expect(page.locator("#result_list")).to_contain_text(LABEL)
    expect(page.locator("#changelist-filter").get_by_role("link", name=LABEL)).to_be_visible()

    # The autocomplete picker of a reviewer, found by the reviewer's name, shown by label; and the list after it.
    page.goto(f"{live_server.url}/admin/reviewers/affiliation/add/")
    pick(page, page.locator(".field-reviewer"), "Okafor")
    expect(page.locator(".field-reviewer .select2-selection__rendered")).to_have_text(LABEL)
    page.get_by_label("Kind").select_option("employer")
    page.locator("#id_name").fill("Acme Stores")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text(LABEL)
