"""Hostile imr-case/1 input: each crash a fuzzer found becomes a field error, and the command goes on to the next file.

Driven through ``import_case`` as an operator would: the bad file first, a good one after it, so each test also shows
that the command survives the bad file and that the refused one wrote nothing.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cases import interchange as fmt
from cases.management.commands import import_case as command
from cases.models import Case, Citation
from cases.services.interchange import case_import
from tests.support import row_counts, seed_case
from tests.support.faults import refusing_trigger_install, refusing_trigger_remove

pytestmark = pytest.mark.django_db

GOOD_NUMBER = "CM14-0000002"


def import_bad_then_good(tmp_path, text):
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(text, encoding="utf-8")
    good.write_text(json.dumps({**seed_case(), "case_number": GOOD_NUMBER}), encoding="utf-8")
    before = row_counts()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_case", str(bad), str(good), stdout=out, stderr=err)
    assert out.getvalue() == f"{good}: imported {GOOD_NUMBER}\n"
    assert list(Case.objects.values_list("case_number", flat=True)) == [GOOD_NUMBER]
    assert Case.objects.count() == before["cases.Case"] + 1
    prefix = f"{bad}: "
    lines = err.getvalue().splitlines()
    assert all(line.startswith(prefix) for line in lines)
    return [line[len(prefix) :] for line in lines]


def with_(**changes):
    document = seed_case()
    document.update(changes)
    return document


def item_with(**changes):
    document = seed_case()
    document["disputed_items"][0].update(changes)
    return document


def citation_with(**changes):
    document = seed_case()
    document["disputed_items"][0]["citations"][0].update(changes)
    return document


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (with_(clinical_summary="a\x00b"), "clinical_summary: must not contain NUL characters"),
        (item_with(rationale="\x00"), "disputed_items[0].rationale: must not contain NUL characters"),
        (item_with(title="x\ud800"), "disputed_items[0].title: must be valid Unicode text (it holds a lone surrogate)"),
        (
            citation_with(title="ß" * 200),
            "disputed_items[0].citations[0].title: must be at most 300 characters once case is folded (ß counts as ss)",
        ),
        (
            with_(application_received="9999-12-31"),
            'application_received: must be a date from 1900-01-01 to 2099-12-31, not "9999-12-31"',
        ),
        (
            with_(date_assigned="0001-01-01"),
            'date_assigned: must be a date from 1900-01-01 to 2099-12-31, not "0001-01-01"',
        ),
        (with_(case_number="CM14-0000001\n"), f"case_number: {fmt.WRONG_CASE_NUMBER}"),
        (with_(case_number="CM\u0661\u0664-0000001"), f"case_number: {fmt.WRONG_CASE_NUMBER}"),
        (item_with(title="\u200b \u200d\ufeff"), "disputed_items[0].title: must not be empty"),
        (
            with_(parties=[{"role": "employer", "name": "\u2060"}]),
            "parties[0].name: must not be empty",
        ),
        (with_(**{"a\x00": 1}), '"a\\u0000": is not a field of imr-case/1'),
        (with_(**{"": 1}), '"": is not a field of imr-case/1'),
        (with_(**{"a\x85b": 1}), '"a\\u0085b": is not a field of imr-case/1'),
        (with_(date_assigned="1\u2028"), 'date_assigned: must be a date written YYYY-MM-DD or null, not "1\\u2028"'),
        (
            with_(application_received="x" * 100),
            f'application_received: must be a date written YYYY-MM-DD, not "{"x" * 58}…',
        ),
    ],
)
def test_hostile_values_are_field_errors(tmp_path, document, expected):
    lines = import_bad_then_good(tmp_path, json.dumps(document))
    assert expected in lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, command.TOO_DEEP),
        ('{"case_number": ' + "9" * 5000 + "}", command.NUMBER_TOO_LONG),
    ],
)
def test_unreadable_json_is_an_error_not_a_crash(tmp_path, text, expected):
    assert import_bad_then_good(tmp_path, text) == [expected]


def test_messages():
    assert command.TOO_DEEP == "is not readable JSON: nested too deeply"
    assert command.NUMBER_TOO_LONG == "is not readable JSON: it holds a number of more than 4,300 digits"
    assert fmt.HOLDS_NUL == "must not contain NUL characters"
    assert fmt.NOT_UNICODE == "must be valid Unicode text (it holds a lone surrogate)"


def deeply_nested():
    nested = []
    for _ in range(100_000):
        nested = [nested]
    return nested


@pytest.mark.parametrize(
    ("value", "shown"), [(deeply_nested(), "a list"), (10**5000, "a number")], ids=["nested", "huge_int"]
)
def test_a_value_that_cannot_be_quoted_back_is_named_by_its_kind(value, shown):
    # A document handed to case_import directly (not read from JSON text by the command).
    with pytest.raises(fmt.CaseDocumentError) as caught:
        case_import(document=with_(application_received=value))
    assert [str(e) for e in caught.value.field_errors] == [
        f"application_received: must be a date written YYYY-MM-DD, not {shown}"
    ]


def test_a_citation_of_five_sections_as_published_letters_have_is_imported():
    # 584 characters: the longest citation of the published letters (five guideline sections).
    sections = "; ".join(f"Section {n}: " + "Opioids, criteria for use, long-term assessment " * 2 for n in range(5))
    assert len(sections) > 500
    case = case_import(document=citation_with(sections=sections))
    assert Citation.objects.get(item__case=case, side=Citation.Side.IMRO, order=0).sections == sections


def test_a_failure_after_the_case_row_is_written_leaves_nothing(require_postgres):
    """All or nothing, shown with a real database failure: a trigger refuses the first disputed item, which the
    import writes after the case row, the worker, the claim, the parties and the treatment history. The refusal is
    the document's error, with the database's reason."""
    before = row_counts()
    refusing_trigger_install("refuse_item", table="cases_disputeditem")
    with pytest.raises(fmt.CaseDocumentError) as refused:
        case_import(document=seed_case())
    assert [str(e) for e in refused.value.field_errors] == ["(document): could not be written: injected failure"]
    assert row_counts() == before
    refusing_trigger_remove("refuse_item", table="cases_disputeditem")
