import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from profiles import emails
from profiles.models import SentEmail, User
from tests.conftest import wait_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def welcomes_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email] and "Welcome" in m.subject]


def sign_up(client: Client, email: str, role: str | None = None) -> str:
    """Sign up (as ``role``, chosen on the landing page); the confirmation link's path."""
    if role:
        client.get(reverse("profiles:join", args=[role]))
    client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    (confirmation,) = [m for m in mail.outbox if m.to == [email] and "Confirm" in m.subject]
    return re.search(re.escape(settings.SITE_URL) + r"(/\S+)", confirmation.body).group(1)


def test_signing_up_sends_no_welcome_until_the_address_is_confirmed(celery_worker, client):
    confirm = sign_up(client, "fresh@example.org")
    time.sleep(1.0)  # a welcome queued at sign-up would have reached the worker by now
    assert welcomes_to("fresh@example.org") == []
    client.post(confirm)
    wait_for(lambda: welcomes_to("fresh@example.org"))
    user = User.objects.get(email="fresh@example.org")
    assert SentEmail.objects.filter(key=f"welcome:{user.pk}").exists()


def test_opening_the_confirmation_link_twice_sends_one_welcome(client, default_program):
    confirm = sign_up(client, "twice@example.org", role="mentee")
    client.post(confirm)
    Client().post(confirm)  # again, from another browser
    Client().get(confirm)
    assert len(welcomes_to("twice@example.org")) == 1


def test_a_mentor_is_welcomed_with_a_mentors_next_steps(client, default_program):
    Client().post(sign_up(client, "guide@example.org", role="mentor"))
    (welcome,) = welcomes_to("guide@example.org")
    assert "You joined as a mentor" in welcome.body
    assert "how many mentees you have room for" in welcome.body
    assert "suggests mentors who fit" not in welcome.body
    assert ">Start your mentor profile</a>" in welcome.alternatives[0][0]


def test_a_mentee_is_welcomed_with_a_mentees_next_steps(client, default_program):
    Client().post(sign_up(client, "learner@example.org", role="mentee"))
    (welcome,) = welcomes_to("learner@example.org")
    assert "You joined as a mentee" in welcome.body
    assert "suggests mentors who fit" in welcome.body
    assert "how many mentees you have room for" not in welcome.body
    assert ">Start your mentee profile</a>" in welcome.alternatives[0][0]


def test_the_task_is_queued_only_when_the_transaction_commits(celery_worker):
    with transaction.atomic():
        user = UserFactory(email="later@example.org")
        emails.welcome.delay_on_commit(user.pk)
        time.sleep(1.0)  # a worker that received the id now would not find the row
        assert not welcomes_to("later@example.org")
    wait_for(lambda: welcomes_to("later@example.org"))


def test_a_duplicated_task_sends_one_email(celery_worker):
    user = UserFactory(email="once@example.org")
    emails.welcome.delay(user.pk)
    emails.welcome.delay(user.pk)
    wait_for(lambda: SentEmail.objects.filter(key=f"welcome:{user.pk}").exists())
    time.sleep(1.0)  # let the second copy run too
    assert len(welcomes_to("once@example.org")) == 1


def test_a_task_for_a_deleted_user_does_nothing(celery_worker):
    user = UserFactory()
    user_id = user.pk
    user.delete()
    result = emails.welcome.apply(args=[user_id])  # runs here, no broker
    assert result.successful()
    assert mail.outbox == []
