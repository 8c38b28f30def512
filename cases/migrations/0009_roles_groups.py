"""The staff roles as groups with least privilege (``cases.roles``; README, "Roles")."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from cases.roles import roles_ensure

    roles_ensure(apps)


def delete_roles(apps, schema_editor):
    from cases.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_view_all_cases_permission"),
        ("reviewers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
