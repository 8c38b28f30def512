"""The case file: worker, claim, parties, case, history, documents, disputed items, the guideline library and
citations, signed determinations, letters, and the timeline, one module per part. Writes go through
``cases.services``; everything is importable from ``cases.models``."""

from ..deadlines import PacificDate  # the migrations name it ``cases.models.PacificDate``
from .case import (
    BEFORE_SIGNING_STATUSES,
    CASE_NUMBER_RE,
    OPEN_REVIEW_STATUSES,
    QUEUE_RANK,
    RUNNING_DEADLINE,
    UR_DECISION_AFTER_APPLICATION,
    UR_ORGANIZATION_LABEL,
    UR_ORGANIZATION_ROLE,
    VIEW_ALL_CASES,
    VIEW_ALL_CASES_PERMISSION,
    Case,
    Claim,
    FeeTier,
    IneligibilityCode,
    InjuredWorker,
    NoticeChannel,
    Party,
    Priority,
    Sex,
    Status,
    TreatmentEvent,
    fold_whitespace,
    normalize_title,
    party_role_label,
)
from .documents import (
    CLINICAL_DOCUMENT_TYPES,
    DOCUMENT_EMPTY,
    DOCUMENT_FORMATS,
    DOCUMENT_TOO_LARGE,
    DOCUMENT_WRONG_CONTENT,
    DOCUMENT_WRONG_EXTENSION,
    Document,
    DocumentPage,
    DocumentReview,
    document_content_type,
    document_upload_to,
    validate_document_file,
)
from .letters import (
    Letter,
    RenderedDocument,
    RenderStatus,
    letter_upload_to,
)
from .review import (
    Citation,
    Correction,
    Decision,
    Determination,
    DisputedItem,
    Guideline,
    GuidelineTopic,
    UROutcome,
)
from .timeline import (
    UNKNOWN_EVENT_KIND,
    Assignment,
    CaseAccess,
    CaseEvent,
)
