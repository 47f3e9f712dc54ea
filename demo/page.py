"""The demo page: a second origin whose script calls every seed example.

``python -m demo`` serves the seed's app (the API) on one origin and this page
on another. The page's script calls each example endpoint with ``fetch()`` and
shows what the browser let it read. When the browser blocks a call, the script
only gets a ``TypeError``, so the page asks its own server why: the server
sends the same request (and its preflight) to the API and applies the
browser's CORS check to the headers that come back.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message

from flask import Flask, Response, abort, request

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language"})
SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
REPLAY_TIMEOUT_S = 5


@dataclass(frozen=True)
class DemoCall:
    """One call the page makes: a seed endpoint, called the way its example is meant to be.

    Attributes:
        id: A short name, also the row's ``data-call`` in the page.
        method: The request method.
        path: The endpoint.
        allows: What the seed's policy allows, in words.
        headers: Request headers the script sets.
        json: A JSON body, sent with ``Content-Type: application/json``.
        credentials: Send cookies (``credentials: "include"``).
    """

    id: str
    method: str
    path: str
    allows: str
    headers: Mapping[str, str] = field(default_factory=dict)
    json: object = None
    credentials: bool = False

    def request_headers(self) -> dict[str, str]:
        """Return the headers the browser sends that the script chose."""
        headers = dict(self.headers)
        if self.json is not None:
            headers["Content-Type"] = "application/json"
        return headers

    def preflight_header_names(self) -> list[str]:
        """Return the lower-case names a preflight asks about (not CORS-safelisted)."""
        names = []
        for name, value in self.request_headers().items():
            lower = name.lower()
            if lower in SAFELISTED_HEADERS:
                continue
            if lower == "content-type" and value.split(";")[0].strip().lower() in SIMPLE_CONTENT_TYPES:
                continue
            names.append(lower)
        return sorted(names)

    def needs_preflight(self) -> bool:
        """Tell whether the browser asks the API before sending this call."""
        return self.method not in SAFELISTED_METHODS or bool(self.preflight_header_names())

    def for_script(self) -> dict[str, object]:
        """Return the call as the page's script uses it."""
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "allows": self.allows,
            "headers": self.request_headers(),
            "body": None if self.json is None else json.dumps(self.json),
            "credentials": "include" if self.credentials else "same-origin",
            "preflight": self.needs_preflight(),
        }


JSON_BODY = {"name": "Ada"}
CALLS = (
    DemoCall("data", "GET", "/api/data", "any origin"),
    DemoCall("data-credentials", "GET", "/api/data", "any origin, without credentials", credentials=True),
    DemoCall("public", "GET", "/api/public", "any origin"),
    DemoCall("secure", "GET", "/api/secure", "https://trusted-site.com, https://app.example.com"),
    DemoCall("development", "GET", "/api/development", "http://localhost:3000, http://localhost:8080"),
    DemoCall("subdomains", "GET", "/api/subdomains", r"the regex https://.*\.example\.com"),
    DemoCall("pattern", "GET", "/api/pattern", "https://app<digits>.example.com, https://main.example.com"),
    DemoCall("users", "GET", "/api/users", "https://frontend.example.com"),
    DemoCall(
        "users-create",
        "POST",
        "/api/users",
        "https://frontend.example.com, headers Content-Type and X-Requested-With",
        {"X-Requested-With": "fetch"},
        JSON_BODY,
    ),
    DemoCall(
        "profile",
        "GET",
        "/api/auth/profile",
        "https://app.example.com, with credentials",
        {"Authorization": "Bearer demo"},
        credentials=True,
    ),
    DemoCall(
        "login", "POST", "/api/auth/login", "https://app.example.com, with credentials", credentials=True
    ),
    DemoCall(
        "upload",
        "POST",
        "/api/upload",
        "https://uploader.example.com, X-Upload-ID and X-Processing-Status exposed",
        {"X-File-Name": "notes.txt"},
        JSON_BODY,
    ),
    DemoCall(
        "heavy-operation",
        "POST",
        "/api/heavy-operation",
        "https://client.example.com, preflight cached for an hour",
        json=JSON_BODY,
    ),
    DemoCall(
        "frequent-calls",
        "GET",
        "/api/frequent-calls",
        "https://dashboard.example.com, headers Content-Type and Authorization",
        {"Authorization": "Bearer demo"},
    ),
    DemoCall(
        "custom-options",
        "POST",
        "/api/custom-options",
        "https://custom.example.com; the view answers its own preflight",
        json=JSON_BODY,
    ),
    DemoCall(
        "complex",
        "GET",
        "/api/complex",
        "https://prod.example.com, https://staging.example.com, https://*.dev.example.com, "
        "http://localhost:3000, with credentials, headers X-Custom-*",
        {"X-Custom-Trace": "demo"},
        credentials=True,
    ),
    DemoCall(
        "protected",
        "GET",
        "/api/protected",
        "https://app.example.com, with credentials; login required (X-Demo-User: demo)",
        {"X-Demo-User": "demo"},
        credentials=True,
    ),
    DemoCall("resource-get", "GET", "/api/users/7", "GET: https://api-client.example.com"),
    DemoCall(
        "resource-post",
        "POST",
        "/api/users/7",
        "POST: https://admin.example.com, with credentials",
        json=JSON_BODY,
        credentials=True,
    ),
)
CALLS_BY_ID = {call.id: call for call in CALLS}


def _send(
    url: str, method: str, headers: Mapping[str, str], body: bytes | None = None
) -> tuple[int, Message]:
    """Send one request without proxies; return its status and headers, whatever the status."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    replay = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with opener.open(replay, timeout=REPLAY_TIMEOUT_S) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, error.headers


def _listed(value: str | None) -> set[str]:
    return {item.strip() for item in (value or "").split(",") if item.strip()}


def cors_problem(headers: Message, origin: str, credentials: bool) -> str | None:
    """Apply the browser's CORS check to a response's headers.

    Returns:
        What fails, in words, or None when the check passes.
    """
    allow_origin = headers.get("Access-Control-Allow-Origin")
    if allow_origin is None:
        return f"it has no Access-Control-Allow-Origin header: the API does not allow the origin {origin}."
    if allow_origin == "*" and credentials:
        return "its Access-Control-Allow-Origin is *, which a call with credentials may not use."
    if allow_origin not in ("*", origin):
        return f"its Access-Control-Allow-Origin is {allow_origin}, not {origin}."
    if credentials and headers.get("Access-Control-Allow-Credentials") != "true":
        return (
            "the call sends credentials (cookies), but the answer has no "
            "Access-Control-Allow-Credentials: true."
        )
    return None


def preflight_problem(status: int, headers: Message, call: DemoCall) -> str | None:
    """Check what only a preflight answer must satisfy: its status, methods and headers."""
    if not 200 <= status < 300:
        return f"its status is {status}; a preflight needs a 2xx status."
    methods = _listed(headers.get("Access-Control-Allow-Methods"))
    wildcard = not call.credentials
    method_listed = call.method in methods or (wildcard and "*" in methods)
    if call.method not in SAFELISTED_METHODS and not method_listed:
        shown = ", ".join(sorted(methods)) or "absent"
        return f"its Access-Control-Allow-Methods ({shown}) does not list {call.method}."
    allowed = {name.lower() for name in _listed(headers.get("Access-Control-Allow-Headers"))}
    for name in call.preflight_header_names():
        if name not in allowed and not (wildcard and "*" in allowed and name != "authorization"):
            shown = ", ".join(sorted(allowed)) or "absent"
            return f"its Access-Control-Allow-Headers ({shown}) does not list {name}."
    return None


def explain(call: DemoCall, origin: str, api: str) -> str:
    """Say why the browser blocked a call, from the API's answers to the same requests.

    Args:
        call: The call the page made.
        origin: The page's origin.
        api: The API's base URL.

    Returns:
        One or two sentences for the page.
    """
    url = api + call.path
    if call.needs_preflight():
        asked = {"Origin": origin, "Access-Control-Request-Method": call.method}
        names = call.preflight_header_names()
        if names:
            asked["Access-Control-Request-Headers"] = ",".join(names)
        status, headers = _send(url, "OPTIONS", asked)
        problem = cors_problem(headers, origin, call.credentials) or preflight_problem(status, headers, call)
        if problem:
            return f"The browser asked first (OPTIONS {call.path}) and the answer refused the call: {problem}"
    body = None if call.json is None else json.dumps(call.json).encode()
    status, headers = _send(url, call.method, {"Origin": origin, **call.request_headers()}, body)
    problem = cors_problem(headers, origin, call.credentials)
    if problem:
        return f"The answer ({status}) reached the browser, which hid it from the script: {problem}"
    return "The API's answer passes the CORS check now; the browser's console says what it saw."


def create_page_app(api: str) -> Flask:
    """Build the app that serves the demo page.

    Args:
        api: The base URL of the seed's app, e.g. ``http://127.0.0.1:5000``.

    Returns:
        A Flask app with the page at ``/`` and the explanations at ``/why``.
    """
    app = Flask(__name__)
    config = json.dumps({"api": api, "calls": [call.for_script() for call in CALLS]})
    page = PAGE.replace("__CONFIG__", config.replace("<", "\\u003c"))

    @app.get("/")
    def index() -> Response:
        return Response(page, mimetype="text/html")

    @app.post("/why")
    def why() -> dict[str, str]:
        origin = request.headers.get("Origin")
        asked = request.get_json(silent=True)
        call = CALLS_BY_ID.get(asked.get("call", "")) if isinstance(asked, dict) else None
        if origin is None or call is None:
            abort(400)
        return {"why": explain(call, origin, api)}

    return app


PAGE = """<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>cors demo: the seed's examples in your browser</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
  code { font-size: 0.92em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.6rem; border-bottom: 1px solid #ddd; }
  td.what small { color: #666; display: block; }
  tr[data-outcome="read"] td.result { color: #126b2f; }
  tr[data-outcome="blocked"] td.result { color: #a11d1d; }
  td.result { font-weight: 600; white-space: nowrap; }
</style>
<h1>The seed's examples, called from this page</h1>
<p>This page's origin is <code id="origin"></code>. The API, the seed's
<code>cross_origin</code> examples, is on <code id="api"></code>. Each row is one
<code>fetch()</code> made by this page's script. <b>Read</b>: the browser let the
script read the answer. <b>Blocked</b>: the browser refused; the script only gets a
<code>TypeError</code>, so the reason shown comes from the demo server, which sends
the same request to the API and checks the CORS headers that come back, as the
browser did (the browser's console gives its own wording).</p>
<p id="compare" hidden>Open this page from another origin to compare: <a id="other"></a>.
Only loopback origins can be opened by hand; the project's browser tests also load
this page as <code>https://app.example.com</code>, where the credentialed examples
succeed.</p>
<table>
  <thead><tr><th>Call</th><th>Result</th><th>Why</th></tr></thead>
  <tbody id="calls"></tbody>
</table>
<script type="application/json" id="config">__CONFIG__</script>
<script>
"use strict";
const config = JSON.parse(document.getElementById("config").textContent);
document.getElementById("origin").textContent = location.origin;
document.getElementById("api").textContent = config.api;
if (["localhost", "127.0.0.1"].includes(location.hostname)) {
  const other = new URL("/", location.href);
  other.hostname = location.hostname === "localhost" ? "127.0.0.1" : "localhost";
  const link = document.getElementById("other");
  link.href = other.href;
  link.textContent = other.origin;
  document.getElementById("compare").hidden = false;
}

function describe(call) {
  const extras = Object.keys(call.headers);
  if (call.credentials === "include") extras.push("credentials");
  if (call.preflight) extras.push("preflighted");
  return extras.length ? ` (${extras.join(", ")})` : "";
}

async function run(call) {
  const row = document.getElementById("calls").insertRow();
  row.dataset.call = call.id;
  const [what, result, why] = [row.insertCell(), row.insertCell(), row.insertCell()];
  what.className = "what";
  result.className = "result";
  why.className = "why";
  what.innerHTML = "<code></code><small></small>";
  what.firstChild.textContent = `${call.method} ${call.path}${describe(call)}`;
  what.lastChild.textContent = `Allows: ${call.allows}`;
  const init = {method: call.method, headers: call.headers, credentials: call.credentials};
  if (call.body !== null) init.body = call.body;
  try {
    const response = await fetch(config.api + call.path, init);
    const text = await response.text();
    row.dataset.outcome = "read";
    result.textContent = `Read ${response.status}`;
    why.textContent = `The API's CORS headers let this origin read: ${text.trim()}`;
  } catch (error) {
    row.dataset.outcome = "blocked";
    result.textContent = "Blocked";
    why.textContent = `${error.name}: ${error.message}. Asking the demo server why...`;
    const answer = await fetch("/why", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({call: call.id}),
    });
    why.textContent = answer.ok ? (await answer.json()).why : `The demo server could not tell (${answer.status}).`;
  }
}

(async () => {
  for (const call of config.calls) await run(call);
  document.body.dataset.state = "done";
})();
</script>
</html>
"""
