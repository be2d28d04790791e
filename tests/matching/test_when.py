"""Times said relatively: "just now", never "0 minutes ago"."""

from datetime import UTC, datetime, timedelta

from django.template import Context, Template

from matching.templatetags.when import ago

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def test_under_a_minute_is_just_now():
    assert ago(NOW, NOW) == "just now"
    assert ago(NOW - timedelta(seconds=59), NOW) == "just now"


def test_a_time_a_little_ahead_is_just_now_too():
    assert ago(NOW + timedelta(seconds=5), NOW) == "just now"


def test_minutes_and_days_say_ago():
    assert ago(NOW - timedelta(minutes=1), NOW) == "1\xa0minute ago"
    assert ago(NOW - timedelta(minutes=5), NOW) == "5\xa0minutes ago"
    assert ago(NOW - timedelta(days=2, hours=3), NOW) == "2\xa0days, 3\xa0hours ago"


def test_no_time_says_nothing():
    assert ago(None) == ""
    assert ago("yesterday") == ""


def test_the_filter_loads_in_a_template():
    from django.utils import timezone

    rendered = Template("{% load when %}Asked {{ at|ago }}.").render(
        Context({"at": timezone.now()})
    )
    assert rendered == "Asked just now."
