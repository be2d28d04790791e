"""Stored reasons worded in the reader's language (matching/sentences.py): whole
sentences through gettext, real plurals, and tags named as they read in that language.
``korean`` (conftest.py) adds a small Korean catalogue of a few of the sentences."""

import pytest
from django.utils import translation

from matching import sentences
from matching.models import Suggestion, word_reasons
from matching.suggestions import Explanation
from profiles.models import Tag
from tests.factories import MentorFactory, ProfileFactory
from tests.matching.people import Person
from tests.matching.test_reasons import parts


def test_a_korean_reader_gets_korean_sentences(korean):
    said, names = parts(
        Person(1, goals={"networking", "leadership"}, values={"family"}, utc_offset=0),
        Person(2, goals={"networking"}, values={"family"}, utc_offset=9),
    )
    with translation.override("ko"):
        worded = sentences.words(said, names=names)
    assert "목표 2개 중 1개를 도울 수 있어요: networking" in worded
    assert "공유하는 가치: family" in worded
    assert "시간대 차이 9시간" in worded


def test_the_same_parts_read_in_english_for_an_english_reader(korean):
    said, names = parts(Person(1, utc_offset=-5), Person(2, utc_offset=-5))
    with translation.override("ko"):
        assert "같은 시간대" in sentences.words(said, names=names)
    with translation.override("en"):
        assert "Same timezone" in sentences.words(said, names=names)


def test_one_goal_and_one_hour_read_in_the_singular():
    said, names = parts(
        Person(1, goals={"networking"}, utc_offset=0), Person(2, goals={"networking"}, utc_offset=1)
    )
    worded = sentences.words(said, names=names)
    assert "Can help with 1 of your 1 goal: networking" in worded
    assert "Within 1 hour of each other" in worded


def test_a_fraction_of_an_hour_is_written_as_a_number():
    said, names = parts(Person(1, utc_offset=0), Person(2, utc_offset=5.5))
    assert "Timezones 5.5 hours apart" in sentences.words(said, names=names)


def test_reasons_are_stored_without_words():
    said, _ = parts(
        Person(1, goals={"networking"}, languages={"english"}, stage=1),
        Person(2, goals={"networking"}, languages={"english"}, stage=3),
    )
    kinds = {r["kind"] for r in said}
    assert {"goals", "languages", "stage_ahead"} <= kinds
    assert all(isinstance(t, int) for r in said for t in sentences.tag_ids(r))
    assert not any(isinstance(v, str) and " " in v for r in said for v in r.values())


def test_a_shared_background_is_said_only_as_a_fit_where_its_answers_may_not_be_named():
    said, names = parts(
        Person(1, background={("heritage", "korean")}),
        Person(2, background={("heritage", "korean")}),
        reveal=True,
    )
    assert "Shared background: Korean" in sentences.words(said, names=names)
    hidden = sentences.words(said, names=names, background=False)
    assert "Shared background" in hidden
    assert not any("Korean" in r for r in hidden)


def test_an_english_sentence_stored_before_parts_reads_as_it_is():
    old = ["Can help with 2 of your 3 goals: networking, leadership", "Shared background: Korean"]
    with translation.override("ko"):
        assert sentences.words(old, names={}) == old
    assert sentences.words(old, names={}, background=False)[1] == "Shared background"


@pytest.mark.django_db
def test_tags_are_named_as_they_read_in_the_readers_language():
    family = Tag.objects.get(kind="value", slug="family")
    Tag.objects.filter(pk=family.pk).update(name_ko="가족")
    stored = [{"kind": "values", "tags": [family.pk]}]
    with translation.override("ko"):
        assert "가족" in sentences.words(stored)[0]
    assert sentences.words(stored) == [f"Shared values: {family.name_en.lower()}"]


@pytest.mark.django_db
def test_a_page_of_rows_is_worded_with_one_query(django_assert_num_queries):
    industries = list(Tag.objects.filter(kind="industry")[:3])
    rows = [
        Explanation(score=50, components={}, reasons=[{"kind": "industry", "tag": g.pk}])
        for g in industries
    ]
    with django_assert_num_queries(1):
        word_reasons(rows)
        worded = [r.reasons_for for r in rows]
    assert worded == [[f"Both work in {g.name.lower()}"] for g in industries]


@pytest.mark.django_db
@pytest.mark.usefixtures("korean")
def test_the_api_gives_reasons_in_the_language_of_the_request():
    from api.participant.serializers import SuggestionSerializer

    mentee = ProfileFactory()
    suggestion = Suggestion.objects.create(
        program=mentee.program,
        mentee=mentee,
        mentor=MentorFactory(program=mentee.program),
        score=80,
        rank=1,
        components={},
        reasons=[{"kind": "same_timezone"}],
    )
    suggestion.show_background = True
    with translation.override("ko"):
        assert SuggestionSerializer(suggestion).data["reasons"] == ["같은 시간대"]
    with translation.override("en"):
        assert SuggestionSerializer(suggestion).data["reasons"] == ["Same timezone"]
