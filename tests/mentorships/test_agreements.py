"""The agreement's transitions (mentorships/agreements.py): who may do what, when,
with what input; every proposed version kept; progress dated; one email per event."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import agreements, emails, lifecycle
from mentorships.agreement_page import view
from mentorships.agreements import GoalTerms, Terms
from mentorships.exceptions import Invalid, Refused
from mentorships.models import (
    Agreement,
    AgreementVersion,
    GoalProgress,
    Mentorship,
    ProgressUpdate,
)
from tests.factories import ProfileFactory, tags
from tests.mentorships.helpers import ask

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership", "advocacy-and-sponsorship", "sense-of-belonging"]


def terms(*goals: str, cadence=2, duration=6, confidentiality="Between us.", rating=2) -> Terms:
    return Terms(
        goals=[GoalTerms(goal=g, success=f"Success at {g}", rating=rating) for g in goals],
        cadence_weeks=cadence,
        duration_months=duration,
        confidentiality=confidentiality,
    )


@pytest.fixture
def pair(paired) -> Mentorship:
    paired.mentee.goals.set(tags("goal", *GOALS))
    return paired


def subjects(profile) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [profile.user.email]]


def proposed(m: Mentorship, *goals: str) -> AgreementVersion:
    return agreements.propose(mentorship=m, by=m.mentee, terms=terms(*(goals or GOALS[:2])))


def agreed(m: Mentorship, *goals: str) -> AgreementVersion:
    proposed(m, *goals)
    return agreements.confirm(mentorship=m, by=m.mentor)


# --- writing and proposing -------------------------------------------------------------


def test_the_mentee_saves_a_draft_that_only_they_see(pair):
    draft = agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("networking"))
    assert draft.is_draft and draft.number == 1
    assert Agreement.objects.get(mentorship=pair).status == Agreement.Status.DRAFT
    assert view(pair, pair.mentee).pending == draft
    mentors_view = view(pair, pair.mentor)
    assert mentors_view.agreement is None and mentors_view.pending is None


def test_saving_a_draft_again_rewrites_the_same_draft(pair):
    agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("networking"))
    draft = agreements.save_draft(
        mentorship=pair, by=pair.mentee, terms=terms("leadership", cadence=4)
    )
    assert AgreementVersion.objects.filter(agreement__mentorship=pair).count() == 1
    assert [g.goal.slug for g in draft.goals.all()] == ["leadership"]
    assert draft.cadence_weeks == 4


def test_proposing_emails_the_mentor_once(pair, on_commit):
    version = on_commit(
        agreements.propose, mentorship=pair, by=pair.mentee, terms=terms("networking")
    )
    assert version.proposed_at is not None
    assert Agreement.objects.get(mentorship=pair).status == Agreement.Status.PROPOSED
    assert subjects(pair.mentor) == [f"{pair.mentee.name} has proposed your mentoring agreement"]
    assert emails.agreement_proposed(version.pk) is False  # run twice: sent once
    assert len(subjects(pair.mentor)) == 1
    assert subjects(pair.mentee) == []  # nothing for what one did oneself


def test_the_proposal_email_lists_the_goals_in_the_mentees_words(pair, on_commit):
    on_commit(proposed, pair, "networking", "leadership")
    (email,) = [m for m in mail.outbox if m.to == [pair.mentor.user.email]]
    assert "Networking: Success at networking" in email.body
    assert "Meeting every 2 weeks, for 6 months." in email.body
    assert f"/m/{pair.pk}/#agreement" in email.body


def test_a_mentor_cannot_draft_or_propose(pair):
    for write in (agreements.save_draft, agreements.propose):
        with pytest.raises(Refused, match="to write: they choose the goals"):
            write(mentorship=pair, by=pair.mentor, terms=terms("networking"))
    assert not Agreement.objects.exists()


def test_a_proposal_waiting_for_the_mentor_cannot_be_rewritten(pair):
    proposed(pair)
    with pytest.raises(Refused, match=r"waiting for .*'s answer"):
        agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("networking"))
    assert AgreementVersion.objects.count() == 1


def test_a_request_has_no_agreement_yet(pool):
    mentee, mentors = pool
    mentee.goals.set(tags("goal", *GOALS))
    m = ask(mentee, mentors[0])
    with pytest.raises(Refused, match="once the mentorship is under way"):
        agreements.save_draft(mentorship=m, by=mentee, terms=terms("networking"))


def test_someone_outside_the_pair_is_refused(pair, program):
    stranger = ProfileFactory(program=program, goals=GOALS)
    with pytest.raises(Refused, match="Only the two people"):
        agreements.propose(mentorship=pair, by=stranger, terms=terms("networking"))


# --- bad input: nothing is saved, each problem is named ------------------------------------


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        (terms(), "goals", "at least one goal"),
        (terms(*GOALS, "personal-growth", "emotional-support"), "goals", "at most 5"),
        (terms("no-such-goal"), "goals.0.goal", "no goal called “no-such-goal”"),
        (terms("cultural-identity"), "goals.0.goal", "Cultural identity is not among the goals"),
        (terms("networking", "networking"), "goals.1.goal", "chosen twice"),
        (terms("networking", cadence=3), "cadence_weeks", "every 1, 2 or 4 weeks"),
        (terms("networking", duration=9), "duration_months", "3, 6 or 12 months"),
        (terms("networking", rating=6), "goals.0.rating", "from 1 to 5"),
        (terms("networking", rating=True), "goals.0.rating", "from 1 to 5"),
        (terms("networking", confidentiality="x" * 501), "confidentiality", "500 characters"),
    ],
)
def test_bad_terms_are_refused_by_field_and_nothing_is_saved(pair, bad, field, words):
    with pytest.raises(Invalid) as refused:
        agreements.propose(mentorship=pair, by=pair.mentee, terms=bad)
    assert words in " ".join(refused.value.errors[field])
    assert not Agreement.objects.exists()


def test_every_goal_needs_success_in_the_mentees_words_within_the_limit(pair):
    blank = Terms([GoalTerms("networking", "   ", 2)], 2, 6, "")
    long = Terms([GoalTerms("networking", "x" * 301, 2)], 2, 6, "")
    for bad, words in ((blank, "in your own words"), (long, "300 characters")):
        with pytest.raises(Invalid) as refused:
            agreements.save_draft(mentorship=pair, by=pair.mentee, terms=bad)
        assert words in refused.value.errors["goals.0.success"][0]
    assert not Agreement.objects.exists()


# --- the mentor answers ------------------------------------------------------------------


def test_confirming_puts_it_in_force_and_starts_each_goal_from_its_rating(pair, on_commit):
    agreements.propose(
        mentorship=pair,
        by=pair.mentee,
        terms=Terms(
            [GoalTerms("networking", "Ten new people", 2), GoalTerms("leadership", "Lead", 4)],
            1,
            3,
            "",
        ),
    )
    version = on_commit(agreements.confirm, mentorship=pair, by=pair.mentor)
    agreement = Agreement.objects.get(mentorship=pair)
    assert agreement.status == Agreement.Status.AGREED and agreement.agreed == version
    assert version.answer == "agreed" and version.answered_by == pair.mentor
    progress = {p.goal.slug: (p.start_rating, p.rating) for p in agreement.progress.all()}
    assert progress == {"networking": (2, 2), "leadership": (4, 4)}
    assert ProgressUpdate.objects.filter(kind="started").count() == 2
    assert subjects(pair.mentee) == [f"{pair.mentor.name} confirmed your agreement"]


def test_the_mentee_cannot_confirm_their_own_proposal(pair):
    proposed(pair)
    with pytest.raises(Refused, match=r"it is for .* to answer it"):
        agreements.confirm(mentorship=pair, by=pair.mentee)
    with pytest.raises(Refused, match=r"it is for .* to answer it"):
        agreements.suggest_changes(mentorship=pair, by=pair.mentee, note="Change it")
    assert Agreement.objects.get().status == Agreement.Status.PROPOSED


def test_there_is_nothing_to_answer_before_a_proposal_or_twice(pair):
    with pytest.raises(Refused, match="no proposal"):
        agreements.confirm(mentorship=pair, by=pair.mentor)
    agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("networking"))
    with pytest.raises(Refused, match="no proposal"):
        agreements.confirm(mentorship=pair, by=pair.mentor)
    proposed(pair)
    agreements.confirm(mentorship=pair, by=pair.mentor)
    with pytest.raises(Refused, match="no proposal"):
        agreements.confirm(mentorship=pair, by=pair.mentor)
    with pytest.raises(Refused, match="no proposal"):
        agreements.suggest_changes(mentorship=pair, by=pair.mentor, note="Late")


def test_suggesting_changes_sends_it_back_with_the_note(pair, on_commit):
    proposed(pair)
    version = on_commit(
        agreements.suggest_changes, mentorship=pair, by=pair.mentor, note="  Meet weekly?  "
    )
    assert version.answer == "changes" and version.suggestion == "Meet weekly?"
    assert Agreement.objects.get().status == Agreement.Status.CHANGES
    assert subjects(pair.mentee) == [f"{pair.mentor.name} suggested changes to your agreement"]
    assert "“Meet weekly?”" in mail.outbox[-1].body
    assert emails.agreement_changes(version.pk) is False


@pytest.mark.parametrize(("note", "words"), [("   ", "Say what"), ("x" * 1001, "1000")])
def test_changes_need_a_note_within_the_limit(pair, note, words):
    proposed(pair)
    with pytest.raises(Invalid, match=words):
        agreements.suggest_changes(mentorship=pair, by=pair.mentor, note=note)
    assert Agreement.objects.get().status == Agreement.Status.PROPOSED


def test_the_mentee_revises_and_proposes_again_and_every_version_is_kept(pair, on_commit):
    first = proposed(pair, "networking")
    agreements.suggest_changes(mentorship=pair, by=pair.mentor, note="Add leadership")
    second = on_commit(proposed, pair, "networking", "leadership")
    assert (first.number, second.number) == (1, 2)
    assert subjects(pair.mentor)[-1] == (
        f"{pair.mentee.name} has proposed your mentoring agreement"
    )
    agreements.confirm(mentorship=pair, by=pair.mentor)
    history = view(pair, pair.mentor).history
    assert [(v.number, v.answer, v.suggestion) for v in history] == [
        (1, "changes", "Add leadership"),
        (2, "agreed", ""),
    ]
    assert [g.goal.slug for g in history[0].goals.all()] == ["networking"]
    assert all(v.written_by == pair.mentee for v in history)


# --- a change after the agreement ------------------------------------------------------------


def test_a_change_leaves_the_agreement_in_force_until_the_mentor_confirms_it(pair, on_commit):
    first = agreed(pair, "networking", "leadership")
    agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="networking", rating=4)
    change = on_commit(proposed, pair, "networking", "sense-of-belonging")
    assert (
        subjects(pair.mentor)[-1] == f"{pair.mentee.name} has proposed a change to your agreement"
    )
    shown = view(pair, pair.mentee)
    assert shown.agreed == first and shown.pending == change and shown.waiting_for_mentor
    on_commit(agreements.confirm, mentorship=pair, by=pair.mentor)
    shown = view(pair, pair.mentee)
    assert shown.agreed == change and shown.pending is None
    progress = {
        g.terms.goal.slug: (g.progress.start_rating, g.progress.rating) for g in shown.in_force
    }
    # The goal carried over keeps its start and its progress; the new one starts now.
    assert progress == {"networking": (2, 4), "sense-of-belonging": (2, 2)}
    assert "confirmed the change to your agreement" in mail.outbox[-1].body


def test_a_draft_is_discarded_and_the_agreement_in_force_stays(pair):
    version = agreed(pair, "networking")
    agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("leadership"))
    agreements.discard_draft(mentorship=pair, by=pair.mentee)
    agreement = Agreement.objects.get()
    assert agreement.status == Agreement.Status.AGREED and agreement.agreed == version
    with pytest.raises(Refused, match="no draft"):
        agreements.discard_draft(mentorship=pair, by=pair.mentee)


def test_discarding_the_first_draft_leaves_no_agreement(pair):
    agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("networking"))
    agreements.discard_draft(mentorship=pair, by=pair.mentee)
    assert not Agreement.objects.exists()


# --- progress ------------------------------------------------------------------------------


def test_progress_keeps_its_start_and_every_change_with_its_date(pair, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    agreed(pair, "networking")
    start = timezone.now()
    for days, rating in ((7, 3), (21, 3), (35, 5)):
        time_machine.move_to(start + timedelta(days=days), tick=False)
        agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="networking", rating=rating)
    progress = GoalProgress.objects.get()
    assert (progress.start_rating, progress.rating) == (2, 5)
    assert [(u.kind, u.rating, (u.at - start).days) for u in progress.updates.all()] == [
        ("started", 2, 0),
        ("rated", 3, 7),
        ("rated", 5, 35),  # the same rating again (day 21) is no change
    ]


def test_a_goal_is_marked_done_and_undone_with_its_history(pair):
    agreed(pair, "networking")
    done = agreements.mark_done(mentorship=pair, by=pair.mentee, goal="networking", done=True)
    assert done.is_done
    agreements.mark_done(mentorship=pair, by=pair.mentee, goal="networking", done=True)  # again
    undone = agreements.mark_done(mentorship=pair, by=pair.mentee, goal="networking", done=False)
    assert not undone.is_done
    assert [u.kind for u in undone.updates.all()] == ["started", "done", "undone"]


def test_only_the_mentee_rates_their_progress(pair):
    agreed(pair, "networking")
    with pytest.raises(Refused, match="to rate: it is how they see their own goals"):
        agreements.rate_goal(mentorship=pair, by=pair.mentor, goal="networking", rating=5)
    with pytest.raises(Refused, match="to rate"):
        agreements.mark_done(mentorship=pair, by=pair.mentor, goal="networking", done=True)
    assert GoalProgress.objects.get().rating == 2


def test_progress_needs_an_agreed_goal_and_a_rating_from_1_to_5(pair):
    proposed(pair, "networking")
    with pytest.raises(Refused, match="not agreed yet"):
        agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="networking", rating=3)
    agreements.confirm(mentorship=pair, by=pair.mentor)
    with pytest.raises(Invalid, match="not one of the goals you agreed"):
        agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="leadership", rating=3)
    with pytest.raises(Invalid, match="not one of the goals you agreed"):
        agreements.mark_done(mentorship=pair, by=pair.mentee, goal="<script>", done=True)
    for bad in (0, 6, True):
        with pytest.raises(Invalid, match="from 1 to 5"):
            agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="networking", rating=bad)
    assert GoalProgress.objects.get().updates.count() == 1


def test_a_goal_dropped_in_a_change_is_no_longer_rated(pair):
    agreed(pair, "networking", "leadership")
    agreed(pair, "networking")
    with pytest.raises(Invalid, match="not one of the goals you agreed"):
        agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="leadership", rating=3)


# --- after the end ------------------------------------------------------------------------


def test_nothing_changes_once_the_mentorship_has_ended(pair):
    agreed(pair, "networking")
    lifecycle.end(mentorship=pair, by=pair.mentor, reason="goals_met")
    pair.refresh_from_db()
    ended = "has ended: its agreement stays as it was"
    attempts = [
        lambda: agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("leadership")),
        lambda: agreements.propose(mentorship=pair, by=pair.mentee, terms=terms("leadership")),
        lambda: agreements.discard_draft(mentorship=pair, by=pair.mentee),
        lambda: agreements.confirm(mentorship=pair, by=pair.mentor),
        lambda: agreements.suggest_changes(mentorship=pair, by=pair.mentor, note="x"),
        lambda: agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="networking", rating=5),
        lambda: agreements.mark_done(mentorship=pair, by=pair.mentee, goal="networking", done=True),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match=ended):
            attempt()
    assert AgreementVersion.objects.count() == 1 and GoalProgress.objects.get().rating == 2
    assert not view(pair, pair.mentee).can_change


def test_a_proposal_left_when_the_mentorship_ended_sends_no_email(pair, on_commit):
    version = proposed(pair, "networking")
    lifecycle.end(mentorship=pair, by=pair.mentor, reason="no_time")
    mail.outbox.clear()
    assert emails.agreement_proposed(version.pk) is False
    assert mail.outbox == []


def test_an_agreement_goes_with_its_mentorship(pair):
    agreed(pair, "networking")
    Mentorship.objects.filter(pk=pair.pk).delete()
    assert not Agreement.objects.exists() and not GoalProgress.objects.exists()


def test_when_the_mentee_leaves_the_mentor_keeps_the_agreement_read_only(pair):
    agreed(pair, "networking")
    pair.mentee.delete()
    pair.refresh_from_db()
    shown = view(pair, pair.mentor)
    assert not shown.can_change and shown.agreed.written_by is None
    assert [g.terms.success for g in shown.in_force] == ["Success at networking"]


def test_both_sides_find_the_agreement_in_their_data_export(pair):
    from privacy.services import data_of

    agreed(pair, "networking")
    agreements.rate_goal(mentorship=pair, by=pair.mentee, goal="networking", rating=3)
    agreements.save_draft(mentorship=pair, by=pair.mentee, terms=terms("leadership"))
    (mentees,) = data_of(pair.mentee.user)["profiles"][0]["agreements"]
    (mentors,) = data_of(pair.mentor.user)["profiles"][0]["agreements"]
    assert [v["number"] for v in mentees["versions"]] == [1, 2]  # their own draft too
    assert [v["number"] for v in mentors["versions"]] == [1]  # not the mentee's draft
    assert mentors["versions"][0]["goals"][0]["what_success_looks_like"] == "Success at networking"
    (progress,) = mentees["progress"]
    assert (progress["start_rating"], progress["rating"]) == (2, 3)
    assert [u["what"] for u in progress["updates"]] == ["Agreed", "Rated"]
