"""The client's address for the lockout (django-axes' ``AXES_CLIENT_IP_CALLABLE``), trusting the proxies that
``IMR_TRUSTED_PROXY_COUNT`` declares and nothing a client can write itself."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR without trusted proxies. With N of them, each appended the address it received the request from
    to X-Forwarded-For, so the client is the N-th entry from the right; anything further left was written by the
    client and is ignored. A header shorter than that (a misconfigured proxy) gives REMOTE_ADDR, the proxy: that
    locks more, never less."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.IMR_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote
