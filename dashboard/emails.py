"""The dashboard's email to admins: the weekly digest (digest.py)."""

from django.urls import reverse

from profiles import outbox, zones

from . import digest


@outbox.email
def weekly_digest(user_id: int, week: str) -> bool:
    """This week's flags and silent mentors in the programs one person helps run.
    A week with nothing to report sends nothing, but is marked as that week's digest."""
    user = digest.recipients().filter(pk=user_id).first()
    if user is None:
        return False
    programs = digest.contents(user)
    if not programs:
        outbox.claim(key=digest.key(user_id, week), to=user)
        return False
    return outbox.send_once(
        key=digest.key(user_id, week),
        to=user,
        template="dashboard/email/weekly_digest",
        context={
            "programs": programs,
            "flags": sum(p.flags_count for p in programs),
            "silent": sum(len(p.silent) for p in programs),
            "choice_link": reverse("dashboard:digest"),
            "action_url": reverse("dashboard:programs"),
        },
        tz=zones.of_user(user_id),
    )
