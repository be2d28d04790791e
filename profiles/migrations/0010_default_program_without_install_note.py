from django.db import migrations

INSTALL_NOTE = "The program a fresh install starts with. Rename it in the admin."


def drop_install_note(apps, schema_editor):
    """The default program's description is shown on the landing page to everyone:
    a note meant for whoever installed Kindred does not belong there."""
    Program = apps.get_model("profiles", "Program")
    Program.objects.filter(description=INSTALL_NOTE).update(description="")


class Migration(migrations.Migration):
    dependencies = [("profiles", "0009_user_signup_role")]

    operations = [migrations.RunPython(drop_install_note, migrations.RunPython.noop)]
