"""Upgrading a database from before mentorships/ had an app of its own: the
models move with their tables, and nothing is lost on the way."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
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


# The schema just before cycles and program roles (issue 21), and the newest one.
BEFORE_CYCLES = [
    ("profiles", "0011_audit_entry"),
    ("mentorships", "0007_note_meeting"),
    ("matching", "0011_assignment_pair_removed"),
    ("dashboard", "0004_digest_choice"),
    ("api", "0001_initial"),
    ("privacy", "0001_initial"),
]
OUR_APPS = {"profiles", "mentorships", "matching", "dashboard", "api", "privacy"}


def newest() -> list[tuple[str, str]]:
    """Each app's latest migration, whichever that is by now."""
    leaves = MigrationLoader(connection, ignore_no_migrations=True).graph.leaf_nodes()
    return sorted(node for node in leaves if node[0] in OUR_APPS)


def seed_before_cycles(apps) -> dict:
    """Two programs, each with mentees and mentors, mentorships in several states, a
    run and a check-in; staff with and without the old sensitive-answers permission
    (one holding it through a group), an inactive staff member and a superuser."""
    user = apps.get_model("profiles", "User")
    program_model = apps.get_model("profiles", "Program")
    profile = apps.get_model("profiles", "Profile")
    mentorship = apps.get_model("mentorships", "Mentorship")
    check_in = apps.get_model("mentorships", "CheckIn")
    run = apps.get_model("matching", "MatchingRun")
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group")
    now = timezone.now()
    # The migrator mutes post_migrate, so the permission is made as migrate would make it.
    sensitive = permission.objects.create(
        codename="view_sensitive_answers",
        name="Can view raw background answers",
        content_type=content_type.objects.get_or_create(app_label="profiles", model="profile")[0],
    )
    programs = [
        program_model.objects.get(slug="default"),
        program_model.objects.create(name="First-Gen Network", slug="first-gen"),
    ]
    made = {"profiles": {}, "mentorships": {}, "runs": {}, "check_ins": []}
    for n, program in enumerate(programs):
        people = [
            user.objects.create(email=f"u{n}-{i}@example.org", first_name=f"U{n}{i}")
            for i in range(5)
        ]
        mentees = [
            profile.objects.create(user=u, program=program, role="mentee", display_name=u.email)
            for u in people[:3]
        ]
        mentors = [
            profile.objects.create(user=u, program=program, role="mentor", display_name=u.email)
            for u in people[3:]
        ]
        for p in (*mentees, *mentors):
            made["profiles"][p.pk] = (program.pk, p.role, p.created_at)
        active = mentorship.objects.create(
            program=program, mentee=mentees[0], mentor=mentors[0], status="active", started_at=now
        )
        states = [
            active,
            mentorship.objects.create(program=program, mentee=mentees[1], mentor=mentors[1]),
            mentorship.objects.create(
                program=program,
                mentee=mentees[2],
                mentor=mentors[0],
                status="declined",
                decline_reason="timing",
            ),
            mentorship.objects.create(
                program=program,
                mentee=mentees[2],
                mentor=mentors[1],
                status="completed",
                started_at=now - timedelta(days=90),
                ended_at=now - timedelta(days=5),
                end_reason="goals_met",
            ),
        ]
        for m in states:
            made["mentorships"][m.pk] = (program.pk, m.status)
        made["check_ins"].append(
            check_in.objects.create(mentorship=active, author=mentees[0], rating=4).pk
        )
        for kind in ("score", "assign"):
            r = run.objects.create(program=program, kind=kind, status="succeeded")
            made["runs"][r.pk] = (program.pk, kind)
    reader = user.objects.create(email="reader@example.org", is_staff=True)
    reader.user_permissions.add(sensitive)
    readers = group.objects.create(name="Background readers")
    readers.permissions.add(sensitive)
    group_reader = user.objects.create(email="group-reader@example.org", is_staff=True)
    group_reader.groups.add(readers)
    plain = user.objects.create(email="plain-staff@example.org", is_staff=True)
    gone = user.objects.create(email="gone@example.org", is_staff=True, is_active=False)
    gone.user_permissions.add(sensitive)
    root = user.objects.create(email="root@example.org", is_staff=True, is_superuser=True)
    made.update(
        programs=[p.pk for p in programs],
        users=set(user.objects.values_list("pk", flat=True)),
        reader=reader.pk,
        group_reader=group_reader.pk,
        plain=plain.pk,
        gone=gone.pk,
        root=root.pk,
    )
    return made


def test_the_cycles_upgrade_keeps_every_record_and_gives_each_program_its_cycle(migrator):
    migrator.apply_initial_migration(BEFORE_CYCLES)
    seeded = seed_before_cycles(migrator.apply_tested_migration(BEFORE_CYCLES).apps)
    apps = migrator.apply_tested_migration(newest()).apps

    cycle = apps.get_model("profiles", "Cycle")
    profile = apps.get_model("profiles", "Profile")
    enrolment = apps.get_model("profiles", "Enrolment")
    mentorship = apps.get_model("mentorships", "Mentorship")
    run = apps.get_model("matching", "MatchingRun")
    # Every record is kept, as it was.
    assert (
        set(apps.get_model("profiles", "User").objects.values_list("pk", flat=True))
        == (seeded["users"])
    )
    assert {p.pk: (p.program_id, p.role, p.created_at) for p in profile.objects.all()} == (
        seeded["profiles"]
    )
    assert (
        dict(
            (pk, (program, status))
            for pk, program, status in mentorship.objects.values_list("pk", "program", "status")
        )
        == seeded["mentorships"]
    )
    assert {r.pk: (r.program_id, r.kind) for r in run.objects.all()} == seeded["runs"]
    assert sorted(
        apps.get_model("mentorships", "CheckIn").objects.values_list("pk", flat=True)
    ) == sorted(seeded["check_ins"])
    # One open-ended cycle per program, registration open, that everyone takes part in.
    program_ids = set(apps.get_model("profiles", "Program").objects.values_list("pk", flat=True))
    assert program_ids == set(seeded["programs"])
    cycles = {c.program_id: c for c in cycle.objects.all()}
    assert set(cycles) == program_ids and cycle.objects.count() == len(program_ids)
    for c in cycles.values():
        assert (c.name, c.state, c.registration_closes, c.ends_on) == (
            "Ongoing",
            "registration",
            None,
            None,
        )
        assert c.registration_opens is not None
    for p in profile.objects.all():
        assert p.cycle_id == cycles[p.program_id].pk
        (e,) = enrolment.objects.filter(profile=p)
        assert (e.cycle_id, e.enrolled_at, e.carried_over) == (p.cycle_id, p.created_at, False)
    for m in mentorship.objects.all():
        assert m.cycle_id == cycles[m.program_id].pk
    for r in run.objects.all():
        assert r.cycle_id == cycles[r.program_id].pk
    # Staff keep what they had, now per program; superusers need no roles.
    roles = {
        (r.user_id, r.program_id): (r.role, r.may_read_background)
        for r in apps.get_model("profiles", "ProgramRole").objects.all()
    }
    expected = {}
    for who, reads in (("reader", True), ("group_reader", True), ("plain", False)):
        for program in program_ids:
            expected[(seeded[who], program)] = ("admin", reads)
    assert roles == expected
    assert not any(user in (seeded["root"], seeded["gone"]) for user, _ in roles)
