import pytest
from django.db import IntegrityError, transaction

from profiles.models import Profile, Program, Tag
from profiles.taxonomy import STEPS
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def violates(queryset, **changes) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**changes)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_importance_out_of_range(mentee):
    rows = Profile.objects.filter(pk=mentee.pk)
    assert violates(rows, importance_goals=7)
    assert violates(rows, importance_logistics=-1)
    assert not violates(rows, importance_goals=3)


def test_the_database_refuses_negative_or_huge_capacity(mentor):
    rows = Profile.objects.filter(pk=mentor.pk)
    assert violates(rows, capacity=-1)
    assert violates(rows, capacity=51)


def test_one_profile_per_user_program_and_role(mentee):
    with pytest.raises(IntegrityError):
        Profile.objects.create(user=mentee.user, program=mentee.program, role=mentee.role)


def test_one_person_may_be_mentor_and_mentee_in_a_program(mentee):
    Profile.objects.create(user=mentee.user, program=mentee.program, role="mentor")
    assert mentee.user.profiles.count() == 2


def test_program_settings_are_bounded(default_program):
    rows = Program.objects.filter(pk=default_program.pk)
    assert violates(rows, min_score=101)
    assert violates(rows, suggestions_per_mentee=0)
    assert violates(rows, weight_goals=101)


def test_a_tag_facet_must_fit_its_kind():
    with pytest.raises(IntegrityError):
        Tag.objects.create(kind="goal", facet="heritage", slug="x", name="X")


def test_ready_follows_the_required_steps():
    profile = ProfileFactory(steps_done=["about"])
    assert not profile.is_ready
    profile.steps_done = ["about", "logistics"]
    profile.save(update_fields=["steps_done"])
    assert Profile.objects.ready().filter(pk=profile.pk).exists()
    assert profile.completeness == 40
    assert profile.next_step() == "background"


def test_a_complete_profile_has_no_next_step():
    profile = ProfileFactory(steps_done=list(STEPS))
    assert profile.completeness == 100
    assert profile.next_step() is None


def test_fresh_install_has_the_taxonomy_and_an_open_default_program():
    assert Program.objects.open().filter(slug="default").exists()
    counts = {kind: Tag.objects.filter(kind=kind).count() for kind in ("goal", "value")}
    assert counts == {"goal": 17, "value": 12}
    assert Tag.objects.filter(kind="heritage", slug="korean").exists()
    facets = set(Tag.objects.filter(kind="identity").values_list("facet", flat=True))
    assert facets == {"generation", "first_gen", "socioeconomic", "outlook", "faith", "lgbtq"}


def test_search_finds_people_by_each_word_of_their_name_or_email():
    ana = ProfileFactory(display_name="Ana Park", user__email="ana.p@example.org")
    ProfileFactory(display_name="Ana Lee", user__email="lee@example.org", program=ana.program)
    found = Profile.objects.filter(program=ana.program)
    assert list(found.search("PARK ana")) == [ana]
    assert list(found.search("ana.p@")) == [ana]
    assert found.search("ana").count() == 2
    assert found.search("  ").count() == 2
    assert not found.search("nobody").exists()
