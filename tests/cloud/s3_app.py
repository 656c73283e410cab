"""moto's S3 server (its own WSGI app, as `moto_server` runs it) on 127.0.0.1, behind a small
middleware that counts requests and injects faults, for tests and the bench:

    python -m tests.cloud.s3_app PORT_FILE [PORT]

writes the port it listens on (PORT, or one the OS picks) to PORT_FILE. `GET /_tbdesk/count`
answers the requests served so far by kind ({"list": n, "get": n, "head": n, "other": n});
`POST /_tbdesk/fault?status=503&code=SlowDown&times=3&method=GET` makes the next 3 GETs (of objects
or listings) fail with that S3 error; `POST /_tbdesk/reset` clears counts and faults.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import make_server

_lock = threading.Lock()
_counts: Counter[str] = Counter()
_faults: list[dict[str, Any]] = []


def _kind(environ: dict[str, Any]) -> str:
    method = environ["REQUEST_METHOD"]
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if method == "GET" and ("list-type" in query or "prefix" in query or "delimiter" in query):
        return "list"
    return {"GET": "get", "HEAD": "head"}.get(method, "other")


def _fault_for(environ: dict[str, Any]) -> dict[str, Any] | None:
    with _lock:
        for fault in _faults:
            if fault["method"] in (environ["REQUEST_METHOD"], "*") and fault["times"] > 0:
                fault["times"] -= 1
                return fault
    return None


def wrap(app: Any) -> Any:
    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_tbdesk/"):
            return _control(path, environ, start_response)
        with _lock:
            _counts[_kind(environ)] += 1
        fault = _fault_for(environ)
        if fault is not None:
            body = (
                f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{fault['code']}</Code>"
                f"<Message>injected by the test</Message></Error>"
            ).encode()
            start_response(f"{fault['status']} Injected", [("Content-Type", "application/xml")])
            return [body]
        return app(environ, start_response)

    return middleware


def _control(path: str, environ: dict[str, Any], start_response: Any) -> list[bytes]:
    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    with _lock:
        if path == "/_tbdesk/fault":
            _faults.append(
                {
                    "status": int(query.get("status", "503")),
                    "code": query.get("code", "SlowDown"),
                    "times": int(query.get("times", "1")),
                    "method": query.get("method", "*"),
                }
            )
        elif path == "/_tbdesk/reset":
            _counts.clear()
            _faults.clear()
        body = json.dumps(dict(_counts)).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def main() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    port_file = Path(sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    app = wrap(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True)
    port_file.write_text(str(server.server_port))
    server.serve_forever()


if __name__ == "__main__":
    main()
