"""With Redis unreachable the site keeps working: nothing the cache or the
broker holds is needed to sign in or to save an answer."""

import pytest
from django.urls import reverse

from config.cache import ResilientRedisCache
from matching import suggestions
from matching.models import Suggestion
from profiles.models import Program
from tests.conftest import login, point_broker_at
from tests.factories import PASSWORD, MentorFactory, ProfileFactory, UserFactory, program_admin

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings, redis_test_url):
    from config.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": NOWHERE,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    point_broker_at(app, NOWHERE)
    app.conf.task_always_eager = False
    yield
    point_broker_at(app, redis_test_url)
    app.conf.task_always_eager = True


def test_the_cache_answers_misses_when_redis_is_unreachable():
    cache = ResilientRedisCache(NOWHERE, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None and cache.get_many(["k"]) == {}


def test_signing_in_works_without_redis(client, redis_down):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_saving_an_answer_works_without_the_broker(
    client, redis_down, django_capture_on_commit_callbacks
):
    mentee = ProfileFactory()
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profiles:edit", args=[mentee.pk, "goals"]), {"goals": []})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert "goals" in mentee.steps_done


def test_the_clock_rescores_a_mentee_whose_refresh_was_lost(
    program, django_capture_on_commit_callbacks
):
    mentee = ProfileFactory(program=program, goals=["networking"])
    MentorFactory(program=program, goals=["networking"])
    assert not Suggestion.objects.filter(mentee=mentee).exists()  # as if the refresh was lost
    with django_capture_on_commit_callbacks(execute=True):
        assert suggestions.rescore_forgotten() == 1
    assert Suggestion.objects.for_mentee(mentee).listed().exists()


def test_the_dashboard_works_its_figures_out_itself_without_redis(client, redis_down):
    program = Program.objects.get(slug="default")
    MentorFactory(program=program)
    login(client, program_admin(program))
    page = client.get(reverse("dashboard:program", args=[program.slug]))
    assert page.status_code == 200
    assert page.context["health"]["mentors"] == 1 and not page.context["shown"].updating
