"""The outbox's record of emails sent moves here from matching/ and keeps its
table (matching_sentemail): the state moves, no row is copied."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="matching", new="profiles"):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label=new, model="sentemail").exists():
        content_type.objects.filter(app_label=old, model="sentemail").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="profiles", new="matching")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("profiles", "0004_sensitive_access_log"),
        # The table was made by matching's 0002.
        ("matching", "0007_suggestion_top_score_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SentEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=120, unique=True)),
                        ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "to",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "matching_sentemail", "ordering": ["-sent_at"]},
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
