"""A pair's meetings: propose, pick, move, cancel, log, and the calendar file."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed, posted

from .. import invites, meetings
from ..actions import act
from ..meeting_forms import MeetingForm, PageLogForm, PickForm
from ..models import Meeting
from ..times import in_both_zones, zone_label
from .access import own_mentorship


def _own_meeting(request: HttpRequest, mentorship_id: int, meeting_id: int):
    """The meeting, for one of its two people only (404 for anyone else)."""
    m, me = own_mentorship(request, mentorship_id)
    meeting = get_object_or_404(
        Meeting.objects.select_related("mentorship"), pk=meeting_id, mentorship=m
    )
    meeting.mentorship = m
    return m, me, meeting


def _under_way(request: HttpRequest, m, me) -> bool:
    if m.is_paired and m.other_side(me) is not None:
        return True
    messages.error(request, gettext("Meetings are for mentorships under way."))
    return False


def _back(m, meeting: Meeting | None = None) -> HttpResponse:
    return redirect(meeting.get_absolute_url() if meeting else f"{m.get_absolute_url()}#meetings")


def _times_page(request, m, me, form, meeting: Meeting | None) -> HttpResponse:
    other = m.other_side(me)
    context = {"m": m, "me": me, "other": other, "form": form, "meeting": meeting}
    context |= {"my_zone": zone_label(me), "other_zone": zone_label(other)}
    return render(request, "mentorships/meeting_form.html", context)


def new(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """Propose a meeting: one to three times, how long, where, what about."""
    m, me = own_mentorship(request, mentorship_id)
    if not _under_way(request, m, me):
        return redirect(m)
    form = MeetingForm(posted(request), me=me, goals=meetings.agenda_goals(m))
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            None,
            gettext("Proposed. %(name)s is asked to pick a time.")
            % {"name": m.other_side(me).name},
            lambda _: meetings.propose(mentorship=m, by=me, times=form.times(), plan=form.plan()),
        )
        if done:
            return _back(m)
    return _times_page(request, m, me, form, None)


def times(request: HttpRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    """Other times for a meeting: none of those offered suits, or it has to move."""
    m, me, meeting = _own_meeting(request, mentorship_id, meeting_id)
    if not meeting.is_open:
        raise Http404("This meeting is settled.")
    if not _under_way(request, m, me):
        return redirect(m)
    form = MeetingForm(
        posted(request),
        me=me,
        goals=meetings.agenda_goals(m),
        initial=MeetingForm.initial_from(meeting),
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            None,
            gettext("New times proposed."),
            lambda _: meetings.propose_times(
                meeting=meeting, by=me, times=form.times(), plan=form.plan()
            ),
        )
        if done:
            return _back(m, meeting)
    return _times_page(request, m, me, form, meeting)


@require_POST
def pick(request: HttpRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    m, me, meeting = _own_meeting(request, mentorship_id, meeting_id)
    form = PickForm(request.POST, meeting=meeting, me=me, other=m.other_side(me))
    act(
        request,
        form,
        gettext("Confirmed. You both get a calendar invite by email."),
        lambda data: meetings.pick(meeting=meeting, by=me, option_id=data["option"].pk),
    )
    return _back(m, meeting)


def cancel(request: HttpRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    """Cancelling asks first."""
    m, me, meeting = _own_meeting(request, mentorship_id, meeting_id)
    if not confirmed(request):
        if not meeting.is_open:
            return _back(m, meeting)
        other = m.other_side(me)
        when = in_both_zones(meeting.starts_at, me, other) if meeting.starts_at else ""
        return render(
            request,
            "mentorships/meeting_cancel.html",
            {"m": m, "me": me, "other": other, "meeting": meeting, "when": when},
        )
    act(
        request,
        None,
        gettext("The meeting is cancelled."),
        lambda _: meetings.cancel(meeting=meeting, by=me),
    )
    return _back(m)


@require_POST
def log(request: HttpRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    """Did you meet? Yes, no; or it moved, which leads to proposing other times."""
    m, me, meeting = _own_meeting(request, mentorship_id, meeting_id)
    form = PageLogForm(request.POST, meeting=meeting, goals=meetings.agenda_goals(m))
    if form.is_valid() and form.cleaned_data["outcome"] == "moved":
        return redirect("mentorships:meeting_times", m.pk, meeting.pk)
    act(
        request,
        form,
        gettext("Thank you: the meeting is in your log."),
        lambda data: meetings.log(
            meeting=meeting,
            by=me,
            held=data["outcome"] == "held",
            minutes=data["held_minutes"],
            discussed=list(data["discussed"]),
        ),
    )
    return _back(m, meeting)


def invite(request: HttpRequest, mentorship_id: int, meeting_id: int) -> HttpResponse:
    """The confirmed meeting as a calendar file, the same event as the emailed invite."""
    _, _, meeting = _own_meeting(request, mentorship_id, meeting_id)
    if meeting.status != Meeting.Status.CONFIRMED:
        raise Http404("Only a confirmed meeting has an invite.")
    response = HttpResponse(
        invites.ics(meeting, invites.REQUEST), content_type="text/calendar; charset=utf-8"
    )
    day = meeting.starts_at.strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="kindred-meeting-{day}.ics"'
    return response
