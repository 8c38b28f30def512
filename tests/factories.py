"""factory_boy factories for the case file and reviewers."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cases import models as m
from letterimport.models import LetterImport
from notices import models as notice_models
from reviewers import models as r


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Doe{n}")
    password = factory.django.Password("imr-test-pass")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = r.Specialty
        django_get_or_create = ("name",)

    name = "Psychiatry"


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = r.Reviewer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    reference = factory.Sequence(lambda n: f"ER-{n:04d}")
    years_in_practice = 12
    weekly_practice_hours = 30
    capacity = 10

    @factory.post_generation
    def credentials(self, create, extracted, **kwargs):
        """By default a California licence and a current board certification in the first specialty."""
        if not create or extracted is False:
            return
        specialty = SpecialtyFactory()
        self.specialties.add(specialty)
        r.License.objects.create(
            reviewer=self, state="California", number="A12345", expires_on=datetime.date(2099, 1, 1)
        )
        r.BoardCertification.objects.create(reviewer=self, specialty=specialty, board="ABPN")


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.InjuredWorker

    first_name = "Alex"
    last_name = "Worker"
    age = 51
    sex = m.Sex.MALE


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Claim

    worker = factory.SubFactory(WorkerFactory)
    claim_number = factory.Sequence(lambda n: f"CLM-{n:06d}")
    date_of_injury = datetime.date(2014, 1, 15)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Case

    case_number = factory.Sequence(lambda n: f"CM14-{n + 1000000:07d}")
    claim = factory.SubFactory(ClaimFactory)
    priority = m.Priority.STANDARD
    status = m.Status.RECEIVED
    application_received = datetime.date(2014, 8, 20)
    ur_decision_date = datetime.date(2014, 8, 4)


class GuidelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Guideline
        django_get_or_create = ("source", "title")

    source = m.Guideline.Source.MTUS
    title = factory.Sequence(lambda n: f"Chronic Pain Medical Treatment {2000 + n}")
    evidence_rank = "A"


class DisputedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DisputedItem

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Physical therapy, 6 sessions ({n})")
    order = factory.Sequence(lambda n: n)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Citation

    item = factory.SubFactory(DisputedItemFactory)
    side = m.Citation.Side.IMRO
    guideline = factory.SubFactory(GuidelineFactory)
    order = factory.Sequence(lambda n: n)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Document

    case = factory.SubFactory(CaseFactory)
    doc_type = m.Document.Type.PR2
    title = factory.Sequence(lambda n: f"Progress report {n}")
    author = "Treating physician"
    document_date = datetime.date(2014, 7, 25)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Party

    case = factory.SubFactory(CaseFactory)
    role = m.Party.Role.EMPLOYER
    name = factory.Sequence(lambda n: f"Employer {n} Inc.")


class TreatmentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TreatmentEvent

    case = factory.SubFactory(CaseFactory)
    date = datetime.date(2013, 5, 1)
    kind = m.TreatmentEvent.Kind.THERAPY
    description = "Physical therapy, 12 sessions"


class DocumentReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DocumentReview

    document = factory.SubFactory(DocumentFactory)
    reviewer = factory.SubFactory(ReviewerFactory)


class LicenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = r.License

    reviewer = factory.SubFactory(ReviewerFactory, credentials=False)
    state = "Nevada"
    number = factory.Sequence(lambda n: f"NV{n:05d}")
    expires_on = datetime.date(2099, 1, 1)


class BoardCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = r.BoardCertification

    reviewer = factory.SubFactory(ReviewerFactory, credentials=False)
    specialty = factory.SubFactory(SpecialtyFactory)
    board = "ABPN"


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = r.Affiliation

    reviewer = factory.SubFactory(ReviewerFactory)
    kind = r.Affiliation.Kind.EMPLOYER
    name = "Acme Insurance"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Assignment

    case = factory.SubFactory(CaseFactory)
    reviewer = factory.SubFactory(ReviewerFactory)
    assigned_at = factory.LazyFunction(lambda: datetime.datetime(2014, 9, 2, 17, 0, tzinfo=datetime.UTC))


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CaseEvent

    case = factory.SubFactory(CaseFactory)
    at = factory.LazyFunction(lambda: datetime.datetime(2014, 9, 2, 17, 0, tzinfo=datetime.UTC))
    kind = "received"
    to_status = m.Status.RECEIVED


class CaseAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CaseAccess

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(StaffFactory)
    path = factory.LazyAttribute(lambda a: f"/cases/{a.case.case_number}/")


class DeterminationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Determination

    case = factory.SubFactory(CaseFactory)
    signed_at = factory.LazyFunction(lambda: datetime.datetime(2014, 10, 1, 17, 0, tzinfo=datetime.UTC))
    decision_date = datetime.date(2014, 10, 1)
    snapshot = factory.LazyFunction(dict)
    content_hash = "0" * 64


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Letter

    determination = factory.SubFactory(DeterminationFactory)


class LetterImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterImport

    case = factory.SubFactory(CaseFactory)
    document = factory.LazyAttribute(lambda o: DocumentFactory(case=o.case, doc_type=m.Document.Type.OTHER))
    file_name = factory.Sequence(lambda n: f"CM16-{n:07d}.pdf")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    layout = "2016-17 header table"
    importer_version = "1.0"
    imported_at = factory.LazyFunction(lambda: datetime.datetime(2017, 2, 1, 9, 0, tzinfo=datetime.UTC))


class NoticeFactory(factory.django.DjangoModelFactory):
    """A queued public copy with a redaction report (the admin shows it); rendering is the services' business."""

    class Meta:
        model = notice_models.Notice

    case = factory.SubFactory(CaseFactory)
    kind = notice_models.Notice.Kind.PUBLIC_COPY
    version = factory.Sequence(lambda k: k + 1)
    content = factory.LazyFunction(lambda: {"terms": [["worker name", "Alex"]]})
    report = factory.LazyFunction(
        lambda: [{"where": "Clinical case summary", "kind": "worker name", "text": "Alex", "count": 1}]
    )


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = notice_models.Service

    notice = factory.SubFactory(NoticeFactory)
    case = factory.SelfAttribute("notice.case")
    role = "injured_worker"
    recipient = "Alex Worker"
    address = "1 Elm Street"
