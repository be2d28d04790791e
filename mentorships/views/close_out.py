"""The close-out survey: each side's own, opened by them alone (anyone else, the
other side and the program's admins included, gets a 404). Answered once; then the
page thanks them and shows their answers, where the testimonial's consent can be
given or taken back."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import posted

from .. import close_outs
from ..actions import act
from ..close_out_forms import CloseOutForm, ShareForm
from ..outcome_models import CloseOut
from .access import own_mentorship


def _own_close_out(request: HttpRequest, mentorship_id: int, side: str):
    m, me = own_mentorship(request, mentorship_id)
    close_out = get_object_or_404(CloseOut, mentorship=m, side=side, respondent=me)
    other = m.other_side(me)
    if other:
        other_name = other.name
    elif side == "mentee":
        other_name = gettext("your former mentor")
    else:
        other_name = gettext("your former mentee")
    return m, me, close_out, other_name


def survey(request: HttpRequest, mentorship_id: int, side: str) -> HttpResponse:
    m, me, close_out, other_name = _own_close_out(request, mentorship_id, side)
    here = request.path
    if close_out.is_answered:
        if request.method == "POST":  # a second submit: the first answers stand
            messages.info(
                request, gettext("You have already answered: thank you. Your answers are below.")
            )
            return redirect(here)
        context = {
            "m": m,
            "me": me,
            "close_out": close_out,
            "other_name": other_name,
            **close_outs.answers_shown(close_out),
        }
        return render(request, "mentorships/close_out.html", context)
    form = CloseOutForm(posted(request), close_out=close_out, other_name=other_name)
    if request.method == "POST" and form.is_valid():
        if act(
            request,
            None,
            gettext("Thank you for telling us how it went."),
            lambda _: close_outs.answer(close_out=close_out, by=me, data=form.answers),
        ):
            return redirect(here)
    elif request.method == "POST":
        messages.error(
            request,
            gettext("Please check the form: each problem is marked below. Nothing was saved."),
        )
    context = {"m": m, "me": me, "close_out": close_out, "other_name": other_name, "form": form}
    return render(request, "mentorships/close_out.html", context)


@require_POST
def share(request: HttpRequest, mentorship_id: int, side: str) -> HttpResponse:
    """Show the testimonial to the other side and the program, or take that back."""
    m, me, close_out, other_name = _own_close_out(request, mentorship_id, side)
    form = ShareForm(request.POST)
    shared = form.is_valid() and form.cleaned_data["shared"]
    act(
        request,
        form,
        gettext("Your testimonial is shown to %(name)s and the program.") % {"name": other_name}
        if shared
        else gettext("Your testimonial is no longer shown: only you see it now."),
        lambda data: close_outs.share_testimonial(
            close_out=close_out, by=me, shared=data["shared"]
        ),
    )
    return redirect("mentorships:close_out", m.pk, side)
