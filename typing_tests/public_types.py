"""Pins the public types: mypy checks these assert_type calls (never run)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from typing_extensions import assert_type

from cors import CORS, CorsPolicy, CorsRequest, ResolvedPolicy, cors_headers, cross_origin, resolve

policy = CorsPolicy(origins=["https://a.example"], max_age=timedelta(minutes=5))
assert_type(policy | CorsPolicy(supports_credentials=True), CorsPolicy)
assert_type(resolve(policy), ResolvedPolicy)
assert_type(cors_headers(resolve(policy), CorsRequest(method="GET", origin="https://a.example")), dict[str, str])
assert_type(cors_headers(policy, CorsRequest(method="GET")), dict[str, str])
assert_type(policy.specified(), dict[str, Any])


def view(user_id: int) -> dict[str, int]:
    """A typed view."""
    return {"user_id": user_id}


# The decorator keeps the view's exact type.
assert_type(cross_origin(origins="https://a.example")(view)(1), dict[str, int])
assert_type(cross_origin(policy, max_age=10)(view)(1), dict[str, int])
assert_type(CORS(Flask(__name__), resources={"/api/*": {"origins": "*"}}), CORS)
