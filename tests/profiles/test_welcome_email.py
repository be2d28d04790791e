import time

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from profiles import emails
from profiles.models import SentEmail, User
from tests.conftest import wait_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def welcomes_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email] and "Welcome" in m.subject]


def test_signing_up_sends_the_welcome_email_through_the_worker(celery_worker, client):
    client.post(
        reverse("account_signup"),
        {"email": "fresh@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    wait_for(lambda: welcomes_to("fresh@example.org"))
    user = User.objects.get(email="fresh@example.org")
    assert SentEmail.objects.filter(key=f"welcome:{user.pk}").exists()
    assert "tell us a little about you" in welcomes_to("fresh@example.org")[0].body


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
