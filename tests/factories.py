"""factory_boy factories for the case file and reviewers."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cases import models as m
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
