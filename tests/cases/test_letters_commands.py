"""render_letter and sweep_letters."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.models import Letter
from cases.services.letters import letter_create
from tests.factories import CaseFactory

from .letters_support import determination_from_document, eager_celery, load_document, pdf_body_text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_render_letter_writes_the_current_determination(tmp_path, capsys):
    determination_from_document(load_document())
    out = tmp_path / "letter.pdf"
    call_command("render_letter", "CM14-0000001", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert "MAXIMUS guideline:" in pdf_body_text(out.read_bytes())
    assert f"Wrote {out}" in capsys.readouterr().out
    assert not Letter.objects.exists()  # a preview: nothing recorded


def test_render_letter_errors(tmp_path):
    with pytest.raises(CommandError, match=r"^Case CM99-0000001 does not exist\.$"):
        call_command("render_letter", "CM99-0000001", "--out", str(tmp_path / "x.pdf"))
    CaseFactory(case_number="CM14-0000002")
    with pytest.raises(CommandError, match=r"^Case CM14-0000002 has no determination to render\.$"):
        call_command("render_letter", "CM14-0000002", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_sweep_letters(settings, tmp_path, capsys, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    determination = determination_from_document(load_document())
    with django_capture_on_commit_callbacks(execute=False):
        letter = letter_create(determination=determination)
    call_command("sweep_letters")
    assert capsys.readouterr().out.strip() == "Re-queued 0 letter(s)."
    Letter.objects.filter(pk=letter.pk).update(queued_at=timezone.now() - timedelta(minutes=11))
    call_command("sweep_letters")
    assert capsys.readouterr().out.strip() == "Re-queued 1 letter(s)."
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY
