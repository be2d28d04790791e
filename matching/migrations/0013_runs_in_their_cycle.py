"""Each past run belongs to its program's one open-ended cycle (profiles 0013)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Cycle = apps.get_model("profiles", "Cycle")
    MatchingRun = apps.get_model("matching", "MatchingRun")
    first = Cycle.objects.filter(program=OuterRef("program")).order_by("pk").values("pk")[:1]
    MatchingRun.objects.filter(cycle__isnull=True).update(cycle=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0012_run_cycle"),
        ("profiles", "0013_every_program_gets_a_cycle"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
