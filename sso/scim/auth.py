"""SCIM bearer tokens: made once with their secret shown once, then known by
their prefix and the SHA-256 digest of the secret (as api/models.py's tokens)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from ..models import Organisation, ScimToken

TOKEN_START = "kscim_"  # noqa: S105  (the public start of every token, not a secret)
PREFIX_LENGTH = 8
# Each call would otherwise write the row; a minute is close enough for "last used".
TOUCH_EVERY = timedelta(minutes=1)


def digest(raw: str) -> str:
    # 256 random bits: a fast hash is as safe as a slow one here.
    return hashlib.sha256(raw.encode()).hexdigest()


def fill(token: ScimToken) -> str:
    """Give an unsaved token its prefix and digest; the secret is returned, never stored."""
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ScimToken.objects.filter(prefix=prefix).exists():
            break
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token.prefix, token.digest = prefix, digest(raw)
    return raw


def issue(*, organisation: Organisation, name: str, created_by=None) -> tuple[ScimToken, str]:
    """A new token for ``organisation`` and its secret."""
    token = ScimToken(organisation=organisation, name=name, created_by=created_by)
    raw = fill(token)
    token.save()
    return token, raw


def shown(token: ScimToken) -> str:
    """How a token is named once its secret is gone."""
    return f"{TOKEN_START}{token.prefix}…"


def authenticate(authorization: str) -> ScimToken | None:
    """The active token an ``Authorization: Bearer …`` header names, or None."""
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw.startswith(TOKEN_START):
        return None
    prefix = raw[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
    token = ScimToken.objects.active().select_related("organisation").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, digest(raw)):
        return None
    _touch(token)
    return token


def revoke(*, token: ScimToken) -> None:
    ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _touch(token: ScimToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
