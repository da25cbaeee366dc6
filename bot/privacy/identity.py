"""Pseudonymous user keys: a salted HMAC of channel and channel user id.

The salt is DVCBOT_SECRET when set, else a random key created once in the data
folder (file mode 0600). Without the salt, a stored key cannot be traced back.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = "secret.key"


def user_key(secret: bytes, channel: str, user: str) -> str:
    return hmac.new(secret, f"{channel}:{user}".encode(), hashlib.sha256).hexdigest()[:32]


def derived_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose (e.g. signing web chat cookies): the install secret itself is used for nothing else."""
    return hmac.new(secret, f"key:{purpose}".encode(), hashlib.sha256).digest()


def load_secret(configured: str, data_dir: Path) -> bytes:
    if configured:
        return configured.encode()
    path = Path(data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
