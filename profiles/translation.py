"""Texts kept in the database that people read in their own language
(django-modeltranslation): each gets a column per language, ``name_ko`` and so on,
and reading ``tag.name`` gives the active language's, else English's.
The seeded vocabulary's translations ship in ``locale/<lang>/taxonomy.json``
(``profiles/tag_names.py``); admins translate their own tags and texts in the admin."""

from modeltranslation.translator import TranslationOptions, register

from .models import Program, Tag


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "description")
