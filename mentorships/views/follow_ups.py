"""A mentee's follow-up, 6 or 12 months after their mentorship closed: one short
page, answered once. Only the mentee it was sent to may open it; anyone else,
their mentor and the program's admins included, gets a 404."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext

from config.forms import posted

from .. import follow_ups
from ..actions import act
from ..follow_up_forms import FollowUpForm, answered
from ..outcome_models import FollowUp


def answer(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    f = get_object_or_404(
        FollowUp.objects.select_related("mentorship__mentor", "mentorship__program"),
        pk=follow_up_id,
        profile__user=request.user,
        sent_at__isnull=False,
    )
    since = date_format(follow_ups.closed_on(f), "YEAR_MONTH_FORMAT")
    if f.is_answered and request.method == "POST":  # sent again: the page says it is done
        return redirect(request.path)
    form = FollowUpForm(posted(request), since=since)
    if request.method == "POST":
        if form.is_valid():
            act(
                request,
                None,
                gettext("Thank you: your answers are saved."),
                lambda _: follow_ups.answer(follow_up=f, answers=form.answers),
            )
            return redirect(request.path)
        messages.error(request, gettext("Please check the form: each problem is marked below."))
    context = {
        "f": f,
        "m": f.mentorship,
        "form": form,
        "since": since,
        "answers": answered(f, since=since) if f.is_answered else [],
    }
    return render(request, "mentorships/follow_up_form.html", context)
