"""A program's own note under a guide, in each language it is written in
(django-modeltranslation; profiles/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import GuideNote


@register(GuideNote)
class GuideNoteTranslation(TranslationOptions):
    fields = ("text",)
