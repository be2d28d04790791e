from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import connection

from profiles.models import Consent, Profile, Program, User

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


def test_demo_logins_can_sign_in(client, capsys):
    call_command("seed_demo", mentors=3, mentees=3, seed=1, program="default")
    output = capsys.readouterr().out
    assert "mentee@demo.kindred.test" in output and "kindred-demo-2026" in output
    for email in (
        "mentee@demo.kindred.test",
        "mentor@demo.kindred.test",
        "admin@demo.kindred.test",
    ):
        assert EmailAddress.objects.get(email=email).verified
        assert client.login(email=email, password="kindred-demo-2026")
    assert User.objects.get(email="admin@demo.kindred.test").is_staff
    assert Profile.objects.get(user__email="mentee@demo.kindred.test").is_ready


def test_seeding_leaves_the_planner_statistics_of_what_it_loaded():
    call_command("seed_demo", mentors=7, mentees=11, seed=9, no_logins=True, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'profiles_profile_goals'")
        estimated = cursor.fetchone()[0]
    assert estimated == Profile.goals.through.objects.count() > 0
