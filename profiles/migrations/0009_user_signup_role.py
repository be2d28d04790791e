from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0008_program_suggestion_gap"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="signup_role",
            field=models.CharField(
                blank=True,
                choices=[("mentor", "Mentor"), ("mentee", "Mentee")],
                editable=False,
                max_length=10,
                verbose_name="role chosen at sign-up",
            ),
        ),
    ]
