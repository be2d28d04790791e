from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from profiles.models import User

TOKEN_START = "kindred_"  # noqa: S105  (the public start of every token, not a secret)
PREFIX_LENGTH = 8
# Each request would otherwise write the row; a minute is close enough for "last used".
TOUCH_EVERY = timedelta(minutes=1)


def digest(raw: str) -> str:
    # A token is 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenQuerySet(models.QuerySet):
    def active(self) -> TokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def authenticate(self, raw: str) -> Token | None:
        """The active token ``raw`` names, or None."""
        if not raw.startswith(TOKEN_START):
            return None
        prefix = raw[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
        token = self.active().select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.digest, digest(raw)):
            return None
        return token


class Token(models.Model):
    """A personal API token. Only its SHA-256 digest is stored: the secret is
    shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text=_("What the token is for, e.g. “HR portal”."))
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="token_user_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.shown})"

    @property
    def shown(self) -> str:
        """How the token is named once its secret is gone: its public start."""
        return f"{TOKEN_START}{self.prefix}…"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[Token, str]:
        """A new token and its secret, which is never stored."""
        while True:
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not cls.objects.filter(prefix=prefix).exists():
                break
        raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(user=user, name=name, prefix=prefix, digest=digest(raw))
        return token, raw

    def revoke(self) -> None:
        Token.objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > TOUCH_EVERY:
            Token.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class Allowance(models.Model):
    """The calls one caller made lately under one rate (the throttle's key,
    ``throttle_<scope>_<ident>``): kept here, not in a process's cache, so that
    every web process counts the same calls. api/allowances.py keeps it."""

    key = models.CharField(max_length=200, unique=True)
    # The times of the calls still inside the window, oldest first, in seconds
    # since the epoch (DRF's timer).
    history = models.JSONField(default=list)
    # The newest of them, so that rows of callers gone quiet can be found and deleted.
    last_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return self.key
