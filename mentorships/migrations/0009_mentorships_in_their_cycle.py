"""Each mentorship belongs to the cycle it was made in: before cycles, that is its
program's one open-ended cycle (profiles 0013)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Cycle = apps.get_model("profiles", "Cycle")
    Mentorship = apps.get_model("mentorships", "Mentorship")
    first = Cycle.objects.filter(program=OuterRef("program")).order_by("pk").values("pk")[:1]
    Mentorship.objects.filter(cycle__isnull=True).update(cycle=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0008_cycles"),
        ("profiles", "0013_every_program_gets_a_cycle"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
