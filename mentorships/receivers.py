from django.db import transaction
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.template.loader import render_to_string

from profiles.models import Profile
from profiles.signals import profile_changed, take_part_page, took_part_again

from . import close_outs, continuations, lifecycle, meetings, tasks
from .models import Note
from .outcome_models import SponsorshipAction
from .signals import mentorship_changed


@receiver(pre_delete, sender=Profile, dispatch_uid="mentorships.depart")
def depart(sender, instance: Profile, **kwargs) -> None:
    # Before the row goes, in the deletion's transaction: a profile deleted on
    # its own, with its account, or in bulk (every deletion sends this) leaves
    # nothing open behind it.
    lifecycle.depart(profile=instance)


@receiver(pre_delete, sender=Profile, dispatch_uid="mentorships.forget_private_notes")
def forget_private_notes(sender, instance: Profile, **kwargs) -> None:
    # Private notes go with their author, however the profile goes; shared notes,
    # messages and action items stay for the other side, their author set to
    # nobody ("a former member") by the foreign keys' SET_NULL.
    Note.objects.filter(author=instance, shared=False).delete()


@receiver(pre_delete, sender=Profile, dispatch_uid="mentorships.forget_sponsorship_notes")
def forget_sponsorship_notes(sender, instance: Profile, **kwargs) -> None:
    # A sponsorship's note says what was done for whom: it goes when either side
    # leaves, however the profile goes. The row (what kind, when, confirmed or not)
    # stays, anonymous, for the program's counts. Close-outs and follow-ups go
    # with their respondent by CASCADE.
    SponsorshipAction.objects.filter(
        Q(mentorship__mentee=instance) | Q(mentorship__mentor=instance)
    ).exclude(note="").update(note="")


@receiver(profile_changed, dispatch_uid="mentorships.tell_of_a_pause")
def tell_of_a_pause(sender, profile_id: int, **kwargs) -> None:
    # A pause saved with the questionnaire, not only on the availability page:
    # the mentees waiting on that mentor hear of it all the same.
    lifecycle.tell_waiting_of_pause(mentor_id=profile_id)


@receiver(mentorship_changed, dispatch_uid="mentorships.cancel_meetings")
def cancel_meetings(sender, mentorship, **kwargs) -> None:
    # However a mentorship closes (ended, turned down, one side left), its
    # meetings still to come are cancelled in the same transaction, and the
    # calendars that had them get the cancellation.
    if not mentorship.is_open:
        meetings.close_with(mentorship=mentorship)


@receiver(mentorship_changed, dispatch_uid="mentorships.ask_how_it_went")
def ask_how_it_went(sender, mentorship, **kwargs) -> None:
    # However a mentorship that had started completes or ends (either side, the
    # program team, a departure, its term's end), each side
    # still on Kindred is asked how it went once it commits. A request that closed
    # never started, and a pair going on together has not finished: nobody is asked.
    if mentorship.status in close_outs.ASKED and mentorship.started_at is not None:
        tasks.ask_close_out.delay_on_commit(mentorship.pk)


@receiver(took_part_again, dispatch_uid="mentorships.go_on_together")
def go_on_together(sender, profile: Profile, cycle, **kwargs) -> None:
    # After the enrolment commits, each pair in its own transaction: a pair the
    # rules refuse (the mentor is full) never undoes the person's taking part.
    transaction.on_commit(lambda: continuations.go_on(profile=profile, cycle=cycle))


@receiver(take_part_page, dispatch_uid="mentorships.same_mentee_again")
def same_mentee_again(sender, profile: Profile, cycle, request, **kwargs) -> str | None:
    part = continuations.page_part(profile=profile, cycle=cycle)
    if part is None:
        return None
    context = {"profile": profile, "cycle": cycle, **part}
    return render_to_string("mentorships/_continuations.html", context, request=request)
