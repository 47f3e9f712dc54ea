"""Every form of path rules type-checks (never run)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Blueprint, Flask

from cors import CORS, CorsPolicy, CorsSettings

app = Flask(__name__)
PARTNERS = CorsPolicy(origins=["https://partner.example"])

CORS(app, resources="/api/*")
CORS(app, resources=re.compile(r"/api/v\d+/.*"))
CORS(app, resources=["/api/*", "/public/*"])
CORS(app, resources=("/api/*", re.compile(r"/v\d+/.*")))
CORS(app, resources={"/api/*": {"origins": ["https://a.example"], "max_age": 600}})
CORS(app, resources={r"/api/*": {"origins": "*"}, "/admin/*": {"origins": "https://admin.example", "supports_credentials": True}})
CORS(app, resources={re.compile(r"/v\d+/.*"): {"origins": "*"}})
CORS(app, resources={"/api/*": PARTNERS, "/public/*": {"origins": "*"}})
CORS(app, resources={"/api/*": PARTNERS | CorsPolicy(max_age=10)})
CORS(app, resources=[("/api/*", {"origins": "https://a.example"}), ("/partners/*", PARTNERS), "/public/*"])
CORS(app, resources={"/api/*": CorsSettings(origins="https://a.example")})
CORS(Blueprint("api", __name__), resources={"/*": {"origins": "*"}})
CORS(app, PARTNERS, resources={"/api/*": {"max_age": 600}})

# Rules kept in a module constant: annotated, or built from typed values.
RULES: dict[str, CorsSettings] = {"/api/*": {"origins": ["https://a.example"]}}
MIXED: dict[str, CorsPolicy | CorsSettings] = {"/api/*": PARTNERS, "/public/*": {"origins": "*"}}
READ_ONLY: Mapping[str, CorsSettings] = {"/api/*": {"origins": ["https://a.example"]}}
BUILT = {"/api/*": CorsSettings(origins=["https://a.example"])}
POLICIES = {"/api/*": PARTNERS, "/public/*": CorsPolicy(origins="*")}
PAIRS: list[tuple[str, CorsSettings]] = [("/api/*", {"origins": "https://a.example"})]
PATTERNS = ["/api/*", "/public/*"]
for rules in (RULES, MIXED, READ_ONLY, BUILT, POLICIES):
    CORS(app, resources=rules)
CORS(app, resources=PAIRS)
CORS(app, resources=PATTERNS)
