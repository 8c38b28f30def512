"""import_case and export_case, driven as an operator would (call_command, files, stdin)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from tests.support import SEED_CASE_PATH, row_counts, seed_case

pytestmark = pytest.mark.django_db


def run(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    kwargs = {"stdout": out, "stderr": err}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    try:
        call_command(*args, **kwargs)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), None


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return str(path)


def test_import_a_file_names_the_case():
    out, err, failure = run("import_case", str(SEED_CASE_PATH))
    assert (out, err, failure) == (f"{SEED_CASE_PATH}: imported CM14-0000001\n", "", None)
    assert Case.objects.filter(case_number="CM14-0000001").exists()


def test_import_from_stdin():
    out, err, failure = run("import_case", "-", stdin=json.dumps(seed_case()))
    assert (out, err, failure) == ("<stdin>: imported CM14-0000001\n", "", None)


def test_errors_name_file_and_field_and_the_command_fails(tmp_path):
    document = seed_case()
    document["disputed_items"][0]["decision"] = "partly"
    document["priority"] = "rush"
    bad = write(tmp_path, "bad.json", document)
    before = row_counts()
    out, err, failure = run("import_case", bad)
    assert out == ""
    assert err.splitlines() == [
        f'{bad}: priority: must be "standard" or "expedited"',
        f'{bad}: disputed_items[0].decision: must be "upheld", "overturned" or null',
    ]
    assert failure == "1 of 1 file(s) not imported; nothing was written for them."
    assert row_counts() == before


def test_each_file_is_all_or_nothing(tmp_path):
    other = seed_case()
    other["case_number"] = "CM14-0000002"
    good = write(tmp_path, "good.json", other)
    bad = write(tmp_path, "bad.json", {**seed_case(), "format": "imr-case/0"})
    out, err, failure = run("import_case", bad, good)
    assert out == f"{good}: imported CM14-0000002\n"
    assert err == f'{bad}: format: must be "imr-case/1"\n'
    assert failure == "1 of 2 file(s) not imported; nothing was written for them."
    assert list(Case.objects.values_list("case_number", flat=True)) == ["CM14-0000002"]


def test_invalid_json_names_line_and_column(tmp_path):
    broken = write(tmp_path, "broken.json", '{\n  "format": "imr-case/1",\n  "case_number": }\n')
    out, err, failure = run("import_case", broken)
    assert err == f"{broken}: is not valid JSON: Expecting value at line 3, column 18\n"
    assert failure is not None


def test_missing_file(tmp_path):
    missing = str(tmp_path / "nope.json")
    out, err, failure = run("import_case", missing)
    assert err == f"{missing}: cannot be read: No such file or directory\n"
    assert failure == "1 of 1 file(s) not imported; nothing was written for them."


def test_duplicate_refused_then_replaced(tmp_path):
    run("import_case", str(SEED_CASE_PATH))
    out, err, failure = run("import_case", str(SEED_CASE_PATH))
    assert (
        err == f"{SEED_CASE_PATH}: case_number: CM14-0000001 already exists (import it with --replace to replace it)\n"
    )
    assert failure is not None
    out, err, failure = run("import_case", "--replace", str(SEED_CASE_PATH))
    assert (out, err, failure) == (f"{SEED_CASE_PATH}: replaced CM14-0000001\n", "", None)


def test_export_writes_the_document_back():
    run("import_case", str(SEED_CASE_PATH))
    out, err, failure = run("export_case", "CM14-0000001")
    assert failure is None
    assert json.loads(out) == seed_case()
    assert out.startswith('{\n  "format": "imr-case/1",\n')


def test_export_then_import_into_an_empty_database_round_trips(tmp_path):
    run("import_case", str(SEED_CASE_PATH))
    exported, _, _ = run("export_case", "CM14-0000001")
    out, err, failure = run("import_case", "--replace", "-", stdin=exported)
    assert failure is None, err
    again, _, _ = run("export_case", "CM14-0000001")
    assert again == exported


def test_export_unknown_case():
    with pytest.raises(CommandError) as caught:
        call_command("export_case", "CM99-0000000", stdout=io.StringIO())
    assert str(caught.value) == "There is no case CM99-0000000."


def test_cli_exit_status_is_non_zero_on_failure(tmp_path):
    bad = write(tmp_path, "bad.json", "[]")
    with pytest.raises(SystemExit) as caught:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "import_case", bad]).execute()
    assert caught.value.code == 1
