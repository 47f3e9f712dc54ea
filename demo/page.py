"""The demo page: the page, on origins of your choice, that calls every example.

``python -m demo`` serves the examples (the API) on one origin and this page
on one port under many names: ``http://localhost:8080``,
``http://app.example.localhost:8080``, ``http://evil.localhost:8080``, ...
Browsers resolve every ``*.localhost`` name to this machine, and each name is
its own origin, so the same page is a different caller under each name. Its
script calls each example with ``fetch()`` and shows what the browser let it
read. When the browser blocks a call, the script only gets a ``TypeError``,
so the page asks its own server why: the server sends the same request (and
its preflight) to the API and applies the browser's CORS check to the headers
that come back.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message

from flask import Flask, Response, abort, request

from demo.examples import local_origin

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language"})
SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
REPLAY_TIMEOUT_S = 30
"""Only a hang takes this long: the API is on this machine."""

EVIL = "evil.localhost"
"""A host no example lists."""


def page_origin(host: str, port: int) -> str:
    """The origin of the demo page opened under a host name, e.g. ``http://evil.localhost:8080``."""
    return f"http://{host}:{port}"


@dataclass(frozen=True)
class DemoCall:
    """One call the page makes: an example's endpoint, called the way its example is meant to be.

    Attributes:
        id: A short name, also the row's ``data-call`` in the page.
        method: The request method.
        path: The endpoint.
        origins: The example's origins as documented (``local_origin`` moves them).
        note: What else the example allows or needs, in words.
        allowed_from: A host whose page may read the answer, or None when none may.
        refused_from: A host whose page may not, or None when every origin may.
        headers: Request headers the script sets.
        json: A JSON body, sent with ``Content-Type: application/json``.
        credentials: Send cookies (``credentials: "include"``).
    """

    id: str
    method: str
    path: str
    origins: tuple[str, ...]
    note: str
    allowed_from: str | None
    refused_from: str | None
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

    def for_script(self, port: int) -> dict[str, object]:
        """Return the call as the page's script uses it, for a page on this port."""
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "origins": [local_origin(origin, port) for origin in self.origins],
            "documented": list(self.origins),
            "note": self.note,
            "allowedFrom": self.allowed_from,
            "refusedFrom": self.refused_from,
            "headers": self.request_headers(),
            "body": None if self.json is None else json.dumps(self.json),
            "credentials": "include" if self.credentials else "same-origin",
            "preflight": self.needs_preflight(),
        }


JSON_BODY = {"name": "Ada"}
APP = ("https://app.example.com",)
CALLS = (
    DemoCall("data", "GET", "/api/data", ("*",), "any origin, even one no example lists", EVIL, None),
    DemoCall(
        "data-credentials", "GET", "/api/data", ("*",),
        "any origin, but never with credentials: no page may read this call", None, EVIL, credentials=True,
    ),
    DemoCall("public", "GET", "/api/public", ("*",), "any origin", EVIL, None),
    DemoCall(
        "public-credentials", "GET", "/api/public", ("*",),
        "any origin, but never with credentials: no page may read this call", None, EVIL, credentials=True,
    ),
    DemoCall(
        "secure", "GET", "/api/secure", ("https://trusted-site.com", "https://app.example.com"), "",
        "app.example.localhost", EVIL,
    ),
    DemoCall(
        "development", "GET", "/api/development", ("http://localhost:3000", "http://localhost:8080"), "",
        "localhost", "app.example.localhost",
    ),
    DemoCall(
        "subdomains", "GET", "/api/subdomains", (r"https://.*\.example\.com",), "a regular expression",
        "app.example.localhost", EVIL,
    ),
    DemoCall(
        "pattern", "GET", "/api/pattern", (r"https://app\d+\.example\.com", "https://main.example.com"),
        "a compiled regular expression: app followed by digits", "app7.example.localhost", "app.example.localhost",
    ),
    DemoCall(
        "users", "GET", "/api/users", ("https://frontend.example.com",), "",
        "frontend.example.localhost", "app.example.localhost",
    ),
    DemoCall(
        "users-create", "POST", "/api/users", ("https://frontend.example.com",),
        "request headers Content-Type and X-Requested-With",
        "frontend.example.localhost", "app.example.localhost", {"X-Requested-With": "fetch"}, JSON_BODY,
    ),
    DemoCall(
        "profile", "GET", "/api/auth/profile", APP, "with credentials; request headers Content-Type and Authorization",
        "app.example.localhost", EVIL, {"Authorization": "Bearer demo"}, credentials=True,
    ),
    DemoCall(
        "login", "POST", "/api/auth/login", APP, "with credentials", "app.example.localhost", EVIL, credentials=True
    ),
    DemoCall(
        "upload", "POST", "/api/upload", ("https://uploader.example.com",),
        "exposes X-Upload-ID and X-Processing-Status", "uploader.example.localhost", "app.example.localhost",
        {"X-File-Name": "notes.txt"}, JSON_BODY,
    ),
    DemoCall(
        "heavy-operation", "POST", "/api/heavy-operation", ("https://client.example.com",),
        "preflight cached for an hour", "client.example.localhost", "app.example.localhost", json=JSON_BODY,
    ),
    DemoCall(
        "frequent-calls", "GET", "/api/frequent-calls", ("https://dashboard.example.com",),
        "request headers Content-Type and Authorization", "dashboard.example.localhost", "app.example.localhost",
        {"Authorization": "Bearer demo"},
    ),
    DemoCall(
        "custom-options", "POST", "/api/custom-options", ("https://custom.example.com",),
        "the view answers its own preflight", "custom.example.localhost", "app.example.localhost", json=JSON_BODY,
    ),
    DemoCall(
        "complex", "GET", "/api/complex",
        ("https://prod.example.com", "https://staging.example.com", r"https://.*\.dev\.example\.com",
         "http://localhost:3000"),
        "with credentials; request headers X-Custom-*", "pr-1.dev.example.localhost", "app.example.localhost",
        {"X-Custom-Trace": "demo"}, credentials=True,
    ),
    DemoCall(
        "protected", "GET", "/api/protected", APP, "with credentials; login required (X-Demo-User: demo)",
        "app.example.localhost", EVIL, {"X-Demo-User": "demo"}, credentials=True,
    ),
    DemoCall(
        "resource-get", "GET", "/api/users/7", ("https://api-client.example.com",), "a flask-restful GET",
        "api-client.example.localhost", "admin.example.localhost",
    ),
    DemoCall(
        "resource-post", "POST", "/api/users/7", ("https://admin.example.com",), "a flask-restful POST, with credentials",
        "admin.example.localhost", "api-client.example.localhost", json=JSON_BODY, credentials=True,
    ),
)
CALLS_BY_ID = {call.id: call for call in CALLS}


def _role(host: str) -> str:
    if host == "localhost":
        return "the development example's own origin"
    if host == EVIL:
        return "no example lists it"
    return f"stands for https://{host.removesuffix('.localhost')}.com"


HOSTS: dict[str, str] = {
    host: _role(host)
    for host in dict.fromkeys(
        ["localhost", "app.example.localhost", EVIL]
        + [host for call in CALLS for host in (call.allowed_from, call.refused_from) if host is not None]
    )
}
"""Every host name the page is meant to be opened under, with what it stands for."""


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


def create_page_app(api: str, port: int) -> Flask:
    """Build the app that serves the demo page.

    Args:
        api: The base URL of the examples' app, e.g. ``http://127.0.0.1:5000``.
        port: The port the page is served on, under every host name.

    Returns:
        A Flask app with the page at ``/`` and the explanations at ``/why``.
    """
    app = Flask(__name__)
    config = json.dumps(
        {"api": api, "hosts": HOSTS, "calls": [call.for_script(port) for call in CALLS]}
    )
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
<title>cors demo: the flask-cors examples, called from this origin</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 80rem; padding: 0 1rem; color: #222; }
  code { font-size: 0.92em; overflow-wrap: anywhere; }
  h1 { font-size: 1.5rem; margin-bottom: 0.3rem; }
  #here { font-size: 1.1rem; margin-top: 0; }
  #here code { font-size: 1.05rem; background: #eef; padding: 0.1rem 0.3rem; }
  ul#hosts { columns: 3 20rem; padding-left: 1.2rem; margin: 0.3rem 0 1rem; }
  ul#hosts li { break-inside: avoid; }
  ul#hosts small, td small { color: #666; }
  table { border-collapse: collapse; width: 100%; table-layout: fixed; }
  th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; border-bottom: 1px solid #ddd; }
  th.what { width: 30%; } th.result { width: 7.5rem; } th.try { width: 22%; }
  td.what small { display: block; overflow-wrap: anywhere; }
  td.result span { display: inline-block; font-weight: 600; padding: 0.1rem 0.45rem; border-radius: 0.25rem; }
  tr[data-outcome="read"] td.result span { color: #0b5a24; background: rgb(190, 235, 200); }
  tr[data-outcome="blocked"] td.result span { color: #8a1010; background: rgb(248, 200, 200); }
  td.try a.here { font-weight: 600; color: #222; text-decoration: none; }
</style>
<h1>The flask-cors <code>cross_origin</code> examples, called from this page</h1>
<p id="here">This page's origin is <code id="origin"></code> <small id="role"></small></p>
<p>The API, every example of the flask-cors documentation on <code>cors</code>, is on
<code id="api"></code>. The examples' origins (<code>https://app.example.com</code>,
...) are moved to names a browser on this machine can have
(<code>http://app.example.localhost:PORT</code>, ...); every other setting is as documented.
Each row is one <code>fetch()</code> made by this page's script. <b>Read</b>: the browser
let the script read the answer. <b>Blocked</b>: the browser refused; the script only gets a
<code>TypeError</code>, so the reason shown comes from the demo server, which sends the same
request to the API and checks the CORS headers that come back, as the browser did (the
browser's console gives its own wording). The last column opens this page as an origin the
example allows and one it refuses.</p>
<p>Open this page as:</p>
<ul id="hosts"></ul>
<table>
  <thead><tr><th class="what">Call</th><th class="result">Here</th><th class="why">Why</th><th class="try">Try it from</th></tr></thead>
  <tbody id="calls"></tbody>
</table>
<script type="application/json" id="config">__CONFIG__</script>
<script>
"use strict";
const config = JSON.parse(document.getElementById("config").textContent);
const here = location.hostname;
document.getElementById("origin").textContent = location.origin;
document.getElementById("role").textContent = config.hosts[here] ? `(${config.hosts[here]})` : "";
document.getElementById("api").textContent = config.api;

function pageAt(host) {
  const url = new URL("/", location.href);
  url.hostname = host;
  return url;
}

function hostLink(host, short) {
  const link = document.createElement("a");
  link.href = pageAt(host).href;
  link.textContent = short ? host : pageAt(host).origin;
  if (host === here) link.className = "here";
  return link;
}

for (const [host, role] of Object.entries(config.hosts)) {
  const item = document.createElement("li");
  item.dataset.host = host;
  item.append(hostLink(host));
  if (host === here) item.append(" (this page)");
  if (role) {
    const small = document.createElement("small");
    small.textContent = ` ${role}`;
    item.append(small);
  }
  document.getElementById("hosts").append(item);
}

function describe(call) {
  const extras = Object.keys(call.headers);
  if (call.credentials === "include") extras.push("credentials");
  if (call.preflight) extras.push("preflighted");
  return extras.length ? ` (${extras.join(", ")})` : "";
}

function tryFrom(cell, call) {
  const parts = [];
  if (call.allowedFrom) parts.push(["allowed: ", call.allowedFrom]);
  else parts.push(["allowed from no origin", null]);
  if (call.refusedFrom) parts.push(["refused: ", call.refusedFrom]);
  else parts.push(["refused from no origin", null]);
  for (const [label, host] of parts) {
    const line = document.createElement("div");
    line.append(label);
    if (host) line.append(hostLink(host, true));
    if (host === here) line.append(" (here)");
    cell.append(line);
  }
}

async function run(call) {
  const row = document.getElementById("calls").insertRow();
  row.dataset.call = call.id;
  const [what, result, why, tryCell] = [row.insertCell(), row.insertCell(), row.insertCell(), row.insertCell()];
  what.className = "what";
  result.className = "result";
  why.className = "why";
  tryCell.className = "try";
  what.innerHTML = "<code></code><small></small><small></small>";
  what.children[0].textContent = `${call.method} ${call.path}${describe(call)}`;
  what.children[1].textContent = `Origins: ${call.origins.join(", ")}`;
  const documented = call.documented.join(", ") === call.origins.join(", ") ? "" : ` (documented: ${call.documented.join(", ")})`;
  what.children[2].textContent = [documented.trim(), call.note].filter(Boolean).join("; ");
  tryFrom(tryCell, call);
  result.append(document.createElement("span"));
  const init = {method: call.method, headers: call.headers, credentials: call.credentials};
  if (call.body !== null) init.body = call.body;
  try {
    const response = await fetch(config.api + call.path, init);
    const text = await response.text();
    row.dataset.outcome = "read";
    result.firstChild.textContent = `Read ${response.status}`;
    why.textContent = `The API's CORS headers let this origin read: ${text.trim()}`;
  } catch (error) {
    row.dataset.outcome = "blocked";
    result.firstChild.textContent = "Blocked";
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
