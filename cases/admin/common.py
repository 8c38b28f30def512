"""Shared pieces of the admin: read-only admin classes and how a refused service is shown."""

from django.contrib import admin
from django.core.exceptions import ValidationError

SUGGESTIONS_SHOWN = 10
RECENT_ACCESSES_SHOWN = 20


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ReadOnlyAdminMixin:
    """Rows written only by services (events, assignments, signed determinations, the access log)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True
