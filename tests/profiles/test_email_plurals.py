"""Counts in emails read right for one and for many: a cooling-off and an
invitation's life can each be a single day."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings

from mentorships.models import Mentorship
from profiles import emails
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("days", "words"), [(1, "for 1 day;"), (2, "for 2 days;")])
@pytest.mark.parametrize("status", ["declined", "expired"])
def test_the_returned_email_counts_the_cooling_off(program, days, words, status):
    program.expired_pair_cooldown_days = days
    program.save()
    mentee = ProfileFactory(program=program)
    closed = Mentorship(
        mentee=mentee,
        mentor=MentorFactory(program=program),
        program=program,
        status=status,
        decline_reason="no_room",
        ended_by="mentor",
    )
    body = render_to_string(
        "matching/email/returned_body.txt", {"mentee": mentee, "why": [closed], "count": 0}
    )
    assert f"will not be suggested to you {words}" in body
    assert "1 days" not in body


@pytest.mark.parametrize(
    ("seconds", "words"), [(86400, "for 1 day. After"), (3 * 86400, "for 3 days. After")]
)
def test_an_invitation_counts_the_days_its_link_works(program, seconds, words):
    user = ProfileFactory(program=program).user
    user.password = make_password(None)  # imported: no password chosen yet
    user.save(update_fields=["password"])
    with override_settings(PASSWORD_RESET_TIMEOUT=seconds):
        assert emails.invitation(user.pk, program.pk)
    assert f"The link works once and {words}" in mail.outbox[-1].body
