"""Suggestions no longer say "Strong background fit" or "Some shared background"
to a viewer the other person keeps their background from: beside the viewer's
own answers it told what the other's were. Drop the phrases already stored;
the next re-score writes every list afresh anyway."""

from django.db import migrations

VAGUE = ("Strong background fit", "Some shared background")


def forget(apps, schema_editor):
    suggestion = apps.get_model("matching", "Suggestion")
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE matching_suggestion SET reasons = reasons - %s - %s"
                " WHERE reasons ?| %s",
                [*VAGUE, list(VAGUE)],
            )
        return
    for row in suggestion.objects.only("pk", "reasons").iterator():
        kept = [r for r in row.reasons if r not in VAGUE]
        if kept != row.reasons:
            suggestion.objects.filter(pk=row.pk).update(reasons=kept)


class Migration(migrations.Migration):
    dependencies = [("matching", "0009_free_pairs_of_closed_requests")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
