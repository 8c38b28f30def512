"""Reviewer profiles, credentials and declared affiliations, as administrators keep them.

Matching a reviewer to a case reads these rows (``cases.assignment``): an expired or restricted licence, an expired
board certification, an inactive profile, a full capacity or a declared affiliation with a party each keep the
reviewer off a case.
"""

from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils import timezone

from cases.admin.common import HistoryAdmin, ReviewerLabelMixin
from cases.deadlines import CREDENTIAL_WARNING_DAYS
from cases.selectors import cases_held_by

from .models import Affiliation, BoardCertification, License, Reviewer, Specialty
from .selectors import (
    reviewers_credentials_expired,
    reviewers_credentials_expiring,
    reviewers_for_display,
    reviewers_with_open_cases,
)

INACTIVE_HOLDS_CASES = (
    "{reviewer} is inactive and holds {count} open case(s): {cases}. They can no longer open or sign them; "
    "reassign each from its case page."
)
INACTIVE_HOLDS_CASES_HELP = "Inactive: can no longer open or sign these cases; reassign them."


class CredentialFilter(admin.SimpleListFilter):
    """Licences and board certifications to renew: lapsed ones keep the reviewer off cases and off signing."""

    title = "credentials"
    parameter_name = "credentials"

    def lookups(self, request, model_admin):
        return [("expired", "Expired"), ("expiring", f"Expiring within {CREDENTIAL_WARNING_DAYS} days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return reviewers_credentials_expired(queryset, today)
        if self.value() == "expiring":
            return reviewers_credentials_expiring(queryset, today)
        return queryset


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class LicenseInline(admin.TabularInline):
    model = License
    extra = 0
    fields = ("state", "number", "expires_on", "restricted")


class BoardCertificationInline(admin.TabularInline):
    model = BoardCertification
    extra = 0
    fields = ("specialty", "board", "certified_on", "expires_on")
    autocomplete_fields = ("specialty",)


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    fields = ("kind", "name", "note", "declared_on")


@admin.register(Reviewer)
class ReviewerAdmin(HistoryAdmin):
    list_display = ("reference", "name", "degree", "active", "open_cases", "capacity", "years_in_practice")
    list_select_related = ("user",)
    list_filter = ("active", CredentialFilter, "degree", "specialties")
    search_fields = ("reference", "user__username", "user__last_name", "user__first_name")
    autocomplete_fields = ("user",)
    filter_horizontal = ("specialties",)
    inlines = [LicenseInline, BoardCertificationInline, AffiliationInline]
    readonly_fields = ("cases_held",)
    fieldsets = [
        (None, {"fields": ("user", "reference", "degree", "active", "cases_held")}),
        (
            "Practice",
            {
                "fields": ("specialties", "years_in_practice", "weekly_practice_hours", "capacity"),
                "description": "Letters state only what the profile holds: 'more than five years' needs more than "
                "5 years, 'at least 24 hours a week' needs 24 or more.",
            },
        ),
    ]

    def get_queryset(self, request):
        return reviewers_for_display(reviewers_with_open_cases(super().get_queryset(request)))

    def autocomplete_label(self, obj):
        """What a reviewer picker (autocomplete) shows: the coordinator's label, not the bare reference."""
        return obj.label

    @admin.display(description="name", ordering="user__last_name")
    def name(self, obj):
        return f"Dr. {obj.user.get_full_name()}" if obj.user.get_full_name() else obj.user.get_username()

    @admin.display(description="open cases", ordering="open_cases")
    def open_cases(self, obj):
        return obj.open_cases

    @admin.display(description="cases held")
    def cases_held(self, obj):
        """The open cases naming this reviewer; an inactive reviewer can no longer open or sign them."""
        held = list(cases_held_by(obj)) if obj is not None and obj.pk else []
        if not held:
            return "None."
        return render_to_string(
            "admin/reviewers/reviewer/_cases_held.html",
            {"reviewer": obj, "held": held, "inactive_help": INACTIVE_HOLDS_CASES_HELP},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        held = list(cases_held_by(obj)) if not obj.active else []
        if held:
            numbers = ", ".join(c.case_number for c in held)
            messages.warning(request, INACTIVE_HOLDS_CASES.format(reviewer=obj, count=len(held), cases=numbers))


@admin.register(License)
class LicenseAdmin(ReviewerLabelMixin, HistoryAdmin):
    list_display = ("reviewer_label", "state", "number", "expires_on", "restricted")
    list_select_related = ("reviewer",)
    list_filter = ("state", "restricted")
    search_fields = ("reviewer__reference", "reviewer__user__last_name", "number")
    autocomplete_fields = ("reviewer",)
    date_hierarchy = "expires_on"


@admin.register(BoardCertification)
class BoardCertificationAdmin(ReviewerLabelMixin, HistoryAdmin):
    list_display = ("reviewer_label", "specialty", "board", "certified_on", "expires_on")
    list_select_related = ("reviewer", "specialty")
    list_filter = ("specialty",)
    search_fields = ("reviewer__reference", "reviewer__user__last_name", "board", "specialty__name")
    autocomplete_fields = ("reviewer", "specialty")


@admin.register(Affiliation)
class AffiliationAdmin(ReviewerLabelMixin, HistoryAdmin):
    list_display = ("reviewer_label", "kind", "name", "declared_on")
    list_select_related = ("reviewer",)
    list_filter = ("kind",)
    search_fields = ("name", "reviewer__reference", "reviewer__user__last_name")
    autocomplete_fields = ("reviewer",)
