"""Counts from the workspace for templates outside it: ``{% load workspace %}``.

``{% unread_messages user as n %}``: messages waiting for a person, across
their mentorships (the page header). ``{% open_reports program as n %}``: reported
messages the program's admins have not handled yet (the dashboard's menu).
``{% action_item_about item m me %}``: whose an action item is, when it is due and
when it was done, as one whole phrase per case for translators.
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..models import ActionItem, Mentorship, Message, MessageReport

register = template.Library()


@register.simple_tag
def unread_messages(user) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.unread_by_user(user).count()


@register.simple_tag
def open_reports(program) -> int:
    return MessageReport.objects.of_program(program).open().count()


@register.simple_tag
def action_item_about(item: ActionItem, m: Mentorship, me) -> SafeString:
    """ "Yours · due 9 Mar 2027 · done 2 Mar 2027", "Ana's · due …": each part there
    or not, as eight whole phrases; the name and dates escaped, the words trusted."""
    owner = m.mentee if item.owner == ActionItem.Owner.MENTEE else m.mentor
    mine = owner is not None and owner.pk == me.pk
    said = {
        "name": escape(owner.name if owner else gettext("A former member")),
        "due": escape(date_format(item.due, "SHORT_DATE_FORMAT")) if item.due else "",
        "done": (
            escape(date_format(timezone.localtime(item.done_at), "SHORT_DATE_FORMAT"))
            if item.done
            else ""
        ),
    }
    if mine:
        phrases = {
            (False, False): gettext("Yours"),
            (True, False): gettext("Yours · due %(due)s"),
            (False, True): gettext("Yours · done %(done)s"),
            (True, True): gettext("Yours · due %(due)s · done %(done)s"),
        }
    else:
        phrases = {
            (False, False): gettext("%(name)s's"),
            (True, False): gettext("%(name)s's · due %(due)s"),
            (False, True): gettext("%(name)s's · done %(done)s"),
            (True, True): gettext("%(name)s's · due %(due)s · done %(done)s"),
        }
    # The phrase is escaped too: a translation is text, not markup.
    return mark_safe(escape(phrases[bool(item.due), item.done]) % said)  # noqa: S308  # nosec B308 B703
