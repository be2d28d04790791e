"""Upgrading to cycles and program roles keeps every program working as before:

- each program gets one open-ended cycle, "Ongoing", with registration open, and
  everyone in the program takes part in it (their Enrolment dated when they joined);
- each staff member who is not a superuser was, until now, an admin of every program:
  they keep exactly that, as program admin of each one, reading background answers
  where they held the old sensitive-answers permission. A superuser can narrow it
  with ``manage.py program_role`` or the Roles page (docs/admin-guide.md)."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def forwards(apps, schema_editor):
    Program = apps.get_model("profiles", "Program")
    Cycle = apps.get_model("profiles", "Cycle")
    Profile = apps.get_model("profiles", "Profile")
    Enrolment = apps.get_model("profiles", "Enrolment")
    ProgramRole = apps.get_model("profiles", "ProgramRole")
    User = apps.get_model("profiles", "User")
    now = timezone.now()
    for program in Program.objects.all():
        if Cycle.objects.filter(program=program).exists():
            continue
        cycle = Cycle.objects.create(
            program=program,
            name="Ongoing",
            registration_opens=timezone.localdate(program.created_at),
            state="registration",
            state_changed_at=now,
        )
        people = Profile.objects.filter(program=program)
        Enrolment.objects.bulk_create(
            [
                Enrolment(profile_id=pk, cycle=cycle, enrolled_at=joined)
                for pk, joined in people.values_list("pk", "created_at").iterator()
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        people.update(cycle=cycle)
    sensitive = Q(user_permissions__codename="view_sensitive_answers") | Q(
        groups__permissions__codename="view_sensitive_answers"
    )
    readers = set(User.objects.filter(sensitive).values_list("pk", flat=True))
    for user in User.objects.filter(is_staff=True, is_superuser=False, is_active=True):
        for program in Program.objects.all():
            ProgramRole.objects.get_or_create(
                user=user,
                program=program,
                defaults={"role": "admin", "may_read_background": user.pk in readers},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0012_cycles_and_program_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
