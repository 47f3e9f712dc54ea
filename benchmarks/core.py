"""The pure core alone: ``cors_headers(resolved_policy, CorsRequest(...))``.

The request view is built inside the timed call, as the Flask edge builds
one per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from cors import CorsPolicy, CorsRequest, ResolvedPolicy, cors_headers, resolve

from .scenarios import CASES_BY_NAME, PREFLIGHT_HEADERS, PREFLIGHT_METHOD, Allowlist, Case, expect_cors
from .timing import Runner


@dataclass(frozen=True)
class CoreCase:
    """One call of the pure core.

    Attributes:
        name: Short identifier.
        title: What the table calls it.
        case: The request case it evaluates, whose expected headers it must return.
        budget_share: The most one call may take, as a share of bare Flask's
            allowed GET in the same run (so the budget carries over to
            another machine: on one where that GET takes 35 µs, 0.06 is 2.1 µs).
    """

    name: str
    title: str
    case: Case
    budget_share: float


CORE_CASES = (
    CoreCase(
        name="core-actual",
        title="allowed actual request",
        case=CASES_BY_NAME["get-allowed"],
        budget_share=0.06,
    ),
    CoreCase(
        name="core-preflight",
        title="allowed preflight, three headers",
        case=CASES_BY_NAME["preflight-allowed"],
        budget_share=0.14,
    ),
)


def resolved_policy(allowlist: Allowlist) -> ResolvedPolicy:
    """The policy the decorator contender uses, resolved once."""
    return resolve(CorsPolicy(origins=allowlist.for_cors()))


def core_request(core: CoreCase, allowlist: Allowlist) -> CorsRequest:
    """The request view of a core case (used for the check only)."""
    headers = core.case.headers(allowlist)
    return CorsRequest(
        method="OPTIONS" if core.case.preflight else "GET",
        origin=headers.get("Origin"),
        request_method=headers.get("Access-Control-Request-Method"),
        request_headers=headers.get("Access-Control-Request-Headers"),
    )


def check(core: CoreCase, allowlist: Allowlist, policy: ResolvedPolicy) -> None:
    """Raise AssertionError unless the core returns the expected headers."""
    got = cors_headers(policy, core_request(core, allowlist))
    want = dict(expect_cors(core.case, allowlist).cors)
    if got != want:
        msg = f"{core.name} with {allowlist.size} origins: got {got}, want {want}"
        raise AssertionError(msg)


def core_runner(core: CoreCase, allowlist: Allowlist, policy: ResolvedPolicy) -> Runner:
    """``n`` calls of the core, each building its request view."""
    origin = allowlist.allowed_origin
    evaluate = cors_headers
    view = CorsRequest
    if core.case.preflight:
        method, headers = PREFLIGHT_METHOD, PREFLIGHT_HEADERS

        def run_preflight(n: int) -> None:
            for _ in range(n):
                evaluate(
                    policy,
                    view(
                        method="OPTIONS",
                        origin=origin,
                        request_method=method,
                        request_headers=headers,
                    ),
                )

        return run_preflight

    def run_actual(n: int) -> None:
        for _ in range(n):
            evaluate(policy, view(method="GET", origin=origin))

    return run_actual
