"""What a mentorship's page shows, gathered for its template."""

from django.utils.safestring import SafeString

from profiles.models import Profile

from . import signals
from .forms import CheckInForm, EndForm
from .models import Mentorship
from .visibility import can_see_background


def mentorship_page(m: Mentorship, me: Profile) -> dict:
    other = m.other_side(me)  # None once they have deleted their account
    parts = (
        []
        if other is None
        else signals.mentorship_page.send(sender=Mentorship, mentorship=m, viewer=me)
    )
    return {
        "m": m,
        "me": me,
        "other": other,
        "other_name": other.name if other else "a member who has left Kindred",
        "show_contact": m.is_paired and other is not None,
        "show_background": other is not None and can_see_background(other, me),
        # What other apps add about the pair (matching: why they were matched).
        "parts": [SafeString(html) for _, html in parts if html],
        "check_ins": list(m.check_ins.select_related("author")),
        # Both forms have a note: distinct ids keep each label on its own field.
        "check_in_form": CheckInForm(auto_id="check-in-%s"),
        "end_form": EndForm(auto_id="end-%s"),
    }
