"""A welcome or invitation sent is recorded as the outbox records every email
(a SentEmail row keyed welcome:<user id>), not in a column of its own."""

from django.db import migrations


def to_outbox(apps, schema_editor):
    user = apps.get_model("profiles", "User")
    sent_email = apps.get_model("profiles", "SentEmail")
    sent_email.objects.bulk_create(
        [
            sent_email(key=f"welcome:{pk}", to_id=pk, sent_at=at)
            for pk, at in user.objects.filter(welcome_email_sent_at__isnull=False).values_list(
                "pk", "welcome_email_sent_at"
            )
        ],
        ignore_conflicts=True,
    )


def from_outbox(apps, schema_editor):
    user = apps.get_model("profiles", "User")
    sent_email = apps.get_model("profiles", "SentEmail")
    for row in sent_email.objects.filter(key__startswith="welcome:"):
        user.objects.filter(pk=row.to_id).update(welcome_email_sent_at=row.sent_at)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0005_sentemail")]

    operations = [
        migrations.RunPython(to_outbox, from_outbox),
        migrations.RemoveField(model_name="user", name="welcome_email_sent_at"),
    ]
