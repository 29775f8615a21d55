"""Secrets people hold (API tokens, calendar-feed addresses): stored only as a hash.

Each secret is 32 random bytes, so a fast hash is enough: there is no dictionary to
guess from, and checking one costs a request nothing. Compare with ``matches``, in
constant time."""

import hashlib
import hmac


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(stored_hash: str, secret: str) -> bool:
    """Whether ``secret`` is the one whose hash was stored (constant time)."""
    return hmac.compare_digest(stored_hash, hash_secret(secret))
