"""The pure core keeps its own copies of the questionnaire's fixed vocabulary
(it imports no project module): they must say what profiles/taxonomy.py says."""

from matching import features, scoring
from profiles.taxonomy import (
    COMPONENTS,
    CareerStage,
    Facet,
    Importance,
    MeetingFormat,
    Visibility,
)


def test_the_score_has_the_questionnaires_components_in_its_order():
    assert scoring.COMPONENTS == COMPONENTS


def test_the_score_knows_every_background_facet_in_its_order():
    assert tuple(Facet.values) == scoring.FACETS


def test_every_meeting_format_has_its_own_code():
    assert set(features.MEETING_CODES) == set(MeetingFormat.values)
    assert sorted(features.MEETING_CODES.values()) == sorted(
        {scoring.ONLINE, scoring.IN_PERSON, scoring.EITHER}
    )


def test_every_visibility_choice_has_its_own_code_in_widening_order():
    assert list(features.VISIBILITY_CODES) == list(Visibility.values)
    assert [features.VISIBILITY_CODES[v] for v in Visibility.values] == [
        scoring.VISIBILITY_MATCHING,
        scoring.VISIBILITY_MATCHES,
        scoring.VISIBILITY_PROGRAM,
    ]


def test_career_stages_and_importances_fit_the_scores_tables():
    assert scoring.N_STAGES == len(CareerStage.values) == max(CareerStage.values) + 1
    assert len(scoring.IMPORTANCE_MULTIPLIER) == len(Importance.values)
