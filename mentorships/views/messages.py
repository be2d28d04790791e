"""The pair's message thread: read it (which marks it read), send, see new
messages arrive without a reload, and report one to the program's admins."""

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling, reswap, retarget, trigger_client_event

from config.forms import posted

from .. import threads
from ..actions import act
from ..forms import MessageForm, ReportForm
from ..models import Mentorship, Message
from .access import own_mentorship

# The largest id PostgreSQL's bigint holds: an ``after`` past it reads as "nothing new".
LAST_ID = 2**63 - 1


def _thread(m: Mentorship, me, after: int = 0) -> dict:
    """The messages past ``after`` (all of them by default), now read by ``me``."""
    shown = list(m.messages.filter(pk__gt=after).select_related("author"))
    last = shown[-1].pk if shown else after
    if shown:
        threads.mark_read(mentorship=m, reader=me, up_to=last)
    other = m.other_side(me)
    return {
        "m": m,
        "me": me,
        "other_name": other.name if other else gettext("a member who has left Kindred"),
        "thread": shown,
        "last_id": last,
        "was_empty": after == 0,  # the page still shows "No messages yet", to be removed
    }


def thread(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    context = {**_thread(m, me), "form": MessageForm(auto_id="message-%s")}
    return render(request, "mentorships/messages.html", context)


@require_POST
def send(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m, me = own_mentorship(request, mentorship_id)
    sent: list[Message] = []
    act(
        request,
        MessageForm(request.POST),
        gettext("Message sent."),
        lambda data: sent.append(threads.send(mentorship=m, author=me, body=data["body"])),
    )
    if not request.htmx:
        return redirect("mentorships:messages", m.pk)
    # The page itself shows what happened: the message in the thread, or why not.
    said = [str(message) for message in messages.get_messages(request)]
    if not sent:
        response = render(request, "mentorships/_send_error.html", {"error": said[-1]})
        return reswap(retarget(response, "#send-error"), "innerHTML")
    after = _after(request.POST.get("after"), sent[0].pk - 1)
    response = render(request, "mentorships/_thread_poll.html", _thread(m, me, after))
    return trigger_client_event(response, "kindred:message-sent", after="settle")


@require_GET
def poll(request: HttpRequest, mentorship_id: int, after: int) -> HttpResponse:
    """New messages past ``after``, every 15 s from the thread's page. Nothing new
    costs one indexed query (this mentorship, if the caller is one of its pair,
    with the id of its latest message): 204. A thread closed: htmx stops asking."""
    latest = Message.objects.filter(mentorship=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    found = get_object_or_404(
        Mentorship.objects.of_user(request.user)
        .annotate(latest=Subquery(latest))
        .values("status", "latest"),
        pk=mentorship_id,
    )
    after = min(after, LAST_ID)
    if (found["latest"] or 0) <= after:
        if found["status"] not in Mentorship.PAIRED:
            return HttpResponseStopPolling()
        return HttpResponse(status=204)
    m, me = own_mentorship(request, mentorship_id)
    return render(request, "mentorships/_thread_poll.html", _thread(m, me, after))


def report(request: HttpRequest, mentorship_id: int, message_id: int) -> HttpResponse:
    """Report a message of the other person's to the program's admins: the page
    says what they will see, then the POST sends it."""
    m, me = own_mentorship(request, mentorship_id)
    message = get_object_or_404(
        m.messages.exclude(author=me).select_related("author"), pk=message_id
    )
    other = m.other_side(me)
    form = ReportForm(posted(request), auto_id="report-%s")
    if request.method == "POST" and act(
        request,
        form,
        gettext(
            "Thank you: the program team has the message and will look into it. "
            "%(name)s is not told that you reported it."
        )
        % {"name": other.name if other else gettext("The other person")},
        lambda data: threads.report(message=message, reporter=me, reason=data["reason"]),
    ):
        return redirect("mentorships:messages", m.pk)
    context = {"m": m, "me": me, "other": other, "message": message, "form": form}
    return render(request, "mentorships/message_report.html", context)


def _after(value: str | None, default: int) -> int:
    """The last message the page shows (its form says), to send what it lacks."""
    return min(int(value), LAST_ID) if value and value.isascii() and value.isdigit() else default
