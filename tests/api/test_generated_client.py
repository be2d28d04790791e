"""A client generated from the schema, as an integrator makes one (docs/api.md, "Generate a
client"; scripts/api_client.sh): it generates without a warning, the integrator's example
docs/examples/api_flow.py passes mypy --strict against it, a schema that drifts fails that
check, and the example drives the real flows against a live server and a real Celery worker.
"""

import copy
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from api.models import Token
from matching import suggestions
from matching.models import MatchingRun
from mentorships.models import Mentorship
from tests.api.conformance import served_schema
from tests.factories import MentorFactory, ProfileFactory, program_admin

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "api_client.sh"
EXAMPLE = ROOT / "docs" / "examples" / "api_flow.py"


def generate_and_check(schema: dict, out: Path, mypy_cache: Path) -> subprocess.CompletedProcess:
    """scripts/api_client.sh on ``schema``: the client into ``out``, then mypy --strict."""
    out.mkdir()
    (out / "schema.json").write_text(json.dumps(schema))
    return subprocess.run(
        [SCRIPT, "--schema", out / "schema.json", out],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MYPY_CACHE_DIR": str(mypy_cache)},
    )


def output(checked: subprocess.CompletedProcess) -> str:
    return f"exit {checked.returncode}\n{checked.stdout}\n{checked.stderr}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("api-client")


@pytest.fixture(scope="module")
def schema() -> dict:
    return served_schema()


@pytest.fixture(scope="module")
def generated(schema, workdir) -> tuple[Path, subprocess.CompletedProcess]:
    """The client generated once for the module, and what generating and checking said."""
    out = workdir / "client"
    return out, generate_and_check(schema, out, workdir / "mypy-cache")


@pytest.fixture(scope="module")
def api_flow(generated) -> ModuleType:
    """docs/examples/api_flow.py, imported with the generated package on the path."""
    out, checked = generated
    if not (out / "kindred_api_client").is_dir():
        pytest.fail(f"no client to run the example with:\n{output(checked)}")
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(out))
        spec = importlib.util.spec_from_file_location("api_flow", EXAMPLE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    for name in [n for n in sys.modules if n.split(".")[0] == "kindred_api_client"]:
        del sys.modules[name]


def test_the_client_generates_without_warnings_and_the_example_passes_mypy_strict(generated):
    _, checked = generated
    assert checked.returncode == 0, output(checked)
    assert "Warning" not in checked.stdout + checked.stderr, output(checked)
    assert "Success: no issues found in 1 source file" in checked.stdout, output(checked)


def test_a_schema_that_stops_promising_a_runs_status_fails_the_check(schema, workdir):
    drifted = copy.deepcopy(schema)
    run = drifted["components"]["schemas"]["Run"]
    run["required"] = [name for name in run.get("required", []) if name != "status"]

    checked = generate_and_check(drifted, workdir / "drifted", workdir / "mypy-cache")

    assert checked.returncode == 1, output(checked)
    assert 'Item "Unset" of "RunStatusEnum | Unset" has no attribute "value"' in checked.stdout


def test_a_schema_without_a_suggestions_rank_fails_the_check(schema, workdir):
    drifted = copy.deepcopy(schema)
    suggestion = drifted["components"]["schemas"]["Suggestion"]
    del suggestion["properties"]["rank"]
    suggestion["required"] = [name for name in suggestion.get("required", []) if name != "rank"]

    checked = generate_and_check(drifted, workdir / "no-rank", workdir / "mypy-cache")

    assert checked.returncode == 1, output(checked)
    assert '"Suggestion" has no attribute "rank"' in checked.stdout


@pytest.fixture
def tokens(program):
    """A mentee with a suggested mentor who has room, and an admin of the program: a token each."""
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"], capacity=2)
    suggestions.refresh_profile(profile_id=mentee.pk)
    admin = program_admin(program)
    return {
        "mentee": Token.issue(user=mentee.user, name="api_flow")[1],
        "mentor": Token.issue(user=mentor.user, name="api_flow")[1],
        "admin": Token.issue(user=admin, name="api_flow")[1],
        "profiles": (mentee, mentor),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_example_requests_accepts_and_rescores_for_real(
    api_flow, live_server, celery_worker, program, tokens
):
    said: list[str] = []

    outcome = api_flow.run_flow(
        live_server.url,
        program.slug,
        mentee_token=tokens["mentee"],
        mentor_token=tokens["mentor"],
        admin_token=tokens["admin"],
        timeout=30,
        every=0.1,
        say=said.append,
    )

    assert (outcome.mentorship_status, outcome.run_status) == ("accepted", "succeeded"), said
    mentee, mentor = tokens["profiles"]
    mentorship = Mentorship.objects.get(pk=outcome.mentorship_id)
    assert (mentorship.mentee, mentorship.mentor, mentorship.status) == (
        mentee,
        mentor,
        Mentorship.Status.ACCEPTED,
    )
    run = MatchingRun.objects.get(pk=outcome.run_id)
    assert (run.program, run.kind, run.status) == (
        program,
        MatchingRun.Kind.SCORE,
        MatchingRun.Status.SUCCEEDED,
    )
    assert [line.split(":")[0] for line in said] == ["mentee"] * 3 + ["mentor"] * 3 + ["admin"] * 3
    assert "accepting again is refused (refused: " in said[5]
    figures = run.summary
    assert said[-1] == (
        f"admin: {figures['suggestions']} suggestions"
        f" for {figures['mentees_with_suggestions']} mentees"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unknown_token_is_refused_in_the_documented_error_shape(api_flow, live_server):
    from kindred_api_client.api.profiles import profiles_list

    stranger = api_flow.client(live_server.url, "kindred_00000000_unknown")
    with stranger, pytest.raises(api_flow.ApiError) as refused:
        api_flow.ok(profiles_list.sync(client=stranger))

    assert refused.value.body.code == "authentication_failed"
    assert refused.value.body.message
