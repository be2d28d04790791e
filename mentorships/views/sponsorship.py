"""The sponsorship ledger, a page of the pair's own: the mentor records, corrects and
deletes what they did for their mentee; the mentee confirms each entry, or takes a
confirmation back. Each step is a service of ``sponsorships``; a refusal becomes a
message, input the rules refuse an error on the form."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from config.forms import confirmed, posted

from .. import sponsorship_page, sponsorships
from ..actions import act
from ..exceptions import Invalid, Refused
from ..models import Mentorship
from ..sponsorship_forms import SponsorshipForm
from .access import own_mentorship


def _back(m: Mentorship, anchor: str = "ledger") -> HttpResponse:
    return redirect(reverse("mentorships:sponsorship", args=[m.pk]) + f"#{anchor}")


def _saved(request: HttpRequest, form: SponsorshipForm, done: str, save) -> bool:
    """``save(data)`` with a valid form's data; the rules' refusals on the form or said."""
    if not form.is_valid():
        messages.error(request, gettext("Please check the form: each problem is marked below."))
        return False
    try:
        save(form.cleaned_data)
    except Invalid as invalid:
        for field, errors in invalid.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        messages.error(request, gettext("Please check the form: each problem is marked below."))
        return False
    except Refused as refused:
        messages.error(request, str(refused))
        return False
    messages.success(request, done)
    return True


def ledger(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The pair's ledger; the mentor records an entry here (a POST)."""
    m, me = own_mentorship(request, mentorship_id)
    form = SponsorshipForm(posted(request)) if request.method == "POST" else None
    if form is not None:
        if refusal := sponsorships.why_not_record(m, me):
            messages.error(request, refusal)
            return _back(m)
        other = m.mentee.name
        if _saved(
            request,
            form,
            gettext("Recorded. %(name)s is emailed to confirm it.") % {"name": other},
            lambda data: sponsorships.record(mentorship=m, by=me, **data),
        ):
            return _back(m)
    context = sponsorship_page.view(m, me, form)
    return render(request, "mentorships/sponsorship_ledger.html", context)


def _mentors_entry(request: HttpRequest, mentorship_id: int, action_id: int):
    m, me = own_mentorship(request, mentorship_id)
    if me.pk != m.mentor_id:  # the mentee confirms; only the mentor changes an entry
        raise Http404
    return m, me, get_object_or_404(m.sponsorships, pk=action_id)


def edit(request: HttpRequest, mentorship_id: int, action_id: int) -> HttpResponse:
    """The mentor's entry on a page of its own, while unconfirmed: change it, or delete it."""
    m, me, action = _mentors_entry(request, mentorship_id, action_id)
    if action.is_confirmed:
        messages.error(request, sponsorships.CONFIRMED_STAYS)
        return _back(m, f"entry-{action.pk}")
    initial = {"kind": action.kind, "happened_on": action.happened_on, "note": action.note}
    form = SponsorshipForm(posted(request), initial=initial)
    if request.method == "POST" and _saved(
        request,
        form,
        gettext("Entry saved."),
        lambda data: sponsorships.edit(action=action, by=me, **data),
    ):
        return _back(m, f"entry-{action.pk}")
    sponsorship_page.bound(form, m)
    context = {**sponsorship_page.view(m, me), "action": action, "form": form}
    return render(request, "mentorships/sponsorship_edit.html", context)


@require_POST
def delete(request: HttpRequest, mentorship_id: int, action_id: int) -> HttpResponse:
    """Asks first (a POST without ``confirm=yes`` shows what will go)."""
    m, me, action = _mentors_entry(request, mentorship_id, action_id)
    if not confirmed(request):
        context = {**sponsorship_page.view(m, me), "action": action}
        return render(request, "mentorships/sponsorship_delete.html", context)
    act(
        request,
        None,
        gettext("Entry deleted."),
        lambda _: sponsorships.delete(action=action, by=me),
    )
    return _back(m)


def _mentees_step(request: HttpRequest, mentorship_id: int, action_id: int, done: str, step):
    m, me = own_mentorship(request, mentorship_id)
    if me.pk != m.mentee_id:
        raise Http404
    action = get_object_or_404(m.sponsorships, pk=action_id)
    act(request, None, done, lambda _: step(action=action, by=me))
    return _back(m, f"entry-{action.pk}")


@require_POST
def confirm(request: HttpRequest, mentorship_id: int, action_id: int) -> HttpResponse:
    return _mentees_step(
        request, mentorship_id, action_id, gettext("Confirmed. Thank you."), sponsorships.confirm
    )


@require_POST
def unconfirm(request: HttpRequest, mentorship_id: int, action_id: int) -> HttpResponse:
    return _mentees_step(
        request,
        mentorship_id,
        action_id,
        gettext(
            "Marked as not quite right: your confirmation is taken back, and your mentor can "
            "correct the entry. Tell them what is different in your messages."
        ),
        sponsorships.unconfirm,
    )
