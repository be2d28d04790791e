"""An auto-assignment proposal an admin edits before committing: pairs removed and
put back (htmx, no reload), refused once the proposal is settled, names told apart
by email, reasons worded about the pair, and the figures in words."""

import pytest
from django.urls import reverse

from matching import assigning
from matching.models import AssignmentPair, MatchingRun
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from profiles.models import AuditEntry, SensitiveAccess
from tests.api.conftest import bearer, call
from tests.conftest import login
from tests.dashboard.helpers import proposal
from tests.factories import (
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    coordinator,
    program_admin,
    tags,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def staff(staff_client):
    return staff_client


def run_url(run) -> str:
    return reverse("dashboard:run", args=[run.program.slug, run.pk])


def edit_url(pair, how="remove") -> str:
    return reverse(f"dashboard:{how}_pair", args=[pair.run.program.slug, pair.run_id, pair.pk])


def best(run) -> AssignmentPair:
    return AssignmentPair.objects.filter(run=run).order_by("-score", "pk").first()


# --- removing and putting back -------------------------------------------------------------------


def test_a_removed_pair_is_marked_and_the_counts_follow_without_a_reload(staff, program, cohort):
    run = proposal(program)
    pair = best(run)
    answer = staff.post(edit_url(pair), {"page": "1"}, headers=HTMX)
    assert answer.status_code == 200
    pair.refresh_from_db()
    assert pair.removed_at is not None and pair.removed_by is not None
    html = answer.content.decode()
    assert f'<tr id="pair-{pair.pk}" class="removed">' in html
    assert f'id="pair-{pair.pk}-edit"' in html and ">Put back<" in html
    # Out of band: the counts and the commit button, for the 5 pairs left.
    assert 'id="proposal-counts" hx-swap-oob="innerHTML"' in html
    assert "5 pairs to commit</strong>; 1 removed by hand, whose mentee stays waiting" in html
    assert "Commit: create these 5 mentorships" in html
    page = staff.get(run_url(run)).content.decode()
    assert "Commit: create these 5 mentorships" in page and "Removed" in page


def test_a_removed_pair_can_be_put_back_until_the_commit(staff, program, cohort):
    run = proposal(program)
    pair = best(run)
    staff.post(edit_url(pair), headers=HTMX)
    answer = staff.post(edit_url(pair, "restore"), headers=HTMX)
    pair.refresh_from_db()
    assert answer.status_code == 200 and pair.removed_at is None and pair.removed_by is None
    assert "Commit: create these 6 mentorships" in answer.content.decode()
    assert assigning.outlook(run) == assigning.Outlook(pairs=6, removed=0)


def test_without_htmx_an_edit_reloads_the_page_on_its_message(staff, program, cohort):
    run = proposal(program)
    pair = best(run)
    answer = staff.post(edit_url(pair), {"page": "1"})
    assert answer.status_code == 302
    assert answer.url == f"{run_url(run)}?page=1#pair-{pair.pk}"
    page = staff.get(answer.url).content.decode()
    assert f"{pair.mentee.name} and {pair.mentor.name} removed from the proposal" in page


def test_removing_twice_changes_nothing_more(staff, program, cohort):
    run = proposal(program)
    pair = best(run)
    staff.post(edit_url(pair), headers=HTMX)
    first = AssignmentPair.objects.get(pk=pair.pk).removed_at
    staff.post(edit_url(pair), headers=HTMX)
    assert AssignmentPair.objects.get(pk=pair.pk).removed_at == first
    assert AuditEntry.objects.filter(action="proposal_edit").count() == 1


def test_the_commit_skips_removed_pairs_and_their_mentees_stay_waiting(program, cohort):
    run = proposal(program)
    pair = best(run)
    assigning.remove_pair(pair=pair, user=None)
    result = assigning.commit(run=run, user=None)
    assert result == {"created": 5, "skipped": 0, "removed": 1}
    assert not Mentorship.objects.filter(mentee=pair.mentee).exists()
    assert pair.mentee_id in assigning.unmatched_mentee_ids(program.pk)
    assert Mentorship.objects.filter(source="auto").count() == 5
    pair.refresh_from_db()
    assert pair.outcome == "proposed" and pair.removed_at is not None


def test_the_committed_page_says_which_pairs_were_removed(staff, program, cohort):
    run = proposal(program)
    assigning.remove_pair(pair=best(run), user=UserFactory(email="ada@example.org"))
    assigning.commit(run=run, user=None)
    page = staff.get(run_url(run)).content.decode()
    assert "5 mentorships created, 0 skipped" in page
    assert "1 removed by hand before the commit" in page
    assert "by ada@example.org; left out of the commit" in page
    assert ">Remove<" not in page and ">Put back<" not in page


def test_a_proposal_with_every_pair_removed_cannot_be_committed(staff, program, cohort):
    run = proposal(program)
    for pair in AssignmentPair.objects.filter(run=run):
        assigning.remove_pair(pair=pair, user=None)
    answer = staff.post(reverse("dashboard:commit", args=[program.slug, run.pk]))
    assert answer.status_code == 302
    assert "Every pair was removed" in staff.get(run_url(run)).content.decode()
    with pytest.raises(Refused, match="nothing to commit"):
        assigning.request_commit(run=run, user=None)


@pytest.mark.parametrize("settle", ["commit", "discard", "committing"])
def test_a_settled_proposal_refuses_edits_with_409_and_a_message(staff, program, cohort, settle):
    run = proposal(program)
    pair = best(run)
    if settle == "commit":
        assigning.commit(run=run, user=None)
    elif settle == "discard":
        assigning.discard(run=run, user=None)
    else:
        assigning.request_commit(run=run, user=None)  # its task waits for the test's commit
    answer = staff.post(edit_url(pair), headers=HTMX)
    assert answer.status_code == 409
    assert answer["HX-Retarget"] == "#proposal-alert"
    assert "its pairs can no longer change" in answer.content.decode()
    plain = staff.post(edit_url(pair, "restore"))
    assert plain.status_code == 409 and "its pairs can no longer change" in plain.content.decode()
    assert AssignmentPair.objects.get(pk=pair.pk).removed_at is None
    assert not AuditEntry.objects.filter(action="proposal_edit").exists()


def test_another_programs_run_or_pair_is_404(staff, program, cohort):
    run = proposal(program)
    pair = best(run)
    other = ProgramFactory()
    MentorFactory(program=other, goals=["networking"])
    ProfileFactory(program=other, goals=["networking"])
    elsewhere = proposal(other)
    stranger = best(elsewhere)
    # This program's slug with the other program's run, and a pair of another run.
    wrong_run = reverse("dashboard:remove_pair", args=[program.slug, elsewhere.pk, stranger.pk])
    wrong_pair = reverse("dashboard:remove_pair", args=[program.slug, run.pk, stranger.pk])
    unknown = reverse("dashboard:restore_pair", args=[program.slug, run.pk, 999999])
    for url in (wrong_run, wrong_pair, unknown):
        assert staff.post(url, headers=HTMX).status_code == 404, url
    assert not AssignmentPair.objects.filter(removed_at__isnull=False).exists()
    assert staff.post(edit_url(pair)).status_code == 302


def test_a_rescore_run_has_no_pairs_to_edit(staff, program, cohort):
    run = proposal(program)
    pair = best(run)
    MatchingRun.objects.filter(pk=run.pk).update(kind=MatchingRun.Kind.SCORE)
    assert staff.post(edit_url(pair), headers=HTMX).status_code == 409


def test_only_the_programs_admins_edit_a_proposal(client, program, cohort):
    run = proposal(program)
    pair = best(run)
    assert client.post(edit_url(pair)).status_code == 302  # to log in
    for outsider in (cohort[0][0].user, UserFactory(is_staff=True)):
        login(client, outsider)
        assert client.post(edit_url(pair)).status_code == 404
        assert client.post(edit_url(pair, "restore")).status_code == 404
    login(client, coordinator(program))
    page = client.get(run_url(run)).content.decode()
    assert edit_url(pair) not in page and "Commit:" not in page and "Discard…" not in page
    assert "the program's admins commit or discard a proposal" in page
    assert client.post(edit_url(pair)).status_code == 403
    assert client.post(edit_url(pair, "restore")).status_code == 403
    assert AssignmentPair.objects.get(pk=pair.pk).removed_at is None


def test_each_edit_is_on_the_audit_log_with_who_did_it(client, program, cohort):
    admin = program_admin(program, email="lin@example.org")
    login(client, admin)
    run = proposal(program)
    pair = best(run)
    client.post(edit_url(pair), headers=HTMX)
    client.post(edit_url(pair, "restore"), headers=HTMX)
    removed, restored = AuditEntry.objects.filter(action="proposal_edit").order_by("pk")
    assert removed.actor == admin and removed.program == program
    assert removed.summary == (
        f"{pair.mentee.name} and {pair.mentor.name} removed from auto-assignment #{run.pk}."
    )
    assert removed.details == {
        "run": run.pk,
        "pair": pair.pk,
        "mentee": pair.mentee_id,
        "mentor": pair.mentor_id,
        "removed": True,
    }
    assert "put back into" in restored.summary and restored.details["removed"] is False


def test_the_api_shows_which_pairs_were_removed(staff_user, program, cohort):
    run = proposal(program)
    pair = best(run)
    assigning.remove_pair(pair=pair, user=None)
    listed = call(bearer(staff_user), "get", f"/admin/programs/default/runs/{run.pk}/pairs/")
    removed = {p["id"]: p["removed_at"] for p in listed.json()["results"]}
    assert removed[pair.pk] is not None
    assert sum(1 for at in removed.values() if at is None) == 5


@pytest.fixture
def staff_user(program):
    return program_admin(program)


# --- names and reasons ---------------------------------------------------------------------------


def test_a_name_two_people_hold_is_shown_with_each_email(staff, program):
    goals = ["networking", "leadership"]
    mentor = MentorFactory(program=program, goals=goals, capacity=3, display_name="Sam Lee")
    twins = [
        ProfileFactory(program=program, goals=goals, display_name=name, user__email=email)
        for name, email in [
            ("Ana Cruz", "ana.one@example.org"),
            ("ana cruz", "ana.two@example.org"),
        ]
    ]
    ProfileFactory(program=program, goals=goals, display_name="Bo Park", user__email="bo@x.org")
    page = staff.get(run_url(proposal(program))).content.decode()
    for twin in twins:
        local, domain = twin.user.email.split("@")
        assert f'{twin.name}</span><span class="pair-email">{local}<wbr>@{domain}</span>' in page
    assert "bo@x.org" not in page and mentor.user.email not in page


def test_one_person_in_both_roles_is_no_namesake(staff, program):
    user = UserFactory()
    MentorFactory(program=program, user=user, goals=["networking"], display_name="Kim Ito")
    ProfileFactory(program=program, user=user, goals=["networking"], display_name="Kim Ito")
    assert assigning.namesakes(program_id=program.pk, names={"Kim Ito"}) == set()


def test_the_why_column_speaks_about_the_pair(staff, program, cohort):
    page = staff.get(run_url(proposal(program))).content.decode()
    assert "Can help with 2 of the mentee&#x27;s 2 goals: networking, leadership" in page
    assert "your goals" not in page and "their career" not in page


@pytest.fixture
def shared_heritage(program):
    """A mentee and a mentor who share a heritage and a language."""
    mentee = ProfileFactory(program=program, goals=["networking"], languages=["english", "tagalog"])
    mentor = MentorFactory(program=program, goals=["networking"], languages=["english", "tagalog"])
    for person in (mentee, mentor):
        person.background.set(tags("heritage", "filipino"))
    return mentee, mentor


def test_background_reasons_need_the_permission_and_are_on_the_record(
    client, program, shared_heritage
):
    run = proposal(program)
    admin = login(client, program_admin(program))
    page = admin.get(run_url(run)).content.decode()
    assert "Both speak English and Tagalog" in page
    assert "Filipino" not in page and "Shared background:" not in page
    assert not SensitiveAccess.objects.exists()

    allowed = program_admin(program, background=True)
    page = login(client, allowed).get(run_url(run)).content.decode()
    assert "Shared background: Filipino" in page
    access = SensitiveAccess.objects.get()
    assert access.viewer == allowed and access.program == program


def test_stored_reasons_and_the_api_never_carry_background(program, shared_heritage):
    run = proposal(program)
    reasons = AssignmentPair.objects.get(run=run).worded_reasons
    assert "Both speak English and Tagalog" in reasons
    assert not any("Filipino" in r or "background" in r.lower() for r in reasons)


def test_the_mentee_still_reads_reasons_spoken_to_them(program, cohort):
    """The pair's wording is for admins only: a mentee's suggestions are unchanged."""
    from matching import suggestions
    from matching.models import Suggestion

    mentee = cohort[0][0]
    suggestions.refresh_profile(profile_id=mentee.pk)
    said = Suggestion.objects.filter(mentee=mentee).first().worded_reasons
    assert any(r.startswith("Can help with 2 of your 2 goals") for r in said)


# --- the run's figures in words ------------------------------------------------------------------


def test_a_rescores_result_is_labelled_in_words(staff, program, cohort):
    run = MatchingRun.objects.create(
        program=program,
        status="succeeded",
        summary={"pairs_scored": 18, "mentees_without_suggestions": 0, "new_figure": 1},
    )
    page = staff.get(run_url(run)).content.decode()
    assert "<dt>Pairs scored</dt><dd>18</dd>" in page
    assert "<dt>Mentees without suggestions</dt>" in page and "<dt>New figure</dt>" in page
    assert "pairs_scored" not in page and "Pairsscored" not in page


def test_each_policys_solve_time_is_shown(staff, program, cohort):
    page = staff.get(run_url(proposal(program))).content.decode()
    assert '<th scope="col">Solve time</th>' in page and " ms</td>" in page


def test_without_recorded_timings_the_column_goes(staff, program, cohort):
    run = proposal(program)
    figures = {k: {**f, "seconds": None} for k, f in run.summary["figures"].items()}
    for f in figures.values():
        del f["seconds"]
    MatchingRun.objects.filter(pk=run.pk).update(summary={**run.summary, "figures": figures})
    page = staff.get(run_url(run)).content.decode()
    assert "Solve time" not in page and "Seconds" not in page
