from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from mentorships.models import Mentorship
from profiles import cycles
from profiles.access import programs_for
from profiles.models import Consent, Cycle, Enrolment, Profile, Program, ProgramRole, User
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def snapshot(program_slug: str) -> list[tuple]:
    """Everything seed_demo decides about each person, without ids or times."""
    rows = []
    profiles = (
        Profile.objects.filter(
            program__slug=program_slug, user__email__contains="@demo.kindred.test"
        )
        .exclude(user__email__in=["mentee@demo.kindred.test", "mentor@demo.kindred.test"])
        .select_related("user", "industry")
        .prefetch_related("languages", "goals", "values", "background")
        .order_by("user__email")
    )
    for p in profiles:
        rows.append(
            (
                p.user.email.split("-", 1)[1],
                p.role,
                p.display_name,
                p.headline,
                p.career_stage,
                p.years_experience,
                p.industry.slug,
                p.timezone,
                p.city,
                p.meeting_format,
                p.capacity,
                p.is_paused,
                p.background_visibility,
                tuple(p.must_share),
                tuple(p.importances().values()),
                *(
                    tuple(sorted(t.slug for t in getattr(p, m).all()))
                    for m in ("languages", "goals", "values", "background")
                ),
            )
        )
    return rows


def seed(**options):
    call_command("seed_demo", no_logins=True, **options)


def test_it_creates_what_it_says():
    seed(mentors=7, mentees=13, seed=5, program="demo")
    program = Program.objects.get(slug="demo")
    assert program.profiles.filter(role="mentor").count() == 7
    assert program.profiles.filter(role="mentee").count() == 13
    assert program.profiles.ready().count() == 20
    assert all(p.languages.exists() for p in program.profiles.all())
    assert all(p.goals.exists() for p in program.profiles.all())


def test_the_same_seed_gives_the_same_program():
    seed(mentors=30, mentees=60, seed=11, program="first")
    first = snapshot("first")
    Program.objects.get(slug="first").profiles.all().delete()
    User.objects.filter(email__endswith="@demo.kindred.test").delete()
    seed(mentors=30, mentees=60, seed=11, program="second")
    assert snapshot("second") == first


def test_another_seed_gives_another_program():
    seed(mentors=20, mentees=20, seed=1, program="one")
    seed(mentors=20, mentees=20, seed=2, program="two")
    assert [r[2:] for r in snapshot("one")] != [r[2:] for r in snapshot("two")]


def test_background_answers_come_with_consent():
    seed(mentors=40, mentees=60, seed=3, program="demo")
    disclosed = Profile.objects.filter(program__slug="demo", background__isnull=False).distinct()
    assert disclosed.exists()
    for profile in disclosed:
        facets = set(profile.background.values_list("facet", flat=True))
        assert facets == set(
            Consent.objects.filter(profile=profile).values_list("category", flat=True)
        )


def test_running_again_is_idempotent(capsys):
    seed(mentors=5, mentees=5, seed=9, program="demo")
    seed(mentors=5, mentees=5, seed=9, program="demo")
    assert Profile.objects.filter(program__slug="demo").count() == 10
    assert "already present" in capsys.readouterr().out


def test_a_different_size_asks_for_reset():
    seed(mentors=5, mentees=5, seed=9, program="demo")
    with pytest.raises(CommandError, match="--reset"):
        seed(mentors=6, mentees=5, seed=9, program="demo")
    seed(mentors=6, mentees=5, seed=9, program="demo", reset=True)
    assert Profile.objects.filter(program__slug="demo").count() == 11


LOGINS = [
    "mentee@demo.kindred.test",
    "mentor@demo.kindred.test",
    "mentor2@demo.kindred.test",
    "admin@demo.kindred.test",
    "admin-heritage@demo.kindred.test",
    "admin-firstgen@demo.kindred.test",
]


def test_demo_logins_can_sign_in(client, capsys):
    call_command("seed_demo", mentors=3, mentees=3, seed=1, program="default")
    output = capsys.readouterr().out
    assert "kindred-demo-2026" in output
    for email in LOGINS:
        assert email in output
        assert EmailAddress.objects.get(email=email).verified
        assert client.login(email=email, password="kindred-demo-2026")
    mentee = Profile.objects.get(user__email="mentee@demo.kindred.test", program__slug="default")
    assert mentee.is_ready


def test_the_demo_admin_stays_a_superuser_and_each_program_gets_its_own_admin():
    call_command("seed_demo", mentors=3, mentees=3, seed=1, program="default", stdout=StringIO())
    root = User.objects.get(email="admin@demo.kindred.test")
    assert root.is_superuser and root.is_staff and not root.program_roles.exists()
    roles = {
        (r.user.email, r.program.slug, r.role, r.may_read_background)
        for r in ProgramRole.objects.select_related("user", "program")
    }
    assert roles == {
        ("admin-heritage@demo.kindred.test", "default", "admin", True),
        ("admin-firstgen@demo.kindred.test", "first-gen", "admin", True),
    }
    for email in ("admin-heritage@demo.kindred.test", "admin-firstgen@demo.kindred.test"):
        user = User.objects.get(email=email)
        assert not (user.is_staff or user.is_superuser)
    assert [p.slug for p in programs_for(User.objects.get(email=LOGINS[5]))] == ["first-gen"]


def test_the_demo_has_a_second_program_and_the_demo_mentee_is_in_both():
    call_command("seed_demo", mentors=3, mentees=3, seed=1, program="default", stdout=StringIO())
    second = Program.objects.get(slug="first-gen")
    assert second.name == "First-Gen Network"
    assert second.profiles.ready().mentors().count() == 6
    # Twelve generated mentees, and the demo mentee.
    assert second.profiles.ready().mentees().count() == 12 + 1
    generated = second.profiles.filter(user__email__startswith="firstgen1-")
    assert generated.count() == 18
    assert all(
        "first-generation-college-graduate" in p.background.values_list("slug", flat=True)
        for p in generated
    )
    # Their own people, not the main program's first ones again.
    main_names = set(
        Profile.objects.filter(program__slug="default").values_list("display_name", flat=True)
    )
    assert len(set(generated.values_list("display_name", flat=True)) - main_names) >= 12
    assert set(
        Profile.objects.filter(user__email="mentee@demo.kindred.test").values_list(
            "program__slug", "role"
        )
    ) == {("default", "mentee"), ("first-gen", "mentee")}


@time_machine.travel(datetime(2026, 12, 6, 10, 0, tzinfo=UTC), tick=False)
def test_the_demo_program_runs_in_a_cycle_around_today_after_two_closed_ones():
    call_command("seed_demo", mentors=4, mentees=5, seed=2, program="default", stdout=StringIO())
    program = Program.objects.get(slug="default")
    rounds = [
        (
            c.name,
            c.state,
            c.registration_opens,
            c.registration_closes,
            c.matching_on,
            c.starts_on,
            c.ends_on,
        )
        for c in program.cycles.order_by("registration_opens")
    ]
    assert rounds == [
        (
            "Autumn 2025",
            "closed",
            date(2025, 9, 22),
            date(2025, 10, 27),
            date(2025, 10, 31),
            date(2025, 11, 3),
            date(2026, 4, 2),
        ),
        (
            "Summer 2026",
            "closed",
            date(2026, 4, 23),
            date(2026, 5, 28),
            date(2026, 6, 1),
            date(2026, 6, 4),
            date(2026, 11, 1),
        ),
        (
            "Winter 2026–27",
            "registration",
            date(2026, 11, 8),
            date(2026, 12, 13),
            date(2026, 12, 20),
            date(2026, 12, 20),
            date(2027, 5, 19),
        ),
    ]
    winter = cycles.current(program)
    assert winter.name == "Winter 2026–27" and cycles.registration(program).open
    people = program.profiles.all()
    assert people.count() == 4 + 5 + 3  # and the demo mentee and two mentors
    assert set(people.values_list("cycle__name", flat=True)) == {"Winter 2026–27"}
    assert Enrolment.objects.filter(cycle=winter).count() == people.count()
    # The mentors came back from the rounds before, and so did the mentees who had a
    # mentorship in one of them (matching/demo.py); the other mentees are new.
    came_back = Enrolment.objects.filter(cycle=winter, carried_over=True)
    past = Enrolment.objects.filter(cycle__state="closed")
    assert set(came_back.values_list("profile_id", flat=True)) == set(
        past.values_list("profile_id", flat=True)
    )
    assert set(past.filter(profile__role="mentor").values_list("cycle__name", "profile_id")) == {
        (name, pk)
        for name in ("Autumn 2025", "Summer 2026")
        for pk in program.profiles.mentors().values_list("pk", flat=True)
    }
    assert set(past.filter(profile__role="mentee").values_list("profile_id", flat=True)) == set(
        Mentorship.objects.filter(cycle__state="closed").values_list("mentee_id", flat=True)
    )
    # Sign-ups spread over registration so far, never in the future.
    signed_up = Enrolment.objects.filter(cycle=winter).values_list("enrolled_at", flat=True)
    assert min(signed_up) > datetime(2026, 11, 8, tzinfo=UTC) - timedelta(days=1)
    assert max(signed_up) <= timezone.now()
    # A program with no rounds of its own behaves as before.
    assert not Program.objects.get(slug="first-gen").cycles.exists()


def test_the_round_is_named_after_the_season_its_mentorships_start_in():
    with time_machine.travel(datetime(2027, 4, 10, 10, 0, tzinfo=UTC), tick=False):
        call_command("seed_demo", mentors=2, mentees=2, seed=3, program="spring", stdout=StringIO())
    names = list(
        Program.objects.get(slug="spring").cycles.order_by("starts_on").values_list("name", "state")
    )
    assert names == [
        ("Spring 2026", "closed"),
        ("Autumn 2026", "closed"),
        ("Spring 2027", "registration"),
    ]


def test_the_whole_demo_twice_gives_the_same_demo(capsys):
    def counts():
        return (
            Program.objects.count(),
            Profile.objects.count(),
            User.objects.count(),
            Cycle.objects.count(),
            Enrolment.objects.count(),
            ProgramRole.objects.count(),
            list(Cycle.objects.order_by("pk").values_list("name", "state")),
        )

    call_command("seed_demo", mentors=3, mentees=4, seed=1, program="default")
    first = counts()
    capsys.readouterr()
    call_command("seed_demo", mentors=3, mentees=4, seed=1, program="default")
    assert counts() == first
    output = capsys.readouterr().out
    assert "Kindred mentoring program: seed 1 already present (7 people)" in output
    assert "First-Gen Network: seed 1 already present (18 people)" in output


def test_the_demo_program_cannot_be_the_second_one():
    with pytest.raises(CommandError, match="second program"):
        call_command("seed_demo", mentors=1, mentees=1, program="first-gen")
    assert not Program.objects.filter(slug="first-gen").exists()


def test_a_demo_program_that_already_has_mentorships_keeps_its_open_ended_cycle():
    program = Program.objects.get(slug="default")
    (ongoing,) = program.cycles.all()
    mentee, mentor = ProfileFactory(program=program), MentorFactory(program=program)
    Mentorship.objects.create(program=program, cycle=ongoing, mentee=mentee, mentor=mentor)
    out = StringIO()
    call_command("seed_demo", mentors=2, mentees=2, seed=1, program="default", stdout=out)
    assert list(program.cycles.all()) == [ongoing]
    assert "keeps its open-ended cycle" in out.getvalue()


def test_seeding_leaves_the_planner_statistics_of_what_it_loaded():
    call_command("seed_demo", mentors=7, mentees=11, seed=9, no_logins=True, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'profiles_profile_goals'")
        estimated = cursor.fetchone()[0]
    assert estimated == Profile.goals.through.objects.count() > 0
