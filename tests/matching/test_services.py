import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching import features, rescoring, suggestions
from matching.models import MatchingRun, Suggestion
from mentorships.models import Mentorship
from profiles.models import Profile
from profiles.services import save_step
from tests.factories import MentorFactory, ProfileFactory, tags
from tests.matching.helpers import listed, rows

pytestmark = pytest.mark.django_db


def refresh(profile):
    suggestions.refresh_profile(profile_id=profile.pk)


@pytest.fixture
def rescore(django_capture_on_commit_callbacks):
    """start_rescore, with its chunk tasks run inline when the transaction would commit."""

    def _rescore(program, **options):
        with django_capture_on_commit_callbacks(execute=True):
            run = rescoring.start_rescore(program=program, **options)
        run.refresh_from_db()
        return run

    return _rescore


def test_refreshing_a_mentee_stores_ranked_explained_suggestions(small_program):
    program, mentees, _mentors = small_program
    refresh(mentees[0])
    stored = list(Suggestion.objects.for_mentee(mentees[0]).listed())
    assert 1 <= len(stored) <= program.suggestions_per_mentee
    assert [s.rank for s in stored] == list(range(1, len(stored) + 1))
    for s in stored:
        assert 0 <= s.score <= 100 and s.score >= program.min_score
        assert set(s.components) == {"goals", "background", "values", "experience", "logistics"}
        assert any(r.startswith("Can help with") for r in s.worded_reasons)


def test_a_mentee_not_ready_gets_no_suggestions(small_program):
    _program, mentees, _ = small_program
    refresh(mentees[0])
    mentees[0].steps_done = ["about"]
    mentees[0].save()
    refresh(mentees[0])
    assert listed(mentees[0]) == []


def test_a_dismissed_mentor_is_never_suggested_again(
    small_program, django_capture_on_commit_callbacks
):
    _, mentees, _ = small_program
    refresh(mentees[0])
    first = Suggestion.objects.for_mentee(mentees[0]).listed().first()
    with django_capture_on_commit_callbacks(execute=True):
        suggestions.dismiss(suggestion=first, reason="know_them")
    refresh(mentees[0])
    assert first.mentor_id not in listed(mentees[0])
    assert Suggestion.objects.get(pk=first.pk).status == "dismissed"


def test_a_declined_pair_is_never_suggested_again(small_program):
    program, mentees, _ = small_program
    refresh(mentees[0])
    mentor_id = listed(mentees[0])[0]
    Mentorship.objects.create(
        program=program,
        mentee=mentees[0],
        mentor_id=mentor_id,
        status="declined",
        decline_reason="other",
    )
    refresh(mentees[0])
    assert mentor_id not in listed(mentees[0])


def test_a_paused_mentor_drops_out_of_lists(small_program, rescore):
    program, _mentees, _mentors = small_program
    rescore(program)
    star = Suggestion.objects.filter(program=program).values("mentor_id").first()["mentor_id"]
    mentor = Profile.objects.get(pk=star)
    mentor.is_paused = True
    mentor.save()
    refresh(mentor)
    assert not Suggestion.objects.filter(mentor_id=star).listed().exists()
    assert Suggestion.objects.filter(program=program).listed().exists()


def test_a_full_mentor_drops_out_of_lists(small_program, rescore):
    program, mentees, _mentors = small_program
    rescore(program)
    mentor = Profile.objects.get(pk=Suggestion.objects.filter(program=program).first().mentor_id)
    for mentee in mentees[: mentor.capacity]:
        Mentorship.objects.create(program=program, mentee=mentee, mentor=mentor, status="active")
    refresh(mentor)
    assert not Suggestion.objects.filter(mentor=mentor).listed().exists()


def test_a_new_mentor_enters_the_lists_they_fit(small_program, rescore):
    program, mentees, _ = small_program
    rescore(program)
    ideal = MentorFactory(
        program=program,
        goals=["networking", "leadership", "career-advancement", "sense-of-belonging"],
        values=["community"],
    )
    refresh(ideal)
    assert Suggestion.objects.filter(mentor=ideal).listed().count() >= len(mentees) // 2


def test_editing_goals_changes_the_suggestions(small_program, client):
    program, mentees, _mentors = small_program
    specialist = MentorFactory(program=program, goals=["emotional-support"])
    mentee = mentees[0]
    refresh(mentee)
    assert specialist.pk not in listed(mentee)
    from profiles.forms import GoalsForm

    form = GoalsForm({"goals": [t.pk for t in tags("goal", "emotional-support")]}, instance=mentee)
    assert form.is_valid()
    save_step(profile=mentee, step="goals", form=form)  # queues a refresh, run inline on commit
    refresh(mentee)
    assert listed(mentee)[0] == specialist.pk


def test_the_feature_cache_reads_only_changed_profiles(small_program, monkeypatch):
    program, _mentees, mentors = small_program
    first = features.current(program.pk)
    loads = []
    monkeypatch.setattr(features, "load", lambda *a, **k: loads.append(a) or first)
    mentor = mentors[0]
    mentor.goals.set(tags("goal", "emotional-support"))
    mentor.save()
    with CaptureQueriesContext(connection) as queries:
        again = features.current(program.pk)
    assert loads == []
    row = again.mentor_row[mentor.pk]
    goal_col = again.vocabulary.goal_column[tags("goal", "emotional-support")[0].pk]
    assert again.mentors.goals[row].sum() == 1 and again.mentors.goals[row, goal_col] == 1
    assert len(queries) < 10


def _no_whole_load(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("read the whole program again")

    monkeypatch.setattr(features, "load", refuse)


def test_a_new_process_picks_up_the_copy_another_kept(
    small_program, monkeypatch, django_capture_on_commit_callbacks
):
    program, _mentees, mentors = small_program
    with django_capture_on_commit_callbacks(execute=True):  # kept once the load commits
        first = features.current(program.pk)
    load = features.load
    features.forget()  # as a process that never read the program
    _no_whole_load(monkeypatch)
    mentor = mentors[0]
    mentor.goals.set(tags("goal", "emotional-support"))
    mentor.save()
    again = features.current(program.pk)
    assert again is not first
    # Brought up to date: the same arrays as reading the whole program now.
    fresh = load(program.pk)
    for side in ("mentees", "mentors"):
        mine, theirs = getattr(again, side), getattr(fresh, side)
        order = np.argsort(mine.ids)
        for name, value in theirs.arrays().items():
            np.testing.assert_array_equal(mine.arrays()[name][order], value)
    row = again.mentor_row[mentor.pk]
    goal_col = again.vocabulary.goal_column[tags("goal", "emotional-support")[0].pk]
    assert again.mentors.goals[row].sum() == 1 and again.mentors.goals[row, goal_col] == 1


def test_a_kept_copy_holding_a_profile_now_gone_is_not_used(
    small_program, monkeypatch, django_capture_on_commit_callbacks
):
    program, mentees, _ = small_program
    gone = mentees[0].pk
    with django_capture_on_commit_callbacks(execute=True):
        assert gone in features.current(program.pk).mentee_row
    features.forget()
    # Gone without telling the cache (as after a database restore).
    monkeypatch.setattr(features, "invalidate", lambda program_id: None)
    mentees[0].delete()
    assert gone not in features.current(program.pk).mentee_row


def test_deleting_a_profile_reloads_the_program(small_program, django_capture_on_commit_callbacks):
    program, mentees, _ = small_program
    assert mentees[0].pk in features.current(program.pk).mentee_row
    with django_capture_on_commit_callbacks(execute=True):
        mentees[0].delete()
    assert mentees[0].pk not in features.current(program.pk).mentee_row


def test_the_same_full_rescore_twice_leaves_identical_rows(small_program, rescore):
    program, _, _ = small_program
    rescore(program, size=4)
    first = rows(program)
    rescore(program, size=4)
    assert rows(program) == first
    assert first


def test_a_run_records_progress_settings_and_summary(small_program, rescore):
    program, _mentees, _mentors = small_program
    run = rescore(program, size=5)
    assert run.status == MatchingRun.Status.SUCCEEDED
    assert (run.total, run.done, run.chunks_total, run.chunks_done) == (12, 12, 3, 3)
    assert run.weights == program.weights()
    assert run.settings["min_score"] == program.min_score
    assert run.summary["mentees"] == 12
    assert run.summary["suggestions"] == Suggestion.objects.filter(program=program).listed().count()
    assert run.started_at <= run.finished_at


def test_a_program_without_mentees_finishes_at_once(program, rescore):
    run = rescore(program)
    assert run.status == MatchingRun.Status.SUCCEEDED and run.total == 0


def test_a_chunk_already_done_is_not_redone(small_program, monkeypatch, rescore):
    program, _, _ = small_program
    run = rescore(program, size=4)
    calls = []
    monkeypatch.setattr(suggestions, "refresh_mentees", lambda **kw: calls.append(kw))
    rescoring.score_chunk(run_id=run.pk, index=0)
    assert calls == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_score_program_command_prints_the_summary(small_program, capsys):
    program, _, _ = small_program
    call_command("score_program", program.slug, "--wait")
    out = capsys.readouterr().out
    assert "succeeded" in out and "mentees with suggestions" in out


def test_score_program_refuses_an_unknown_program(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No program"):
        call_command("score_program", "nope")


def test_one_person_on_both_sides_is_never_their_own_mentor(program):
    mentee = ProfileFactory(program=program, goals=["networking"])
    own = MentorFactory(program=program, user=mentee.user, goals=["networking"])
    other = MentorFactory(program=program, goals=["networking"])
    refresh(mentee)
    assert listed(mentee) == [other.pk]
    assert own.pk


@pytest.mark.parametrize(
    ("mentors", "mentees", "size"),
    [
        (250, 250, 250),  # a small program is one chunk
        (2_000, 2_000, 2_000),  # up to 4 million pairs: still one
        (10, 30, 30),  # however few
        (5_000, 5_000, 2_500),  # 25 million pairs: two, one per worker process
        (7_000, 7_000, 1_750),  # 49 million: four
        (10_000, 10_000, 1_000),  # a tenth of the mentees: the progress bar moves in tenths
        (3_000, 20_000, 2_000),  # 60 million: the same
        (100_000, 100_000, 200),  # 20 million pairs per chunk
        (100, 200_000, 5_000),  # never above 5,000
        (2_000_000, 400, 50),  # nor, past the progress bar's threshold, below 50
    ],
)
def test_chunks_follow_the_work(mentors, mentees, size):
    assert rescoring.chunk_size(mentors, mentees) == size


def test_stored_lists_keep_every_character_of_their_reasons(small_program):
    """Rows reach PostgreSQL through COPY's text format: backslashes, tabs,
    newlines, quotes and non-Latin text in a reason come back as written."""
    from django.db import transaction
    from django.db.models import Q

    from matching import lists

    program, mentees, mentors = small_program
    awkward = 'C:\\path\\n\t"quoted"\nnew line — 中文 हिन्दी Tiếng Việt \\\\ end'
    found = [
        lists.Row(
            mentees[0].pk,
            mentors[0].pk,
            71.25,
            1,
            0.123456,
            {"goals": 0.5, "values": None},
            [{"kind": "goals", "text": awkward}],
        )
    ]
    with transaction.atomic():
        lists.replace(Q(mentee_id=mentees[0].pk), found, program_id=program.pk, run_id=None)
    stored = Suggestion.objects.get(mentee=mentees[0], mentor=mentors[0])
    assert stored.reasons == [{"kind": "goals", "text": awkward}]
    assert stored.components == {"goals": 0.5, "values": None}
    assert (stored.score, stored.rank, stored.sort_key) == (71.25, 1, 0.123456)


@pytest.mark.parametrize("in_list_limit", [64, 1])
def test_excluded_pairs_are_those_of_the_mentees_asked_for(
    small_program, in_list_limit, monkeypatch
):
    """Read by IN list or (past the limit) by id range and kept in Python: the
    same pairs, and none of a mentee between the ones asked for."""
    from mentorships import lifecycle

    monkeypatch.setattr(suggestions, "IN_LIST_LIMIT", in_list_limit)
    program, mentees, mentors = small_program
    a, b, c = mentees[0], mentees[1], mentees[2]
    for mentee in (c, a, b):
        refresh(mentee)
        first = Suggestion.objects.for_mentee(mentee).listed().first()
        suggestions.dismiss(suggestion=first, reason="know_them")
    asked = next(m for m in mentors if m.pk != first.mentor_id)  # not b's dismissed one
    lifecycle.request_mentor(mentee=b, mentor=asked, message="Hello")
    features.forget()
    prepared = suggestions.prepared(program.pk)
    rows, cols = suggestions.excluded_pairs(prepared, mentee_ids=[a.pk, c.pk])
    ids = zip(prepared.mentees.ids[rows].tolist(), prepared.mentors.ids[cols].tolist(), strict=True)
    got = set(ids)
    dismissed = set(
        Suggestion.objects.filter(status="dismissed", mentee__in=[a, c]).values_list(
            "mentee_id", "mentor_id"
        )
    )
    assert got == dismissed and len(got) == 2
    rows, _ = suggestions.excluded_pairs(prepared, mentee_ids=[b.pk])
    assert len(rows) == 2  # b's dismissal and b's request


def test_the_kept_copy_goes_when_the_program_is_invalidated(
    small_program, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    program, _, _ = small_program
    with django_capture_on_commit_callbacks(execute=True):
        first = features.current(program.pk)
    assert cache.get(features.shared_key(program.pk, first.generation)) is not None
    features.invalidate(program.pk)
    assert cache.get(features.shared_key(program.pk, first.generation)) is None


def test_a_load_is_kept_for_others_only_once_its_transaction_commits(
    small_program, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    program, _, _ = small_program
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = features.current(program.pk)
    # Not kept while the transaction that read it is open (it may roll back).
    assert cache.get(features.shared_key(program.pk, first.generation)) is None
    features.invalidate(program.pk)  # the program moved before the commit
    for callback in callbacks:
        callback()
    assert cache.get(features.shared_key(program.pk, first.generation)) is None
    assert cache.get(features.shared_key(program.pk, first.generation + 1)) is None


def test_replacing_a_list_deletes_only_the_listed_rows_it_no_longer_wants(small_program):
    """On PostgreSQL the rows no longer wanted go in one DELETE against the
    staged rows: a dismissed row and another mentee's list stay."""
    from django.db import transaction
    from django.db.models import Q

    from matching import lists

    program, mentees, _ = small_program
    mine, other = mentees[0], mentees[1]
    refresh(mine)
    refresh(other)
    listed = list(Suggestion.objects.for_mentee(mine).listed())
    assert len(listed) >= 3
    suggestions.dismiss(suggestion=listed[0], reason="know_them")
    kept = listed[1]
    others_before = set(Suggestion.objects.for_mentee(other).values_list("pk", flat=True))
    row = lists.Row(mine.pk, kept.mentor_id, 50.0, 1, 0.5, {}, [])
    with transaction.atomic():
        lists.replace(Q(mentee_id=mine.pk), [row], program_id=program.pk, run_id=None)
    left = Suggestion.objects.filter(mentee=mine)
    assert set(left.values_list("mentor_id", "status")) == {
        (listed[0].mentor_id, "dismissed"),
        (kept.mentor_id, kept.status),
    }
    assert left.get(mentor_id=kept.mentor_id).pk == kept.pk  # updated in place
    assert set(Suggestion.objects.for_mentee(other).values_list("pk", flat=True)) == others_before


# --- the browse page's scores, and hidden mentors brought back (issue 18) ----------------------


@pytest.mark.parametrize("visibility", ["matching", "program"])
def test_explaining_many_mentors_says_what_explaining_one_pair_says(small_program, visibility):
    _program, mentees, mentors = small_program
    mentee = mentees[0]
    mentee.background.set(tags("heritage", "korean"))
    for mentor in mentors:
        mentor.background_visibility = visibility
        mentor.save()
        mentor.background.set(tags("heritage", "korean"))
    visible = {m.pk for m in mentors} if visibility == "program" else set()
    many = suggestions.explain_mentors(mentee=mentee, mentors=mentors, visible=visible)
    scores = suggestions.score_mentors(
        mentee=mentee, mentor_ids=[m.pk for m in mentors], visible=visible
    )
    for mentor in mentors:
        one = suggestions.explain_pair(mentee=mentee, mentor=mentor, viewer=mentee)
        assert many[mentor.pk] == one
        assert scores[mentor.pk] == pytest.approx(one.score, abs=0.01)


def test_a_mentee_not_ready_has_no_browse_scores(small_program):
    _program, mentees, mentors = small_program
    mentees[0].steps_done = ["about"]
    mentees[0].save()
    assert suggestions.explain_mentors(mentee=mentees[0], mentors=mentors, visible=set()) == {}


def test_showing_a_hidden_mentor_again_lets_them_back_into_the_list(
    program, django_capture_on_commit_callbacks
):
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"])
    refresh(mentee)
    hidden = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        suggestions.dismiss(suggestion=hidden, reason="other")
    assert listed(mentee) == []
    with django_capture_on_commit_callbacks(execute=True):
        suggestions.restore(suggestion=hidden)
    assert listed(mentee) == [mentor.pk]
    assert not Suggestion.objects.filter(status="dismissed").exists()


def test_showing_again_a_mentor_who_is_listed_is_refused(people):
    from mentorships.exceptions import Refused

    mentee, _ = people
    with pytest.raises(Refused, match="is not hidden"):
        suggestions.restore(suggestion=Suggestion.objects.get(mentee=mentee))
