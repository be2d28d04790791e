"""A request closed because its mentee was paired with another mentor left
the pair's suggestion marked requested, which kept that mentor out of the
mentee's lists for good. Free every such pair: a requested suggestion stands
only while the pair's request or mentorship is open."""

from django.db import migrations
from django.db.models import Exists, OuterRef

OPEN = ("requested", "accepted", "active")


def free_pairs(apps, schema_editor):
    suggestion = apps.get_model("matching", "Suggestion")
    mentorship = apps.get_model("mentorships", "Mentorship")
    open_pair = mentorship.objects.filter(
        mentee_id=OuterRef("mentee_id"), mentor_id=OuterRef("mentor_id"), status__in=OPEN
    )
    suggestion.objects.filter(status="requested").exclude(Exists(open_pair)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0008_mentorships_and_emails_move_out"),
        ("mentorships", "0001_initial"),
    ]

    operations = [migrations.RunPython(free_pairs, migrations.RunPython.noop)]
