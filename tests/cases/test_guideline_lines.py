"""cases.letters.guideline_line against the real letters: every guideline line of expected.json, parsed back into
citations, renders to the same text (whitespace folded)."""

import pytest

from cases.letters import guideline_line
from cases.models import fold_whitespace
from tests.support import expected_letters, seed_case
from tests.support.letters import CLAIMS_ADMINISTRATOR, EXPERT_REVIEWER, guideline_line_parse

LINES = [
    pytest.param(side, item[key], id=f"{letter['case_number']}-{n}-{key}")
    for letter in expected_letters()
    for n, item in enumerate(letter["items"], start=1)
    for side, key in ((CLAIMS_ADMINISTRATOR, "claims_administrator_guideline"), (EXPERT_REVIEWER, "imro_guideline"))
]


@pytest.mark.parametrize(("side", "line"), LINES)
def test_real_guideline_line_renders_back_exactly(side, line):
    assert fold_whitespace(guideline_line(side, guideline_line_parse(side, line))) == fold_whitespace(line)


def test_all_three_wordings_occur():
    lines = [line.values[1] for line in LINES]
    assert any("did not cite any medical evidence" in line for line in lines)
    assert any("outside of the MTUS Guidelines" in line for line in lines)
    assert any(line.startswith("Decision based on MTUS") and "Non-MTUS" in line for line in lines)


def test_mtus_chapters_joined_with_and_are_split_only_before_a_new_chapter():
    line = (
        "Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004, Section(s): Splinting, and Surgery, "
        "and Low Back Complaints 2004 Page(s): 303, and Hip and Pelvis Complaints 2009."
    )
    assert guideline_line_parse(EXPERT_REVIEWER, line) == [
        {
            "source": "MTUS",
            "title": "Forearm, Wrist, and Hand Complaints 2004",
            "sections": "Splinting, and Surgery",
            "pages": None,
        },
        {"source": "MTUS", "title": "Low Back Complaints 2004", "sections": None, "pages": "303"},
        {"source": "MTUS", "title": "Hip and Pelvis Complaints 2009", "sections": None, "pages": None},
    ]
    assert guideline_line(EXPERT_REVIEWER, guideline_line_parse(EXPERT_REVIEWER, line)) == line


def test_non_mtus_title_is_split_from_sections_only_after_a_library_title():
    parsed = guideline_line_parse(
        CLAIMS_ADMINISTRATOR,
        "Decision based on MTUS Low Back Complaints 2004. Decision based on Non-MTUS Citation Official Disability "
        "Guidelines (ODG), Low Back Chapter, Indications for imaging-Magnetic resonance imaging.",
    )
    assert parsed[1] == {
        "source": "Non-MTUS",
        "title": "Official Disability Guidelines (ODG)",
        "sections": "Low Back Chapter, Indications for imaging-Magnetic resonance imaging",
        "pages": None,
    }
    unsure = guideline_line_parse(
        EXPERT_REVIEWER,
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. Decision based "
        "on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back (Shock wave therapy).",
    )
    assert unsure == [
        {
            "source": "Non-MTUS",
            "title": "Official Disability Guidelines (ODG) Low Back (Shock wave therapy)",
            "sections": None,
            "pages": None,
        }
    ]


def test_seed_letter_mtus_citation_with_pages_only():
    line = (
        "Decision based on MTUS Chronic Pain Treatment Guidelines Chapter 15, Stress Related Conditions, Behavioral "
        "Techniques Page(s): 401-402. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Mental "
        "Illness and Stress, Psychotherapy for depression."
    )
    parsed = guideline_line_parse(EXPERT_REVIEWER, line)
    assert parsed == [
        {
            "source": "MTUS",
            "title": "Chronic Pain Treatment Guidelines Chapter 15, Stress Related Conditions, Behavioral Techniques",
            "sections": None,
            "pages": "401-402",
        },
        {
            "source": "Non-MTUS",
            "title": "Official Disability Guidelines (ODG)",
            "sections": "Mental Illness and Stress, Psychotherapy for depression",
            "pages": None,
        },
    ]
    assert guideline_line(EXPERT_REVIEWER, parsed) == line
    assert parsed == [
        {k: c[k] for k in ("source", "title", "sections", "pages")}
        for c in seed_case()["disputed_items"][0]["citations"]
    ]


def test_a_line_of_the_other_side_is_not_parsed():
    with pytest.raises(ValueError):
        guideline_line_parse(
            EXPERT_REVIEWER, "The Claims Administrator did not cite any medical evidence for its decision."
        )
