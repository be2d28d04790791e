"""Mentorships and check-ins move here from matching/ and keep their tables
(matching_mentorship, matching_checkin): the state moves, no row is copied.
Matching's 0008 forgets them on its side."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("mentorship", "checkin")


def move_content_types(apps, schema_editor, old="matching", new="mentorships"):
    """Permissions and admin history follow the models to their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="mentorships", new="matching")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("matching", "0007_suggestion_top_score_index"),
        ("profiles", "0004_sensitive_access_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Mentorship',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('requested', 'Requested'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn'), ('expired', 'Expired'), ('active', 'Active'), ('completed', 'Completed'), ('ended', 'Ended')], default='requested', max_length=10)),
                        ('source', models.CharField(choices=[('request', 'Mentee request'), ('admin', 'Admin match'), ('auto', 'Auto-assignment')], default='request', max_length=8)),
                        ('message', models.TextField(blank=True, max_length=1000)),
                        ('score', models.FloatField(blank=True, null=True)),
                        ('requested_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('started_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('ended_at', models.DateTimeField(blank=True, null=True)),
                        ('decline_reason', models.CharField(blank=True, choices=[('no_room', 'I have no room for another mentee right now'), ('not_my_area', 'Their goals are outside what I can help with'), ('timing', 'Our schedules or timezones will not work'), ('better_fit', 'I think another mentor would suit them better'), ('other', 'Another reason')], max_length=12)),
                        ('decline_note', models.TextField(blank=True, max_length=500)),
                        ('end_reason', models.CharField(blank=True, choices=[('goals_met', 'We reached our goals'), ('no_time', 'One of us no longer has time'), ('not_working', 'It is not working out'), ('moved_on', 'A change of job, place or program'), ('other', 'Another reason')], max_length=12)),
                        ('end_note', models.TextField(blank=True, max_length=500)),
                        ('ended_by', models.CharField(blank=True, max_length=8)),
                        ('reminded_at', models.DateTimeField(blank=True, null=True)),
                        ('prompted_week_2_at', models.DateTimeField(blank=True, null=True)),
                        ('prompted_week_8_at', models.DateTimeField(blank=True, null=True)),
                        ('health', models.CharField(blank=True, choices=[('', 'No concern'), ('no_check_in', 'No check-in by week 3'), ('low_rating', 'A check-in rated 2 or lower')], default='', max_length=12)),
                        ('health_flagged_at', models.DateTimeField(blank=True, null=True)),
                        ('override_reason', models.CharField(blank=True, max_length=300)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('mentee', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='mentorships_as_mentee', to='profiles.profile')),
                        ('mentor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='mentorships_as_mentor', to='profiles.profile')),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mentorships', to='profiles.program')),
                    ],
                    options={
                        'db_table': 'matching_mentorship',
                        'ordering': ['-requested_at'],
                    },
                ),
                migrations.CreateModel(
                    name='CheckIn',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.PositiveSmallIntegerField()),
                        ('note', models.TextField(blank=True, max_length=1000)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='profiles.profile')),
                        ('mentorship', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='check_ins', to='mentorships.mentorship')),
                    ],
                    options={
                        'db_table': 'matching_checkin',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='mentorship',
                    index=models.Index(fields=['mentor', 'status'], name='mentorship_mentor_status'),
                ),
                migrations.AddIndex(
                    model_name='mentorship',
                    index=models.Index(fields=['mentee', 'status'], name='mentorship_mentee_status'),
                ),
                migrations.AddIndex(
                    model_name='mentorship',
                    index=models.Index(fields=['program', 'status'], name='mentorship_program_status'),
                ),
                migrations.AddConstraint(
                    model_name='mentorship',
                    constraint=models.CheckConstraint(condition=models.Q(('mentee', models.F('mentor')), _negated=True), name='mentorship_not_self'),
                ),
                migrations.AddConstraint(
                    model_name='mentorship',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['requested', 'accepted', 'active'])), fields=('mentee', 'mentor'), name='mentorship_one_open_per_pair'),
                ),
                migrations.AddConstraint(
                    model_name='mentorship',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'declined'), _negated=True), models.Q(('decline_reason', ''), _negated=True), _connector='OR'), name='mentorship_decline_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='mentorship',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['completed', 'ended']), _negated=True), models.Q(('end_reason', ''), _negated=True), _connector='OR'), name='mentorship_end_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='checkin',
                    constraint=models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 5)), name='checkin_rating_1_5'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
