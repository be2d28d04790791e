"""Who is calling: a personal token (``Authorization: Bearer …``) or the
site's own session; and how often they may call."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from . import allowances
from .models import Token

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD:
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Send the token as “Authorization: Bearer <token>”.")
        try:
            raw = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("This token is not valid.") from None
        token = Token.objects.authenticate(raw)
        if token is None:
            raise AuthenticationFailed("This token is not valid, or it has been revoked.")
        if not token.user.is_active:
            raise AuthenticationFailed("This account is inactive.")
        token.touch()
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated call a 401 (with this challenge), not a 403.
        return 'Bearer realm="api"'


class CallerRateThrottle(SimpleRateThrottle):
    """One allowance per token; a session has its own per user, and anonymous
    callers one per address. Counted in the database (api/allowances.py), so
    the allowance holds across every web process."""

    scope = "caller"

    def get_rate(self) -> str | None:
        # Read when used, so a changed setting (a test's) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.retry_after = allowances.take(
            key=self.get_cache_key(request, view),
            limit=self.num_requests,
            window=self.duration,
            now=self.timer(),
        )
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, Token):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RunRateThrottle(CallerRateThrottle):
    """Starting a re-score or an assignment is heavy work: a smaller allowance."""

    scope = "runs"

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
