"""Before every departure went through one path, deleting a person in the
Django admin left their open requests and mentorships with an empty side,
holding a mentor's place for ever. Close them as the departure path does."""

from django.db import migrations
from django.utils import timezone

OPEN = ("requested", "accepted", "active")


def close_orphans(apps, schema_editor):
    mentorship = apps.get_model("mentorships", "Mentorship")
    now = timezone.now()
    for side in ("mentee", "mentor"):
        orphans = mentorship.objects.filter(**{f"{side}__isnull": True}, status__in=OPEN)
        orphans.filter(status="requested").update(
            status="withdrawn", decided_at=now, ended_by=side
        )
        orphans.exclude(status="requested").update(
            status="ended", ended_at=now, end_reason="moved_on", ended_by=side
        )


class Migration(migrations.Migration):
    dependencies = [("mentorships", "0001_initial")]

    operations = [migrations.RunPython(close_orphans, migrations.RunPython.noop)]
