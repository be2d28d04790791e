"""Counts from the workspace for templates outside it: ``{% load workspace %}``.

``{% unread_messages user as n %}``: messages waiting for a person, across
their mentorships (the page header). ``{% open_reports program as n %}``: reported
messages the program's admins have not handled yet (the dashboard's menu).
"""

from django import template

from ..models import Message, MessageReport

register = template.Library()


@register.simple_tag
def unread_messages(user) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.unread_by_user(user).count()


@register.simple_tag
def open_reports(program) -> int:
    return MessageReport.objects.of_program(program).open().count()
