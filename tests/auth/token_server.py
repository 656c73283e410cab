"""A stand-in for Microsoft Entra ID on https://127.0.0.1, so that azure-identity's real credentials
sign in offline: OpenID configuration, the token endpoint (client credentials, device code,
authorization code, refresh token), the device code endpoint and the authorize endpoint.

azure-identity refuses http authorities, so the server speaks TLS with a self-signed certificate
made here (for 127.0.0.1); tests trust it through REQUESTS_CA_BUNDLE. The access tokens are the
emulator's JWTs, which the Azure ML emulator accepts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.azureml_emulator.tokens import TENANT, _b64, make_token

CLIENT_ID = "22222222-3333-4444-5555-666666666666"
USER = "ada@example.org"


def write_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tbdesk test authority")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "authority.pem", folder / "authority.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Seen:
    method: str
    path: str
    form: dict[str, str]


@dataclass
class TokenServer:
    """Accepts `client_secret` for CLIENT_ID; hands out tokens valid for `token_lifetime` seconds
    (negative: already expired, as a session that ran out)."""

    folder: Path
    client_secret: str = field(default_factory=lambda: "s3cret-" + secrets.token_urlsafe(12))
    token_lifetime: float = 3600.0
    pending_polls: int = 1  # device code: answers "authorization_pending" this often first
    log: list[Seen] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)  # every access token handed out
    _codes: dict[str, str] = field(default_factory=dict)  # authorization code -> nonce
    _polls: int = 0
    _server: ThreadingHTTPServer | None = None

    def start(self) -> TokenServer:
        cert, key = write_certificate(self.folder)
        self.ca_bundle = cert
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        owner = self

        class Handler(_Handler):
            server_owner = owner

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(
            target=functools.partial(self._server.serve_forever, poll_interval=0.05), daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.log]

    # ---- answers
    def openid(self, tenant: str) -> dict[str, Any]:
        base = f"{self.url}/{tenant}"
        return {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "response_modes_supported": ["query", "fragment", "form_post"],
        }

    def token(self, form: dict[str, str], tenant: str = TENANT) -> tuple[int, dict[str, Any]]:  # noqa: PLR0911
        """The token endpoint's answer (one case per grant); a service principal's access token
        is for the tenant in the request's path and the resource of its scope, as Entra ID's."""
        grant = form.get("grant_type", "")
        if grant == "client_credentials":
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != self.client_secret:
                return 401, {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                }
            return 200, self._tokens(user=False, tenant=tenant, scope=form.get("scope", ""))
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            self._polls += 1
            if self._polls <= self.pending_polls:
                return 400, {"error": "authorization_pending", "error_description": "AADSTS70016: pending"}
            return 200, self._tokens(user=True, client_id=form.get("client_id", ""))
        if grant == "authorization_code":
            nonce = self._codes.pop(form.get("code", ""), None)
            if nonce is None:
                return 400, {"error": "invalid_grant", "error_description": "AADSTS70000: bad code"}
            return 200, self._tokens(user=True, client_id=form.get("client_id", ""), nonce=nonce)
        if grant == "refresh_token":
            return 200, self._tokens(user=True, client_id=form.get("client_id", ""))
        return 400, {"error": "unsupported_grant_type", "error_description": grant}

    def device_code(self) -> dict[str, Any]:
        self._polls = 0
        return {
            "device_code": secrets.token_urlsafe(16),
            "user_code": "TBD-" + secrets.token_hex(3).upper(),
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": 0,
            "message": "Open the page and enter the code.",
        }

    def authorize(self, query: dict[str, str]) -> dict[str, Any]:
        """What a person's sign-in in the browser ends with: a code for the redirect URI."""
        code = secrets.token_urlsafe(16)
        self._codes[code] = query.get("nonce", "")
        return {"code": code, "state": query.get("state", ""), "redirect_uri": query.get("redirect_uri", "")}

    def _tokens(
        self,
        *,
        user: bool,
        client_id: str = "",
        nonce: str | None = None,
        tenant: str = TENANT,
        scope: str = "",
    ) -> dict[str, Any]:
        resource = scope.split(maxsplit=1)[0].removesuffix("/.default") if scope else ""
        access = make_token(self.token_lifetime, tenant, resource or "https://management.core.windows.net/")
        self.issued.append(access)
        answer: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": 3600,
            "ext_expires_in": 3600,
            "access_token": access,
        }
        if user:
            uid = "0000-ada"
            claims = {
                "aud": client_id,  # the id token is for the app that asked
                "iss": f"{self.url}/{TENANT}/v2.0",
                "sub": "ada-subject",
                "tid": TENANT,
                "oid": uid,
                "preferred_username": USER,
                "name": "Ada Lovelace",
                "exp": int(dt.datetime.now(dt.UTC).timestamp()) + 3600,
                "iat": int(dt.datetime.now(dt.UTC).timestamp()),
                **({"nonce": nonce} if nonce else {}),
            }
            answer["id_token"] = f"{_b64(b'{}')}.{_b64(json.dumps(claims).encode())}.sig"
            answer["client_info"] = _b64(json.dumps({"uid": uid, "utid": TENANT}).encode())
            answer["refresh_token"] = "refresh-" + secrets.token_urlsafe(12)
            answer["scope"] = "https://management.core.windows.net//user_impersonation"
        return answer


class _Handler(BaseHTTPRequestHandler):
    server_owner: TokenServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server_owner
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        owner.log.append(Seen("GET", parts.path, query))
        segments = parts.path.strip("/").split("/")
        if parts.path.endswith("/v2.0/.well-known/openid-configuration"):
            self._send(200, owner.openid(segments[0]))
        elif parts.path.endswith("/oauth2/v2.0/authorize"):
            self._send(200, owner.authorize(query))
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        owner = self.server_owner
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        owner.log.append(Seen("POST", parts.path, form))
        if parts.path.endswith("/oauth2/v2.0/token"):
            self._send(*owner.token(form, parts.path.strip("/").split("/")[0]))
        elif parts.path.endswith("/oauth2/v2.0/devicecode"):
            self._send(200, owner.device_code())
        else:
            self._send(404, {"error": "not_found"})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
