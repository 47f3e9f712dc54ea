"""Every form of every setting that the policy accepts type-checks (never run).

The forms are those of the seed document: a string, a list, a set or tuple,
compiled patterns, ``max_age`` as a ``timedelta``, an ``int`` or a string of
digits; ``None`` where the policy takes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from typing_extensions import assert_type

from cors import CORS, CorsPolicy, CorsSettings, ExtensionSettings, cross_origin

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
app = Flask(__name__)
decorators: list[Decorator] = [
    cross_origin(),
    cross_origin(origins="*"),
    cross_origin(origins="https://a.example"),
    cross_origin(origins=["https://a.example", "https://b.example"]),
    cross_origin(origins={"https://a.example", "https://b.example"}),
    cross_origin(origins=("https://a.example",)),
    cross_origin(origins=frozenset({"https://a.example"})),
    cross_origin(origins=r"https://.*\.example\.com"),
    cross_origin(origins=re.compile(r"https://app\d+\.example\.com")),
    cross_origin(origins=[re.compile(r"https://app\d+\.example\.com"), "https://main.example.com"]),
    cross_origin(origins=(origin for origin in ["https://a.example"])),
    cross_origin(origins=None),
    cross_origin(methods="GET"),
    cross_origin(methods="GET, POST"),
    cross_origin(methods=["GET", "POST"]),
    cross_origin(methods={"PUT"}),
    cross_origin(expose_headers="X-Total-Count"),
    cross_origin(expose_headers=["X-Total-Count", "X-Rate-Limit-Remaining"]),
    cross_origin(allow_headers="*"),
    cross_origin(allow_headers="Content-Type, Authorization"),
    cross_origin(allow_headers=["Content-Type", r"X-Custom-.*"]),
    cross_origin(allow_headers=[re.compile(r"x-custom-.*"), "Content-Type"]),
    cross_origin(allow_headers=re.compile(r"x-.*")),
    cross_origin(origins="https://a.example", supports_credentials=True),
    cross_origin(supports_credentials=False),
    cross_origin(max_age=timedelta(hours=1)),
    cross_origin(max_age=3600),
    cross_origin(max_age="3600"),
    cross_origin(max_age=None),
    cross_origin(send_wildcard=True),
    cross_origin(vary_header=False),
    cross_origin(automatic_options=False),
    cross_origin(allow_private_network=True),
    cross_origin(always_send=False),
    cross_origin(origins="https://a.example", write_protection=True),
]

# A policy takes the same settings, and the decorator a policy with overrides.
BASE = CorsPolicy(origins=["https://a.example"], max_age=timedelta(minutes=5), methods=("GET",))
assert_type(BASE, CorsPolicy)
assert_type(BASE | CorsPolicy(supports_credentials=True), CorsPolicy)
decorators.append(cross_origin(BASE))
decorators.append(cross_origin(BASE, max_age=600, allow_headers=["Authorization"]))
decorators.append(cross_origin(None, origins="*"))

# Settings kept in a typed dict and spread: checked where they are written.
SETTINGS: CorsSettings = {"origins": ["https://a.example"], "supports_credentials": True}
ALSO = CorsSettings(origins="https://b.example", max_age=timedelta(seconds=30))
decorators.append(cross_origin(**SETTINGS))
decorators.append(cross_origin(BASE, **ALSO))
assert_type(CorsPolicy(**SETTINGS), CorsPolicy)

# The extension takes them too, and its own two.
assert_type(CORS(app, origins="https://a.example", supports_credentials=True), CORS)
assert_type(CORS(app, BASE, intercept_exceptions=False), CORS)
assert_type(CORS(app, resources=None, intercept_exceptions=None), CORS)
assert_type(CORS(app=app), CORS)
EXTENSION: ExtensionSettings = {"origins": ["https://a.example"], "resources": "/api/*"}
extension = CORS(**EXTENSION)
extension.init_app(app)
extension.init_app(app, BASE, max_age=10)
assert_type(CORS(origins="*").init_app(app, resources="/api/*"), None)
