"""Hostile input costs bounded time in the core: ``python -m benchmarks.hostile``.

Each case times ``cors.decide`` on one crafted request against a policy with
1,000 exact origins, 10 subdomain patterns and 5 regexes (the same as the main
benchmark's largest), checks the answer is a refusal or a safe allowance, and
prints PASS when the median is under 1 ms. Exit status 0 when all pass.
"""

from __future__ import annotations

import statistics
import sys
import time

from cors import CorsPolicy, CorsRequest, decide, resolve

LIMIT_SECONDS = 1e-3
POLICY = resolve(
    CorsPolicy(
        origins=[f"https://app{i}.example.com" for i in range(1000)]
        + [f"https://*.tenant{i}.example.net" for i in range(10)]
        + [rf"https://client{i}-\d+\.example\.org" for i in range(5)],
        allow_headers=["Content-Type", r"X-Custom-.*"],
    )
)
ALLOWED = "https://app1.example.com"
MEGABYTE = 1024 * 1024
# As many distinct allowed names as fit in the 4096 characters read.
UNDER_LIMIT = ",".join(f"x-custom-{i}" for i in range(320))


def cases() -> dict[str, CorsRequest]:
    """The crafted requests, by name."""
    long_subdomain = "https://" + "a." * (MEGABYTE // 2) + "tenant1.example.net"
    return {
        "Origin of 1 MB": CorsRequest(method="GET", origin="https://" + "a" * MEGABYTE + ".example.com"),
        "Origin of 1 MB shaped like a subdomain": CorsRequest(method="GET", origin=long_subdomain),
        "Origin of 1 MB of repeated origins": CorsRequest(method="GET", origin=", ".join([ALLOWED] * 40_000)),
        "Access-Control-Request-Headers of 10,000 commas": CorsRequest(
            method="OPTIONS", origin=ALLOWED, request_method="POST", request_headers="," * 10_000
        ),
        "Access-Control-Request-Headers of 100 kB": CorsRequest(
            method="OPTIONS", origin=ALLOWED, request_method="POST", request_headers="x-custom-a," * 10_000
        ),
        "Access-Control-Request-Headers just under the limit": CorsRequest(
            method="OPTIONS", origin=ALLOWED, request_method="POST", request_headers=UNDER_LIMIT
        ),
        "Access-Control-Request-Method of 100 kB": CorsRequest(
            method="OPTIONS", origin=ALLOWED, request_method="P" * 100_000
        ),
    }


def median_seconds(request: CorsRequest, repeats: int = 50) -> float:
    """The median time of one decision."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        decide(POLICY, request)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    """Time each case; return 0 when every one is under the limit."""
    failures = 0
    for name, request in cases().items():
        decision = decide(POLICY, request)
        assert decision.headers.get("Access-Control-Allow-Origin") in (None, request.origin), name
        seconds = median_seconds(request)
        verdict = "PASS" if seconds < LIMIT_SECONDS else "FAIL"
        failures += verdict == "FAIL"
        outcome = "allowed" if decision.allowed else f"refused ({decision.refused_by})"
        print(f"{verdict}  {name}: {seconds * 1e6:,.1f} µs, {outcome} (limit {LIMIT_SECONDS * 1e6:,.0f} µs)")
    print(f"Python {sys.version.split()[0]}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
