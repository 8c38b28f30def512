"""JSON API of precedents and analytics: ``/api/precedents/`` (reviewers and staff) and
``/api/analytics/decisions/`` (the analytics permission). Same rules and selectors as the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Case, Guideline, normalize_title

from . import selectors
from .models import DecisionStat

QUERY_REQUIRED = "q: the item's title (or any words) is required."
LIMIT_INVALID = "limit: a whole number from 1 to {maximum}."
BY_INVALID = "by: one of year, specialty, guideline, category."
ORIGIN_INVALID = "origin: one of imported, signed, all."
MAX_LIMIT = 50
DEFAULT_LIMIT = 10


class CanViewPrecedents(BasePermission):
    message = "Precedents are for reviewers and staff."

    def has_permission(self, request, view):
        return selectors.can_view_precedents(request.user)


class CanViewAnalytics(BasePermission):
    message = "Decision analytics need the 'Can view decision analytics' permission."

    def has_permission(self, request, view):
        return selectors.can_view_analytics(request.user)


class CitationSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["claims_administrator", "imro"])
    source = serializers.ChoiceField(choices=Guideline.Source.values)
    title = serializers.CharField()
    sections = serializers.CharField(allow_null=True)
    pages = serializers.CharField(allow_null=True)


class PrecedentSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    item = serializers.CharField(source="title")
    decision = serializers.ChoiceField(choices=["upheld", "overturned"])
    decision_date = serializers.DateField()
    specialties = serializers.ListField(child=serializers.CharField())
    citations = serializers.SerializerMethodField()
    rationale = serializers.CharField()
    score = serializers.FloatField()

    @extend_schema_field(CitationSerializer(many=True))
    def get_citations(self, precedent) -> list[dict]:
        return [
            {
                "side": c["side"],
                "source": c["source"],
                "title": c["title"],
                "sections": c.get("sections") or None,
                "pages": c.get("pages") or None,
            }
            for c in precedent.citations
        ]


class SuggestedCitationSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Guideline.Source.values)
    title = serializers.CharField()
    sections = serializers.CharField(source="top_sections", allow_null=True)
    pages = serializers.CharField(source="top_pages", allow_null=True)
    decisions = serializers.IntegerField(help_text="How many of the similar decisions cited it.")


class PrecedentAnswerSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text=(
            "How many similar decisions are in results (at most limit): the closest ones, not every match. Unlike "
            "the count of /precedents/, which stops at 2,000 (shown there as 'About 2,000+')."
        )
    )
    results = PrecedentSerializer(many=True)
    suggested_citations = SuggestedCitationSerializer(many=True)


def _limit(value) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    if not str(value).isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ValidationError({"limit": LIMIT_INVALID.format(maximum=MAX_LIMIT)})
    return int(value)


def claims_administrator_guidelines(text: str) -> list[dict]:
    """The library guidelines a claims administrator's guideline line names (by title, longest first)."""
    folded = normalize_title(text)
    if not folded:
        return []
    found = []
    for guideline in sorted(Guideline.objects.only("id", "source", "title"), key=lambda g: -len(g.title)):
        title = normalize_title(guideline.title)
        if title and title in folded:
            folded = folded.replace(title, " ")
            found.append({"source": guideline.source, "title": guideline.title, "guideline_id": guideline.pk})
    return found


class PrecedentSearch(APIView):
    permission_classes = [IsAuthenticated, CanViewPrecedents]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="The item's title, or any words."),
            OpenApiParameter("ca", OpenApiTypes.STR, description="The claims administrator's guideline line."),
            OpenApiParameter("exclude_case", OpenApiTypes.STR, description="A case number left out of the answer."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."),
        ],
        responses=PrecedentAnswerSerializer,
    )
    def get(self, request):
        """Decided items most similar to ``q`` (and ``ca``), best first, with the guidelines they cited."""
        query = request.query_params.get("q", "").strip()
        if not query:
            raise ValidationError({"q": QUERY_REQUIRED})
        limit = _limit(request.query_params.get("limit"))
        ca = request.query_params.get("ca", "")
        excluded = Case.objects.filter(case_number=request.query_params.get("exclude_case", "")).first()
        suggestions = selectors.precedent_suggestions(
            title=query,
            claims_administrator_citations=claims_administrator_guidelines(ca),
            context_terms=[],
            exclude_case_id=excluded.pk if excluded else None,
        )
        results = suggestions.precedents[:limit]
        answer = {
            "count": len(results),
            "results": PrecedentSerializer(results, many=True).data,
            "suggested_citations": SuggestedCitationSerializer(suggestions.citations[:limit], many=True).data,
        }
        return Response(answer)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    items = serializers.IntegerField()
    overturned = serializers.IntegerField()


class TotalSerializer(serializers.Serializer):
    items = serializers.IntegerField()
    overturned = serializers.IntegerField()


class DecisionGroupsSerializer(serializers.Serializer):
    total = TotalSerializer()
    groups = GroupSerializer(many=True)


class DecisionAnalytics(APIView):
    permission_classes = [IsAuthenticated, CanViewAnalytics]

    @extend_schema(
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=DecisionStat.Dimension.values, required=True),
            OpenApiParameter("origin", OpenApiTypes.STR, enum=list(selectors.ORIGINS), description="Default all."),
        ],
        responses=DecisionGroupsSerializer,
    )
    def get(self, request):
        """Items and overturned items per year, reviewer specialty, guideline cited or treatment category."""
        by = request.query_params.get("by", "")
        origin = request.query_params.get("origin", "all") or "all"
        if by not in DecisionStat.Dimension.values:
            raise ValidationError({"by": BY_INVALID})
        if origin not in selectors.ORIGINS:
            raise ValidationError({"origin": ORIGIN_INVALID})
        return Response(selectors.decision_groups(by=by, origin=origin))
