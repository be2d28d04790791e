"""Upgrading a database from before mentorships/ had an app of its own: the
models move with their tables, and nothing is lost on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("matching", "0007_suggestion_top_score_index"),
    ("profiles", "0004_sensitive_access_log"),
    ("dashboard", "0001_initial"),
]
AFTER = [
    ("mentorships", "0001_initial"),
    ("matching", "0008_mentorships_and_emails_move_out"),
    ("profiles", "0006_welcome_emails_in_the_outbox"),
]


def seed_before(apps) -> dict:
    """A little of everything, written through the old models."""
    user = apps.get_model("profiles", "User")
    program = apps.get_model("profiles", "Program").objects.get(slug="default")
    profile = apps.get_model("profiles", "Profile")
    mentorship = apps.get_model("matching", "Mentorship")
    check_in = apps.get_model("matching", "CheckIn")
    sent_email = apps.get_model("matching", "SentEmail")
    now = timezone.now()
    people = [
        user.objects.create(email=f"p{i}@example.org", welcome_email_sent_at=now - timedelta(i))
        for i in range(4)
    ]
    mentees = [profile.objects.create(user=u, program=program, role="mentee") for u in people[:2]]
    mentors = [profile.objects.create(user=u, program=program, role="mentor") for u in people[2:]]
    active = mentorship.objects.create(
        program=program, mentee=mentees[0], mentor=mentors[0], status="active", started_at=now
    )
    mentorship.objects.create(
        program=program,
        mentee=mentees[1],
        mentor=mentors[1],
        status="declined",
        decline_reason="timing",
        decline_note="Sorry!",
    )
    check_in.objects.create(mentorship=active, author=mentees[0], rating=4, note="Going well")
    sent_email.objects.create(key=f"matched:{active.pk}:{mentees[0].pk}", to=people[0])
    return {"active": active.pk, "users": [u.pk for u in people], "now": now}


def before(migrator):
    """The apps as they stood before the move, on an empty database."""
    migrator.apply_initial_migration(BEFORE)
    return migrator.apply_tested_migration(BEFORE).apps


def test_upgrading_keeps_every_mentorship_check_in_and_email(migrator):
    seeded = seed_before(before(migrator))
    apps = migrator.apply_tested_migration(AFTER).apps

    mentorship = apps.get_model("mentorships", "Mentorship")
    assert sorted(mentorship.objects.values_list("status", "decline_note")) == [
        ("active", ""),
        ("declined", "Sorry!"),
    ]
    active = mentorship.objects.get(pk=seeded["active"])
    (entry,) = apps.get_model("mentorships", "CheckIn").objects.filter(mentorship=active)
    assert (entry.rating, entry.note, entry.author_id) == (4, "Going well", active.mentee_id)
    keys = set(apps.get_model("profiles", "SentEmail").objects.values_list("key", flat=True))
    welcomes = {f"welcome:{pk}" for pk in seeded["users"]}
    assert keys == {f"matched:{active.pk}:{active.mentee_id}", *welcomes}


def test_the_upgrade_can_be_undone_without_loss(migrator):
    seeded = seed_before(before(migrator))
    migrator.apply_tested_migration(AFTER)
    apps = migrator.apply_tested_migration(BEFORE).apps

    assert apps.get_model("matching", "Mentorship").objects.count() == 2
    assert apps.get_model("matching", "CheckIn").objects.count() == 1
    user = apps.get_model("profiles", "User")
    assert user.objects.filter(welcome_email_sent_at__isnull=False).count() == 4
    assert (
        apps.get_model("matching", "SentEmail").objects.filter(key__startswith="matched").exists()
    )
    assert seeded["active"] in apps.get_model("matching", "Mentorship").objects.values_list(
        "pk", flat=True
    )


@pytest.fixture
def migrator(migrator_factory):
    """django-test-migrations' migrator, reset to the newest state whatever happens."""
    m = migrator_factory()
    yield m
    m.reset()


def test_the_upgrade_frees_pairs_whose_request_closed(migrator):
    migrator.apply_initial_migration(("matching", "0008_mentorships_and_emails_move_out"))
    apps = migrator.apply_tested_migration(
        ("matching", "0008_mentorships_and_emails_move_out")
    ).apps
    user = apps.get_model("profiles", "User")
    program = apps.get_model("profiles", "Program").objects.get(slug="default")
    profile = apps.get_model("profiles", "Profile")
    mentorship = apps.get_model("mentorships", "Mentorship")
    suggestion = apps.get_model("matching", "Suggestion")
    people = [user.objects.create(email=f"q{i}@example.org") for i in range(3)]
    mentee = profile.objects.create(user=people[0], program=program, role="mentee")
    waiting, overtaken = (
        profile.objects.create(user=u, program=program, role="mentor") for u in people[1:]
    )
    mentorship.objects.create(program=program, mentee=mentee, mentor=waiting)
    mentorship.objects.create(program=program, mentee=mentee, mentor=overtaken, status="withdrawn")
    for mentor in (waiting, overtaken):
        suggestion.objects.create(
            program=program, mentee=mentee, mentor=mentor, score=50, status="requested"
        )

    apps = migrator.apply_tested_migration(("matching", "0009_free_pairs_of_closed_requests")).apps
    left = apps.get_model("matching", "Suggestion").objects.values_list("mentor_id", flat=True)
    assert list(left) == [waiting.pk]


def test_the_upgrade_forgets_the_vague_background_reasons(migrator):
    before_ = ("matching", "0009_free_pairs_of_closed_requests")
    migrator.apply_initial_migration(before_)
    apps = migrator.apply_tested_migration(before_).apps
    program = apps.get_model("profiles", "Program").objects.get(slug="default")
    user = apps.get_model("profiles", "User")
    profile = apps.get_model("profiles", "Profile")
    mentee, mentor = (
        profile.objects.create(
            user=user.objects.create(email=f"v{role}@example.org"), program=program, role=role
        )
        for role in ("mentee", "mentor")
    )
    apps.get_model("matching", "Suggestion").objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        score=60,
        reasons=["Shared values: family", "Strong background fit", "Same timezone"],
    )
    apps = migrator.apply_tested_migration(
        ("matching", "0010_forget_vague_background_reasons")
    ).apps
    (reasons,) = apps.get_model("matching", "Suggestion").objects.values_list("reasons", flat=True)
    assert reasons == ["Shared values: family", "Same timezone"]
