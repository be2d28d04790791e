"""Mentorships and check-ins now belong to mentorships/, sent emails to
profiles/ (the outbox). Their tables stay as they are: only matching's state
forgets them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_suggestion_top_score_index"),
        ("mentorships", "0001_initial"),
        ("profiles", "0005_sentemail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="mentorship", name="created_by"),
                migrations.RemoveField(model_name="mentorship", name="mentee"),
                migrations.RemoveField(model_name="mentorship", name="mentor"),
                migrations.RemoveField(model_name="mentorship", name="program"),
                migrations.RemoveField(model_name="sentemail", name="to"),
                migrations.DeleteModel(name="CheckIn"),
                migrations.DeleteModel(name="Mentorship"),
                migrations.DeleteModel(name="SentEmail"),
            ],
        ),
    ]
