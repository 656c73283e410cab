"""Access tokens shaped like Entra ID's: JWTs with `exp` and `tid` claims.

azureml-core decodes them (the portal URL reads `tid`) but never checks the signature, so an
unsigned token is enough; the emulator checks only that a token decodes and has not expired.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

TENANT = "11111111-2222-3333-4444-555555555555"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(
    expires_in: float = 3600.0, tenant: str = TENANT, audience: str = "https://management.core.windows.net/"
) -> str:
    now = int(time.time())
    claims = {
        "aud": audience,
        "iss": f"https://sts.windows.net/{tenant}/",
        "iat": now,
        "nbf": now,
        "exp": int(now + expires_in),
        "tid": tenant,
        "oid": "0000-ada",
        "name": "Ada Lovelace",
        "upn": "ada@example.org",
    }
    header = {"alg": "none", "typ": "JWT"}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}.emulator"


def claims_of(token: str) -> dict[str, Any] | None:
    try:
        payload = token.split(".")[1]
        return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
    except (IndexError, ValueError):
        return None


@dataclass(frozen=True)
class AccessToken:
    """What azure-identity credentials return from get_token()."""

    token: str
    expires_on: int


class StaticCredential:
    """A credential with azure-identity's get_token() that hands out emulator tokens; it counts the
    scopes asked for, and can be told to hand out expired tokens (a session that ran out)."""

    def __init__(self, expires_in: float = 3600.0) -> None:
        self.expires_in = expires_in
        self.scopes: list[str] = []

    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        self.scopes.extend(scopes)
        token = make_token(self.expires_in)
        return AccessToken(token, int(time.time() + self.expires_in))
