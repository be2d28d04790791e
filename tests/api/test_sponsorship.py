"""The sponsorship ledger through the API: the page's rules — the mentor records and
corrects, the mentee confirms; the pair only; bad dates a 400, refusals a 409."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import lifecycle, sponsorships
from mentorships.models import Mentorship
from mentorships.outcome_models import SponsorshipAction
from tests.api.conftest import bearer, call
from tests.api.test_workspace import error
from tests.factories import coordinator, program_admin
from tests.mentorships.helpers import OUTSIDERS, outsider

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


def entry(m: Mentorship) -> SponsorshipAction:
    return sponsorships.record(
        mentorship=m, by=m.mentor, kind="introduced", happened_on=timezone.localdate(), note="Ana"
    )


def test_the_mentor_records_and_the_mentee_confirms(accepted, django_capture_on_commit_callbacks):
    mentor, mentee = bearer(accepted.mentor.user), bearer(accepted.mentee.user)
    body = {"mentorship": accepted.pk, "kind": "nominated", "happened_on": today(), "note": "Hi"}
    with django_capture_on_commit_callbacks(execute=True):
        made = call(mentor, "post", "/sponsorships/", body)
    assert made.status_code == 201, made.content
    assert made.json()["kind"] == "nominated" and made.json()["confirmed"] is False
    assert [e.to for e in mail.outbox] == [[accepted.mentee.user.email]]
    pk = made.json()["id"]
    (seen,) = call(mentee, "get", f"/sponsorships/?mentorship={accepted.pk}").json()["results"]
    assert seen["note"] == "Hi"
    confirmed = call(mentee, "post", f"/sponsorships/{pk}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    error(call(mentor, "patch", f"/sponsorships/{pk}/", body), 409, "refused")
    taken_back = call(mentee, "post", f"/sponsorships/{pk}/unconfirm/")
    assert taken_back.json()["confirmed"] is False
    assert call(mentor, "delete", f"/sponsorships/{pk}/").status_code == 204
    assert not SponsorshipAction.objects.exists()


def test_each_step_is_one_sides(accepted):
    pk = entry(accepted).pk
    mentor, mentee = bearer(accepted.mentor.user), bearer(accepted.mentee.user)
    body = {"mentorship": accepted.pk, "kind": "nominated", "happened_on": today()}
    error(call(mentee, "post", "/sponsorships/", body), 403, "permission_denied")
    error(call(mentee, "patch", f"/sponsorships/{pk}/", body), 403, "permission_denied")
    error(call(mentee, "delete", f"/sponsorships/{pk}/"), 403, "permission_denied")
    error(call(mentor, "post", f"/sponsorships/{pk}/confirm/"), 403, "permission_denied")
    error(call(mentor, "post", f"/sponsorships/{pk}/unconfirm/"), 403, "permission_denied")
    assert SponsorshipAction.objects.count() == 1
    assert not SponsorshipAction.objects.get().is_confirmed


@pytest.mark.parametrize("who", [*OUTSIDERS, "admin", "coordinator"])
def test_nobody_else_reads_or_changes_an_entry(accepted, who):
    pk = entry(accepted).pk
    program = accepted.program
    user = {"admin": program_admin, "coordinator": coordinator}.get(who)
    client = bearer(user(program) if user else outsider(program, who))
    assert call(client, "get", "/sponsorships/").json()["count"] == 0
    for method, url in [
        ("get", f"/sponsorships/{pk}/"),
        ("patch", f"/sponsorships/{pk}/"),
        ("delete", f"/sponsorships/{pk}/"),
        ("post", f"/sponsorships/{pk}/confirm/"),
        ("post", f"/sponsorships/{pk}/unconfirm/"),
    ]:
        error(call(client, method, url, {}), 404, "not_found")
    body = {"mentorship": accepted.pk, "kind": "nominated", "happened_on": today()}
    made = error(call(client, "post", "/sponsorships/", body), 400, "invalid")
    assert made["fields"] == {"mentorship": ["Not one of your mentorships."]}
    assert SponsorshipAction.objects.count() == 1
    assert not SponsorshipAction.objects.get().is_confirmed


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "coffee"}, "kind"),
        ({"kind": None}, "kind"),
        ({"happened_on": "yesterday"}, "happened_on"),
        ({"happened_on": "in future"}, "happened_on"),
        ({"note": "x" * 301}, "note"),
        ({"note": ["a list"]}, "note"),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field_and_saves_nothing(accepted, change, field):
    future = (timezone.localdate() + timedelta(days=4)).isoformat()
    body = {"mentorship": accepted.pk, "kind": "introduced", "happened_on": today()}
    body |= {k: future if v == "in future" else v for k, v in change.items()}
    found = error(
        call(bearer(accepted.mentor.user), "post", "/sponsorships/", body), 400, "invalid"
    )
    assert field in found["fields"], found
    assert not SponsorshipAction.objects.exists()


def test_a_mentorship_closed_long_ago_is_a_409(accepted):
    lifecycle.end(mentorship=accepted, by=accepted.mentee, reason="goals_met", note="")
    Mentorship.objects.filter(pk=accepted.pk).update(ended_at=timezone.now() - timedelta(days=91))
    body = {"mentorship": accepted.pk, "kind": "introduced", "happened_on": today()}
    found = error(
        call(bearer(accepted.mentor.user), "post", "/sponsorships/", body), 409, "refused"
    )
    assert "90 days" in found["message"]
