"""Notes and action items on the mentorship page: write, edit and delete one's
own notes; add, tick and remove action items."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from config.forms import confirmed, posted

from .. import notes
from ..actions import act
from ..forms import ActionItemDoneForm, ActionItemForm, NoteForm
from ..models import Mentorship
from ..rendering import render as render_markdown
from .access import own_mentorship


def _back(m: Mentorship, part: str = "notes") -> HttpResponse:
    return redirect(f"{m.get_absolute_url()}#{part}")


@require_POST
def add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    form = NoteForm(request.POST, mentorship=m)
    act(
        request,
        form,
        gettext("Note saved."),
        lambda data: notes.write(
            mentorship=m, author=me, body=data["body"], shared=form.shared, meeting_id=form.meeting
        ),
    )
    return _back(m)


def edit(request: HttpRequest, mentorship_id: int, note_id: int) -> HttpResponse:
    """One's own note, on a page of its own: change it, or delete it."""
    m, me = own_mentorship(request, mentorship_id)
    note = get_object_or_404(m.notes.filter(author=me), pk=note_id)
    initial = {
        "body": note.body,
        "visibility": "shared" if note.shared else "private",
        "meeting": note.meeting_id,
    }
    form = NoteForm(posted(request), initial=initial, mentorship=m, auto_id="note-%s")
    form.fields["body"].label = gettext("Your note")
    if request.method == "POST" and act(
        request,
        form,
        gettext("Note saved."),
        lambda data: notes.edit(
            note=note,
            author=me,
            body=data["body"],
            shared=form.shared,
            meeting_id=form.meeting if "meeting" in form.fields else notes.KEEP,
        ),
    ):
        return _back(m)
    note.html = render_markdown(note.body)
    return render(request, "mentorships/note_edit.html", {"m": m, "note": note, "form": form})


@require_POST
def delete(request: HttpRequest, mentorship_id: int, note_id: int) -> HttpResponse:
    """Asks first (a POST without ``confirm=yes`` shows what will go)."""
    m, me = own_mentorship(request, mentorship_id)
    note = get_object_or_404(m.notes.filter(author=me), pk=note_id)
    if not confirmed(request):
        return render(request, "mentorships/note_delete.html", {"m": m, "note": note})
    act(request, None, gettext("Note deleted."), lambda _: notes.delete(note=note, author=me))
    return _back(m)


@require_POST
def add_action_item(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    act(
        request,
        ActionItemForm(request.POST, mentorship=m),
        gettext("Action item added."),
        lambda data: notes.add_action_item(
            mentorship=m, by=me, text=data["text"], owner=data["owner"], due=data["due"]
        ),
    )
    return _back(m, "action-items")


@require_POST
def tick(request: HttpRequest, mentorship_id: int, item_id: int) -> HttpResponse:
    """Done, or not done after all: the box ticked on the page (htmx swaps the one
    item), or its button without JavaScript."""
    m, me = own_mentorship(request, mentorship_id)
    item = get_object_or_404(m.action_items, pk=item_id)
    form = ActionItemDoneForm(request.POST)
    ticked = form.is_valid() and form.cleaned_data["done"]
    said = gettext("Marked done.") if ticked else gettext("Marked not done.")
    done = act(request, form, said, lambda d: notes.tick(item=item, by=me, done=d["done"]))
    if request.htmx and not done:  # the page again, with why
        return HttpResponseClientRedirect(f"{m.get_absolute_url()}#action-items")
    if request.htmx:
        list(messages.get_messages(request))  # the ticked box says it: no banner later
        item.refresh_from_db()
        context = {"m": m, "me": me, "item": item, "workspace_open": m.is_paired}
        return render(request, "mentorships/_action_item.html", context)
    return _back(m, "action-items")


@require_POST
def remove_action_item(request: HttpRequest, mentorship_id: int, item_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    item = get_object_or_404(m.action_items, pk=item_id)
    act(
        request,
        None,
        gettext("Action item removed."),
        lambda _: notes.remove_action_item(item=item, by=me),
    )
    return _back(m, "action-items")
