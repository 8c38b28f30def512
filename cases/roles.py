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
_REVIEWER_MODELS = ["reviewer", "specialty", "license", "boardcertification", "affiliation"]


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
    ],
}


def roles_ensure(apps=global_apps):
    """Create the groups of ``ROLES`` with exactly their permissions (``apps``: a migration's historical apps)."""
    migrated = set()
    for label in ("auth", "cases", "reviewers", "precedents"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            # An app whose models a migration's state does not hold yet (precedents while cases migrates): its
            # rights are granted by the post_migrate run at the end of the same migrate.
            continue
        migrated.add(label)
        # A migration's app configs are stubs without a models module, which create_permissions would skip.
        stub = getattr(config, "models_module", None) is None
        if stub:
            config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        if stub:
            config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
                if app in migrated
            ]
        )


def roles_after_migrate(sender, **kwargs):
    roles_ensure()
