"""The staff roles (README, "Roles"): groups with least privilege, defined here and kept to this definition.

``roles_ensure`` creates each group and gives it exactly the permissions listed (a right added to a group in the
admin is taken away again): a role is changed here, in a reviewed commit, not by hand. It runs in the data migration
that introduced the roles and after every ``migrate`` (post_migrate, which a test database's flush also sends).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

COORDINATOR = "Coordinator"
REVIEWER_MANAGER = "Reviewer manager"
LIBRARY_EDITOR = "Library editor"
AUDITOR = "Auditor"

_CASE_CONTENT = ["injuredworker", "claim", "case", "party", "treatmentevent", "document", "disputeditem", "citation"]
_CASE_RECORDS = ["documentreview", "determination", "letter", "assignment", "caseevent", "caseaccess"]
_CASE_RECORDS = [*_CASE_RECORDS, "correction"]
_REVIEWER_MODELS = ["reviewer", "specialty", "license", "boardcertification", "affiliation"]
_NOTICE_MODELS = ["notice", "service"]


def _perms(app, actions, models):
    return [(app, f"{action}_{model}") for model in models for action in actions]


ROLES = {
    # Intake, lifecycle (eligibility, assignment, records, closing), letters; sees every case. Reads the reviewers
    # it assigns.
    COORDINATOR: [
        ("cases", "view_all_cases"),
        ("precedents", "view_analytics"),
        *_perms("cases", ["add", "change", "view"], _CASE_CONTENT),
        *_perms("cases", ["delete"], ["party", "treatmentevent", "document"]),
        *_perms("cases", ["view"], [*_CASE_RECORDS, "guideline"]),
        ("cases", "change_letter"),
        # Notices, their proof of service and public copies: read, serve and retry (the notices' admin actions).
        *_perms("notices", ["view"], _NOTICE_MODELS),
        ("notices", "change_notice"),
        *_perms("reviewers", ["view"], _REVIEWER_MODELS),
    ],
    # Reviewers, their credentials and affiliations; no case content. view_user: to pick a reviewer's login.
    REVIEWER_MANAGER: [
        *_perms("reviewers", ["add", "change", "delete", "view"], _REVIEWER_MODELS),
        ("auth", "view_user"),
    ],
    # The guideline library only.
    LIBRARY_EDITOR: _perms("cases", ["add", "change", "delete", "view"], ["guideline"]),
    # Read-only: every case with its timeline, access log and row history (the history pages ask for the view right).
    AUDITOR: [
        ("cases", "view_all_cases"),
        ("precedents", "view_analytics"),
        *_perms("cases", ["view"], [*_CASE_CONTENT, *_CASE_RECORDS, "guideline"]),
        *_perms("notices", ["view"], _NOTICE_MODELS),
    ],
}


def roles_ensure(apps=global_apps):
    """Create the groups of ``ROLES`` with exactly their permissions (``apps``: a migration's historical apps)."""
    labels = []
    for label in ("auth", "cases", "reviewers", "notices", "precedents"):
        try:
            config = apps.get_app_config(label)
        except LookupError:  # no model of this app in a migration's state yet
            continue
        labels.append(label)
        # A migration's app configs are stubs without a models module, which create_permissions would skip.
        stub = getattr(config, "models_module", None) is None
        if stub:
            config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        if stub:
            config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    existing = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(content_type__app_label__in=labels).select_related("content_type")
    }
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        # A right of a model a migration's state does not hold yet is left to post_migrate, which runs with every
        # model (test_the_groups_hold_exactly_their_rights checks the result, so a misspelt right still fails).
        group.permissions.set([existing[perm] for perm in perms if perm in existing])


def roles_after_migrate(sender, **kwargs):
    roles_ensure()
