"""The seeded vocabulary's names in every shipped language.

Translators write them in ``locale/<lang>/taxonomy.json`` (``"goal:networking": "…"``,
keys ``kind:slug``). After every ``migrate`` they fill the tags' empty translation
columns (``name_ko`` …); a name an admin has written is never overwritten, and a tag
an admin added keeps English until someone translates it in the admin."""

from __future__ import annotations

import json

from django.conf import settings
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from modeltranslation.utils import build_localized_fieldname

from . import languages

FILE = "taxonomy.json"


def shipped(code: str) -> dict[str, str]:
    """The names translated into ``code`` (kind:slug → name); empty for none."""
    path = languages.shipped_file(code, FILE)
    return json.loads(path.read_text(encoding="utf-8")) if path else {}


def fill(using: str = "default") -> int:
    """Fill every empty translated name from the shipped files; how many were filled."""
    from .models import Tag

    filled = 0
    tags = list(Tag.objects.using(using).all())
    for code, _ in settings.LANGUAGES:
        if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
            continue
        names = shipped(code)
        column = build_localized_fieldname("name", code)
        changed = []
        for tag in tags:
            name = names.get(f"{tag.kind}:{tag.slug}", "").strip()
            if name and not getattr(tag, column):
                setattr(tag, column, name[:80])
                changed.append(tag)
        Tag.objects.using(using).bulk_update(changed, [column])
        filled += len(changed)
    return filled


@receiver(post_migrate, dispatch_uid="profiles.fill_tag_names")
def fill_after_migrate(sender, app_config, using: str = "default", **kwargs) -> None:
    """Run on every ``migrate``, so a release's new translations reach its database."""
    if app_config.label == "profiles":
        fill(using)
