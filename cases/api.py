"""JSON API of cases: ``/api/cases/`` and ``/api/cases/<case number>/``, through the one visibility rule (a reviewer
sees the cases assigned to them, 404 for any other), in a constant number of queries per page."""

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from .models import DisputedItem, Letter
from .selectors import cases_visible_to


class ItemSerializer(serializers.ModelSerializer):
    decision = serializers.CharField(allow_null=True, help_text='"upheld", "overturned" or null (not decided).')

    class Meta:
        model = DisputedItem
        fields = ["title", "decision"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["decision"] = data["decision"] or None
        return data


class LetterSerializer(serializers.Serializer):
    status = serializers.CharField(allow_null=True, help_text="queued, rendering, ready or failed; null: no letter.")
    download = serializers.CharField(allow_null=True, help_text="The letter's PDF, once one is ready.")


class CaseSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    application_received = serializers.DateField()
    records_due = serializers.DateTimeField(allow_null=True)
    records_complete = serializers.DateField(allow_null=True)
    decision_due = serializers.DateField(allow_null=True)
    items = ItemSerializer(many=True)
    letter = serializers.SerializerMethodField()

    @extend_schema(responses=LetterSerializer)
    def get_letter(self, case) -> dict:
        download = reverse("cases:letter_download", args=[case.case_number]) if case.letter_ready else None
        return {"status": case.letter_status, "download": download}


def _current_letters(**extra):
    return Letter.objects.filter(determination__case=OuterRef("pk"), determination__superseded_by__isnull=True, **extra)


class CaseQueryMixin:
    serializer_class = CaseSerializer
    lookup_field = "case_number"

    def get_queryset(self):
        items = DisputedItem.objects.order_by("order", "id")
        return (
            cases_visible_to(self.request.user)
            .prefetch_related(Prefetch("items", queryset=items))
            .annotate(
                letter_status=Subquery(_current_letters().order_by("-version", "-id").values("status")[:1]),
                letter_ready=Exists(_current_letters(status=Letter.Status.READY).exclude(file="")),
            )
            .order_by("-application_received", "case_number")
        )


class CaseList(CaseQueryMixin, generics.ListAPIView):
    """The cases the signed-in user may see (coordinators and auditors: all; a reviewer: the cases assigned to them)."""


class CaseDetail(CaseQueryMixin, generics.RetrieveAPIView):
    """One case the user may see; 404 otherwise (as the case page)."""
