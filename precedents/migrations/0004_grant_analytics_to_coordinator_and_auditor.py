"""Decision analytics are for coordinators and auditors: grant the permission to those groups (created here if the
access-control migration has not made them yet; superusers have every permission anyway)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Coordinator", "Auditor")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("precedents")
    app_config.models_module = True  # create_permissions skips apps without models in a migration's state
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(codename="view_analytics", content_type__app_label="precedents")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(codename="view_analytics", content_type__app_label="precedents").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("precedents", "0003_seed_treatment_categories"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
