"""A function deciding origins, bare or in an OriginCheck, type-checks wherever origins go (never run)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from typing_extensions import assert_type

from cors import CORS, CorsPolicy, CorsSettings, OriginCheck, cross_origin


def tenant_origin_allowed(origin: str) -> bool:
    return origin.endswith(".tenants.example")


class Tenants:
    def allowed(self, origin: str) -> bool:
        return origin == "https://shop.example"


app = Flask(__name__)
tenants = Tenants()
check = OriginCheck(tenant_origin_allowed, ttl=timedelta(seconds=30), max_size=10_000)
assert_type(check, OriginCheck)
assert_type(check.ttl, float)
assert_type(check.name, str)
assert_type(OriginCheck(tenants.allowed, ttl=5), OriginCheck)

cross_origin(origins=tenant_origin_allowed)
cross_origin(origins=["https://admin.example", tenant_origin_allowed])
cross_origin(origins=["https://admin.example", re.compile(r"https://app\d\.example"), check])
cross_origin(origins=tenants.allowed, supports_credentials=True)
cross_origin(origins=lambda origin: origin.startswith("https://"))
CorsPolicy(origins=check)
CorsPolicy(origins=(tenant_origin_allowed, "https://admin.example"))
CORS(app, origins=[tenant_origin_allowed])
CORS(app, resources={"/api/*": {"origins": ["https://admin.example", check]}})
CORS(app, resources=[("/api/*", CorsPolicy(origins=tenants.allowed))])
SETTINGS: CorsSettings = {"origins": [tenant_origin_allowed, "https://admin.example"]}
app.config["CORS_ORIGINS"] = tenant_origin_allowed
