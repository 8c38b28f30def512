"""What the case's change page shows, and in which order: the application, the lifecycle, the reviewer, the deadlines
(described from ``cases.deadlines``), letters, the timeline and the access log. The add page is the intake's
(``cases.admin.intake.INTAKE_FIELDSETS``)."""

from ..deadlines import DEADLINES_DESCRIPTION

# The clocks: set by the moves (the notice, the records, an extension), shown in the "Deadlines" fieldset.
DEADLINE_FIELDS = (
    "date_assigned",
    "notice_channel",
    "records_due",
    "records_complete",
    "decision_due",
    "extension_days",
    "extension_reason",
    "extension_approved_by",
)
# What transitions own: shown, never edited here.
TRANSITION_FIELDS = (
    "status",
    "found_eligible_at",
    "status_reason",
    "ineligibility_code",
    "fee_tier",
    "reviewer",
    "review_started_at",
    "review_cycle",
    *DEADLINE_FIELDS,
)
# Read-only displays of the change page (cases.admin.case_display.CaseDisplaysMixin and the lifecycle buttons).
DISPLAY_FIELDS = (
    "lifecycle_buttons",
    "injured_worker",
    "current_reviewer",
    "timeline",
    "assignment_suggestions",
    "recent_accesses",
    "letter_status",
    "documents",
    "case_records",
)

_APPLICATION = (
    None,
    {
        "fields": (
            "case_number",
            "injured_worker",
            "claim",
            "priority",
            "application_received",
            "ur_decision_date",
            "ur_organization",
            "parent",
        ),
    },
)
CASE_FIELDSETS = [
    _APPLICATION,
    (
        "Lifecycle",
        {
            "fields": (
                "lifecycle_buttons",
                "status",
                "found_eligible_at",
                "status_reason",
                "ineligibility_code",
                "fee_tier",
            ),
            "description": "received → eligibility review → found eligible → assigned → awaiting records → "
            "in review → signed → issued → (appealed → remanded → assigned…); or eligibility review → "
            "(ineligible → appealed → remanded → eligibility review | deferred). Any state before signing "
            "may end as withdrawn or terminated.",
        },
    ),
    (
        "Reviewer",
        {"fields": ("current_reviewer", "review_started_at", "review_cycle", "assignment_suggestions")},
    ),
    (
        "Deadlines",
        {
            "fields": DEADLINE_FIELDS,
            "description": DEADLINES_DESCRIPTION,
        },
    ),
    ("Letters and notices", {"fields": ("letter_status", "documents")}),
    ("Records: assignments, determinations, notices, proof of service", {"fields": ("case_records",)}),
    ("Timeline", {"fields": ("timeline",)}),
    ("Recent access (PHI log)", {"fields": ("recent_accesses",), "classes": ("collapse",)}),
    ("Reviewer's draft", {"fields": ("clinical_summary",), "classes": ("collapse",)}),
]
