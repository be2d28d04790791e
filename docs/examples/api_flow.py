"""Kindred's JSON API through a client generated from its schema (docs/api.md, "Generate a client").

A mentee asks their best-ranked suggested mentor, the mentor accepts, and an admin of the
program re-scores it and waits for the run to finish. Each step is printed.

    export KINDRED_MENTEE_TOKEN=kindred_… KINDRED_MENTOR_TOKEN=kindred_…
    export KINDRED_ADMIN_TOKEN=kindred_…    # an admin of the program
    PYTHONPATH=build/api-client python docs/examples/api_flow.py http://127.0.0.1:8000 default

`scripts/api_client.sh` generates `kindred_api_client` into build/api-client/ and checks this
file with `mypy --strict`, so a schema change that would break it fails CI.
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from kindred_api_client import AuthenticatedClient
from kindred_api_client.api.admin_programs import admin_programs_rescore_create
from kindred_api_client.api.admin_runs import admin_programs_runs_retrieve
from kindred_api_client.api.mentorships import mentorships_accept_create, mentorships_list
from kindred_api_client.api.profiles import profiles_list, profiles_suggestions_retrieve
from kindred_api_client.api.suggestions import suggestions_request_create
from kindred_api_client.models import (
    Error,
    ErrorBody,
    MentorshipsListRole,
    MentorshipsListStatus,
    RequestInputRequest,
    RoleEnum,
    RunStatusEnum,
    Suggestion,
    SuggestionListStateEnum,
)

T = TypeVar("T")
FINISHED = {RunStatusEnum.SUCCEEDED, RunStatusEnum.FAILED}


class ApiError(Exception):
    """A 4xx answer, in the API's one error shape (docs/api.md, "Errors")."""

    def __init__(self, body: ErrorBody) -> None:
        super().__init__(f"{body.code}: {body.message}")
        self.body = body


def ok(answer: T | Error | None) -> T:
    """The answer's model, or ApiError. (None would be an undocumented status, which the
    client raises as errors.UnexpectedStatus instead: raise_on_unexpected_status below.)"""
    if isinstance(answer, Error):
        raise ApiError(answer.error)
    if answer is None:
        raise RuntimeError("no answer")
    return answer


@dataclass(frozen=True)
class Outcome:
    mentorship_id: int
    mentorship_status: str
    run_id: int
    run_status: str


def client(base_url: str, token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)


def poll(read: Callable[[], T], done: Callable[[T], bool], *, deadline: float, every: float) -> T:
    """Read until ``done`` says so, or give up at ``deadline`` (time.monotonic())."""
    while not done(answer := read()):
        if time.monotonic() > deadline:
            raise TimeoutError("still not done at the deadline")
        time.sleep(every)
    return answer


def best_ranked(listed: list[Suggestion]) -> Suggestion:
    """Rank 1 is the best; a suggestion without a rank comes last."""
    return min(listed, key=lambda s: s.rank if s.rank is not None else sys.maxsize)


def run_flow(
    base_url: str,
    program: str,
    *,
    mentee_token: str,
    mentor_token: str,
    admin_token: str,
    timeout: float = 60.0,
    every: float = 0.5,
    say: Callable[[str], object] = print,
) -> Outcome:
    deadline = time.monotonic() + timeout

    with client(base_url, mentee_token) as mentee:
        profiles = ok(profiles_list.sync(client=mentee))
        me = next(p for p in profiles if p.role == RoleEnum.MENTEE and p.program.slug == program)
        listed = poll(
            lambda: ok(profiles_suggestions_retrieve.sync(me.id, client=mentee)),
            lambda s: s.state != SuggestionListStateEnum.SCORING,
            deadline=deadline,
            every=every,
        )
        say(f"mentee: profile {me.id}, {len(listed.results)} suggestions ({listed.state.value})")
        best = best_ranked(listed.results)
        asked = ok(
            suggestions_request_create.sync(
                best.id, client=mentee, body=RequestInputRequest(message="Hello! Could you help?")
            )
        )
        say(f"mentee: asked {best.mentor.name} (rank {best.rank}, score {best.score})")
        say(f"mentee: request {asked.id} is {asked.status.value}")

    with client(base_url, mentor_token) as mentor:
        waiting = ok(
            mentorships_list.sync(
                client=mentor,
                role=MentorshipsListRole.MENTOR,
                status=MentorshipsListStatus.REQUESTED,
            )
        )
        say(f"mentor: {waiting.count} request(s) waiting")
        request = next(m for m in waiting.results if m.id == asked.id)
        accepted = ok(mentorships_accept_create.sync(request.id, client=mentor))
        say(f"mentor: accepted mentorship {accepted.id}: {accepted.status.value}")
        try:
            ok(mentorships_accept_create.sync(request.id, client=mentor))
        except ApiError as refused:
            say(f"mentor: accepting again is refused ({refused.body.code}: {refused.body.message})")

    with client(base_url, admin_token) as admin:
        started = ok(admin_programs_rescore_create.sync(program, client=admin))
        say(f"admin: re-score run {started.id} {started.status.value}")
        run = poll(
            lambda: ok(admin_programs_runs_retrieve.sync(program, started.id, client=admin)),
            lambda r: r.status in FINISHED,
            deadline=deadline,
            every=every,
        )
        say(f"admin: run {run.id} {run.status.value} in {run.seconds} s ({run.percent}%)")
        scored = run.summary  # a re-score's figures; an auto-assignment's are others
        say(
            f"admin: {scored.suggestions} suggestions for {scored.mentees_with_suggestions} mentees"
        )

    return Outcome(accepted.id, accepted.status.value, run.id, run.status.value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("program", help="the program's slug, e.g. default")
    args = parser.parse_args()
    try:
        outcome = run_flow(
            args.base_url,
            args.program,
            mentee_token=os.environ["KINDRED_MENTEE_TOKEN"],
            mentor_token=os.environ["KINDRED_MENTOR_TOKEN"],
            admin_token=os.environ["KINDRED_ADMIN_TOKEN"],
        )
    except ApiError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    return 0 if outcome.run_status == RunStatusEnum.SUCCEEDED else 1


if __name__ == "__main__":
    sys.exit(main())
