"""The schema, fuzzed against a live server as a mentee, a mentor and a program
admin (each with a token): no server errors, and every response as documented.

Every operation runs for each caller, with data that fits the schema and data
that does not. Its path ids are the caller's own objects, one set per kind of
change (the request a mentor accepts is not the one they decline), so the
happy paths run too; the permission tests cover other people's ids. Each
caller starts from fresh data: the database is reset between tests.
"""

from datetime import timedelta
from itertools import pairwise

import pytest
import requests
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import Token
from matching import assigning, suggestions
from matching.models import Suggestion
from mentorships import lifecycle, meetings, notes, sponsorships, threads
from mentorships.models import Meeting
from tests.api.conformance import served_schema
from tests.factories import MentorFactory, ProfileFactory, program_admin

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# Made in-process (schemathesis's lazy pytest-fixture loader does not run
# under pytest 9); the first test checks that the live server serves exactly this.
SCHEMA = served_schema()
schema = schemathesis.openapi.from_dict(SCHEMA)
# Reads first, so that each runs before the writes change what it reads.
OPERATIONS = sorted(
    (result.ok() for result in schema.get_all_operations()),
    key=lambda op: (op.method.upper() != "GET", op.path),
)


def test_the_live_server_serves_this_schema(live_server):
    response = requests.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=10)
    assert response.json() == SCHEMA


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) == sum(
        len([m for m in item if m in ("get", "post", "patch", "put", "delete")])
        for item in SCHEMA["paths"].values()
    )


@pytest.fixture
def world(settings, program):
    """A mentee with two suggestions and one request; a mentor with two
    mentees and two requests to answer; the program's admin with two proposals."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": "100000/minute", "runs": "100000/minute"},
    }
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"], capacity=10)
    spares = [MentorFactory(program=program, goals=["networking"]) for _ in range(2)]
    others = [ProfileFactory(program=program, goals=["networking"]) for _ in range(4)]
    for person in (mentee, *others):
        suggestions.refresh_profile(profile_id=person.pk)

    def ask(who, whom):
        return suggestions.request_mentor(
            suggestion=Suggestion.objects.get(mentee=who, mentor=whom), message="Hello"
        )

    to_withdraw = ask(mentee, mentor)
    to_accept, to_decline, to_end, under_way = (ask(other, mentor) for other in others)
    for m in (to_end, under_way):
        lifecycle.accept(mentorship=m)
    runs = [assigning.start(program=program, queue=False) for _ in range(2)]
    for run in runs:
        assigning.propose(run_id=run.pk)
    listed = [Suggestion.objects.get(mentee=mentee, mentor=spare) for spare in spares]
    # The workspace of the mentorship under way: the mentor's note and action item, and a
    # message from its mentee for the mentor to read and report.
    note = notes.write(mentorship=under_way, author=mentor, body="Our plan", shared=True)
    item = notes.add_action_item(
        mentorship=under_way, by=mentor, text="Send the CV", owner="mentee", due=None
    )
    message = threads.send(mentorship=under_way, author=others[3], body="Hello")
    sponsorship = sponsorships.record(
        mentorship=under_way,
        by=mentor,
        kind="introduced",
        happened_on=timezone.localdate(),
        note="To Priya",
    )
    meetings = arranged_meetings(under_way, to_end)
    shared = {
        "suggestions": {"dismiss": listed[1].pk, "": listed[0].pk},
        "meetings": meetings,
        "runs": {"discard": runs[1].pk, "": runs[0].pk},
        "notes": {"": note.pk},
        "action-items": {"": item.pk},
        "messages": {"": message.pk},
        "sponsorships": {"": sponsorship.pk},
        "mentorships": {
            "withdraw": to_withdraw.pk,
            "accept": to_accept.pk,
            "decline": to_decline.pk,
            "end": to_end.pk,
            "": under_way.pk,
        },
    }
    staff = program_admin(program, background=True)
    return {
        "slug": program.slug,
        "users": {"mentee": mentee.user, "mentor": mentor.user, "staff": staff},
        "own": {
            "mentee": {**shared, "profiles": {"": mentee.pk}}
            | {"mentorships": {**shared["mentorships"], "": to_withdraw.pk}},
            "mentor": {**shared, "profiles": {"": mentor.pk}},
            "staff": {**shared, "profiles": {"": mentee.pk}},
        },
    }


def arranged_meetings(under_way, to_end) -> dict:
    """The mentor's meetings, one per kind of step: times their mentee proposed
    (to pick), one confirmed to cancel, one whose time is over (to log), and one
    confirmed to read, download and move."""

    def plan():
        return meetings.Plan(minutes=60, video_url="https://meet.example.org/x")

    def soon(days):
        return timezone.now() + timedelta(days=days)

    def confirmed(m, days):
        meeting = meetings.propose(mentorship=m, by=m.mentee, times=[soon(days)], plan=plan())
        return meetings.pick(meeting=meeting, by=m.mentor, option_id=meeting.options.get().pk)

    to_pick = meetings.propose(
        mentorship=under_way, by=under_way.mentee, times=[soon(3), soon(4)], plan=plan()
    )
    to_log = confirmed(under_way, 1)
    Meeting.objects.filter(pk=to_log.pk).update(starts_at=soon(-2), ends_at=soon(-2))
    return {
        "pick": to_pick.pk,
        "cancel": confirmed(to_end, 5).pk,
        "log": to_log.pk,
        "": confirmed(under_way, 6).pk,
    }


def path_ids(operation, world, role: str) -> dict:
    """The caller's own objects for this operation's path: for
    ``/mentorships/{id}/accept/`` the request kept for accepting."""
    parts = operation.path.strip("/").split("/")
    action = "" if parts[-1].startswith("{") else parts[-1]
    ids = {}
    for resource, part in pairwise(parts):
        if part == "{slug}":
            ids["slug"] = world["slug"]
        elif part.startswith("{"):
            owned = world["own"][role][resource]
            ids[part[1:-1]] = owned.get(action, owned[""])
    return ids


def cases(operation, ids: dict):
    """Requests that fit the schema, and requests that break it."""
    return st.one_of(*(operation.as_strategy(mode, path_parameters=ids) for mode in GenerationMode))


@pytest.mark.parametrize("role", ["mentee", "mentor", "staff"])
def test_the_api_answers_as_its_schema_says(world, live_server, role):
    _, raw = Token.issue(user=world["users"][role], name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    with requests.Session() as session:
        for operation in OPERATIONS:
            fuzz(operation, path_ids(operation, world, role), role, headers, session, live_server)


def fuzz(operation, ids: dict, role: str, headers: dict, session, live_server) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(operation, ids))
    def answers_as_documented(case):
        response = case.call(base_url=live_server.url, headers=headers, session=session)
        assert response.status_code < 500, response.text[:500]
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        answers_as_documented()
    except Exception as failure:
        raise AssertionError(f"{operation.label} as the {role}: {failure}") from failure
