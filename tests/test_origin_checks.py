"""Origins decided by the app's own function: when it is asked, how its answers are kept, how it fails."""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from typeguard import suppress_type_checks

from cors import CORS, CorsConfigError, CorsPolicy, CorsRequest, CorsWarning, OriginCheck, cross_origin, decide, resolve
from cors._origins import MAX_ORIGIN_LENGTH, CheckAnswers, OriginMatcher

SITE = "https://app.example.com"
TENANT = "https://shop.tenant.example"
ACAO = "Access-Control-Allow-Origin"


class Tenants:
    """A stand-in for the app's data: the origins it allows, and every origin it was asked about."""

    def __init__(self, *origins: str) -> None:
        self.origins = set(origins)
        self.asked: list[str] = []
        self.down = False

    def allowed(self, origin: str) -> bool:
        """Tell whether a tenant has registered the origin."""
        self.asked.append(origin)
        if self.down:
            raise ConnectionError("database is down")
        return origin in self.origins


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def allow_all(origin: str) -> bool:
    """A check that allows every origin it is asked about."""
    return True


def test_bare_function_is_an_origin_check_with_the_defaults() -> None:
    """A function in origins is wrapped in an OriginCheck with ttl 60 s and 1024 entries; the policies are equal."""
    policy = CorsPolicy(origins=[SITE, allow_all])
    assert policy == CorsPolicy(origins=[SITE, OriginCheck(allow_all, ttl=60, max_size=1024)])
    assert hash(policy) == hash(CorsPolicy(origins=[OriginCheck(allow_all), SITE]))
    assert CorsPolicy(origins=allow_all) == CorsPolicy(origins=[allow_all])
    assert policy != CorsPolicy(origins=[SITE, OriginCheck(allow_all, ttl=5)])


def test_repr_names_the_function() -> None:
    """repr shows the function by module and qualified name, with its cache settings."""
    tenants = Tenants()
    check = OriginCheck(tenants.allowed, ttl=timedelta(seconds=30), max_size=10)
    assert repr(check) == f"OriginCheck({__name__}.Tenants.allowed, ttl=30, max_size=10)"
    assert str(check) == check.name == f"{__name__}.Tenants.allowed"
    assert repr(CorsPolicy(origins=[SITE, allow_all])) == (
        f"CorsPolicy(origins={{'{SITE}', OriginCheck({__name__}.allow_all, ttl=60, max_size=1024)}})"
    )


def test_a_callable_without_a_name_is_shown_by_repr() -> None:
    """A partial, which has no qualified name, is named by its repr."""
    check = OriginCheck(functools.partial(Tenants.allowed, Tenants()))
    assert check.name == repr(check.function)
    assert repr(check).startswith("OriginCheck(functools.partial(")


def test_or_replaces_a_check_like_any_origins() -> None:
    """`|` replaces origins with a check, and a check with origins, as for any setting."""
    with_check = CorsPolicy(origins=allow_all)
    listed = CorsPolicy(origins=[SITE])
    assert (listed | with_check).origins == frozenset({OriginCheck(allow_all)})
    assert (with_check | listed).origins == frozenset({SITE})


async def async_check(origin: str) -> bool:
    """An async function: its coroutine would be truthy, and is never awaited."""
    return False


class Unhashable:
    """A callable object that defines __eq__ without __hash__."""

    def __eq__(self, other: object) -> bool:
        return self is other

    def __call__(self, origin: str) -> bool:
        return True


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: OriginCheck("https://a.example"), "is not callable"),  # type: ignore[arg-type]
        (lambda: OriginCheck(async_check), "is an async function"),  # type: ignore[arg-type]
        (lambda: OriginCheck(Unhashable()), "is not hashable"),
        (lambda: OriginCheck(allow_all, ttl=0), "ttl=0 is not positive"),
        (lambda: OriginCheck(allow_all, ttl=-5), "ttl=-5 is not positive"),
        (lambda: OriginCheck(allow_all, ttl=timedelta(0)), "is not positive"),
        (lambda: OriginCheck(allow_all, ttl=True), "ttl=True is not a number of seconds"),
        (lambda: OriginCheck(allow_all, ttl="60"), "ttl='60' is not a number of seconds"),  # type: ignore[arg-type]
        (lambda: OriginCheck(allow_all, max_size=0), "max_size=0 is not a positive int"),
        (lambda: OriginCheck(allow_all, max_size=2.5), "max_size=2.5 is not a positive int"),  # type: ignore[arg-type]
        (lambda: OriginCheck(allow_all, max_size=True), "max_size=True is not a positive int"),
        (lambda: CorsPolicy(origins=async_check), "origins: tests.test_origin_checks.async_check is an async function"),  # type: ignore[arg-type]
        (lambda: CorsPolicy(origins=[SITE, Unhashable()]), "origins: <tests.test_origin_checks.Unhashable"),
        (lambda: CorsPolicy(origins=[SITE, 3]), "origins: 3 is a int; give origins as strings, compiled"),  # type: ignore[list-item]
    ],
    ids=[
        "not callable", "async", "unhashable", "ttl zero", "ttl negative", "ttl timedelta zero", "ttl bool",
        "ttl str", "size zero", "size float", "size bool", "bare async", "bare unhashable", "not a function",
    ],
)  # fmt: skip
def test_unusable_check_fails_at_configuration(make: Callable[[], object], message: str) -> None:
    """A check that cannot work raises CorsConfigError when configured, naming the fix."""
    with suppress_type_checks(), pytest.raises(CorsConfigError, match=message.replace("(", r"\(")):
        make()


# Values a check must never see: null, and whatever no browser sends as Origin.
NEVER_ASKED = [
    "null",
    "NULL",
    "",
    "https://Shop.tenant.example",
    "https://shop.tenant.example/",
    "https://shop.tenant.example/path",
    "https://user@shop.tenant.example",
    "https://shop..tenant.example",
    "https://-shop.tenant.example",
    "https://shop.tenant.example ",
    "https://shop.tenant.example\r\nSet-Cookie: a=b",
    "javascript:alert(1)",
    "shop.tenant.example",
    "file://",
    "https://" + "a" * (MAX_ORIGIN_LENGTH - 8 + 1),
    "https://" + "a." * 300 + "example",
]


@pytest.mark.parametrize("origin", NEVER_ASKED, ids=repr)
def test_check_is_never_asked_about_null_or_malformed_origins(origin: str) -> None:
    """null, malformed and over-long values are refused without asking the check."""
    tenants = Tenants(origin)
    policy = resolve(CorsPolicy(origins=[SITE, tenants.allowed]))
    for request in (CorsRequest("GET", origin), CorsRequest("OPTIONS", origin, "PUT")):
        decision = decide(policy, request)
        assert not decision.allowed
        assert ACAO not in decision.headers
    assert tenants.asked == []


def test_over_long_origin_is_refused_unasked() -> None:
    """A well-formed origin one character over the length limit is refused; at the limit it is asked."""
    at_limit = "https://" + "a" * (MAX_ORIGIN_LENGTH - len("https://.example")) + ".example"
    over = at_limit[:8] + "b" + at_limit[8:]
    assert len(at_limit) == MAX_ORIGIN_LENGTH
    tenants = Tenants(at_limit, over)
    policy = resolve(CorsPolicy(origins=tenants.allowed))
    assert decide(policy, CorsRequest("GET", at_limit)).allowed
    assert not decide(policy, CorsRequest("GET", over)).allowed
    assert tenants.asked == [at_limit]


@pytest.mark.parametrize(
    ("origin", "spec"),
    [
        (SITE, SITE),
        ("https://pr-1.preview.example.com", "https://*.preview.example.com"),
        ("https://app7.example.net", r"https://app\d+\.example\.net"),
        ("null", "null"),
    ],
)
def test_check_is_not_asked_when_a_listed_origin_allows(origin: str, spec: str) -> None:
    """An origin that a listed origin, pattern or 'null' allows is answered by that spec alone."""
    tenants = Tenants()
    policy = resolve(CorsPolicy(origins=[SITE, "https://*.preview.example.com", r"https://app\d+\.example\.net",
                                         "null", tenants.allowed]))  # fmt: skip
    decision = decide(policy, CorsRequest("GET", origin))
    assert decision.allowed
    assert decision.rule == spec
    assert tenants.asked == []


def test_check_allows_and_refuses_well_formed_origins() -> None:
    """The check is asked about a well-formed origin no spec lists: True allows it, False refuses it."""
    tenants = Tenants(TENANT)
    policy = resolve(CorsPolicy(origins=[SITE, tenants.allowed], supports_credentials=True))
    allowed = decide(policy, CorsRequest("GET", TENANT))
    assert allowed.allowed
    assert allowed.rule == f"{__name__}.Tenants.allowed"
    assert allowed.headers == {ACAO: TENANT, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}
    refused = decide(policy, CorsRequest("GET", "https://evil.example"))
    assert not refused.allowed
    assert refused.headers == {"Vary": "Origin"}
    preflight = decide(policy, CorsRequest("OPTIONS", TENANT, "PUT"))
    assert preflight.allowed
    assert preflight.headers[ACAO] == TENANT
    assert tenants.asked == [TENANT, "https://evil.example"]


def test_every_answer_varies_on_origin() -> None:
    """With a check, allowed, refused, origin-less and preflight answers all carry Vary: Origin."""
    policy = resolve(CorsPolicy(origins=Tenants(TENANT).allowed))
    for request in [
        CorsRequest("GET", TENANT),
        CorsRequest("GET", "https://evil.example"),
        CorsRequest("GET", None),
        CorsRequest("OPTIONS", TENANT, "PUT"),
        CorsRequest("OPTIONS", "https://evil.example", "PUT"),
        CorsRequest("OPTIONS", None, "PUT"),
    ]:
        vary = decide(policy, request).headers["Vary"]
        assert "Origin" in [name.strip() for name in vary.split(",")], request


def test_vary_header_false_is_refused_with_a_check() -> None:
    """vary_header=False with a check is a CorsConfigError: the answer depends on the origin."""
    with pytest.raises(CorsConfigError, match="vary_header=False is only safe"):
        resolve(CorsPolicy(origins=allow_all, vary_header=False))


def test_credentials_with_a_check_are_allowed() -> None:
    """supports_credentials=True with a check resolves quietly: the app vouches for each origin."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve(CorsPolicy(origins=[SITE, allow_all], supports_credentials=True))


def test_credentials_with_a_check_and_any_origin_still_fail() -> None:
    """A check does not make '*' safe with credentials."""
    with pytest.raises(CorsConfigError, match="origins='\\*'"):
        CorsPolicy(origins=["*", allow_all], supports_credentials=True)


def test_any_origin_beside_a_check_warns_and_the_check_is_never_asked() -> None:
    """With '*' listed the check could never decide: a CorsWarning says so, and it is not asked."""
    tenants = Tenants()
    with pytest.warns(CorsWarning, match=r"'\*' allows every origin, so .*Tenants.allowed is never asked"):
        policy = resolve(CorsPolicy(origins=["*", tenants.allowed]))
    assert decide(policy, CorsRequest("GET", TENANT)).allowed
    assert tenants.asked == []


def test_lint_is_quiet_about_a_check_beside_other_specs() -> None:
    """A check next to exact origins, patterns and regexes gives no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve(CorsPolicy(origins=[SITE, "https://*.example.org", r"https://a\d\.example\.net", allow_all],
                           max_age=600, expose_headers=["X-Total"]))  # fmt: skip


# --- The answers kept -----------------------------------------------------------


def answers(tenants: Tenants, clock: Clock, **settings: Any) -> CheckAnswers:
    """The answer cache of a check over the tenants, on a hand-moved clock."""
    return CheckAnswers(OriginCheck(tenants.allowed, **settings), clock=clock)


def test_answers_are_kept_for_the_ttl() -> None:
    """An answer, allowed or refused, is reused until its ttl has passed, then asked again."""
    tenants, clock = Tenants(TENANT), Clock()
    cache = answers(tenants, clock, ttl=30)
    for _ in range(5):
        assert cache(TENANT) is True
        assert cache("https://new.example") is False
    assert tenants.asked == [TENANT, "https://new.example"]
    tenants.origins.add("https://new.example")
    clock.now += 29.9
    assert cache("https://new.example") is False  # still the kept refusal
    clock.now += 0.1
    assert cache("https://new.example") is True
    assert tenants.asked == [TENANT, "https://new.example", "https://new.example"]


def test_least_recently_used_answer_is_dropped_beyond_max_size() -> None:
    """At max_size, a new origin drops the answer used least recently; that origin is asked again."""
    tenants, clock = Tenants(), Clock()
    cache = answers(tenants, clock, max_size=3)
    for origin in ["https://a.example", "https://b.example", "https://c.example"]:
        cache(origin)
    cache("https://a.example")  # used again: b is now the least recent
    cache("https://d.example")
    assert len(cache) == 3
    tenants.asked.clear()
    for origin in ["https://a.example", "https://c.example", "https://d.example"]:
        cache(origin)
    assert tenants.asked == []
    cache("https://b.example")
    assert tenants.asked == ["https://b.example"]


def test_a_stream_of_new_origins_keeps_at_most_max_size() -> None:
    """Ten thousand distinct origins leave max_size answers, each asked once."""
    tenants, clock = Tenants(), Clock()
    cache = answers(tenants, clock, max_size=100)
    for index in range(10_000):
        assert cache(f"https://t{index}.example") is False
        assert len(cache) <= 100
    assert len(cache) == 100
    assert len(tenants.asked) == 10_000


def test_answers_are_safe_to_share_between_threads() -> None:
    """Eight threads asking about overlapping origins get right answers and never exceed max_size."""
    allowed = {f"https://t{i}.example" for i in range(0, 64, 2)}
    tenants, clock = Tenants(*allowed), Clock()
    cache = answers(tenants, clock, max_size=16)
    errors: list[str] = []
    start = threading.Barrier(8)

    def ask(seed: int) -> None:
        start.wait()
        for step in range(2000):
            origin = f"https://t{(seed * 7 + step) % 64}.example"
            if cache(origin) != (origin in allowed):
                errors.append(origin)
            if len(cache) > 16:
                errors.append(f"size {len(cache)}")

    threads = [threading.Thread(target=ask, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(cache) <= 16


def failing(origin: str) -> bool:
    """A check whose database is down."""
    raise ConnectionError("database is down")


def test_a_check_that_raises_refuses_and_logs_once_per_origin_and_ttl(caplog: pytest.LogCaptureFixture) -> None:
    """A raising check refuses the origin; the exception is logged once per origin until the refusal expires."""
    clock = Clock()
    cache = CheckAnswers(OriginCheck(failing, ttl=10), clock=clock)
    with caplog.at_level(logging.ERROR, logger="cors"):
        for _ in range(5):
            assert cache(TENANT) is False
            assert cache("https://other.example") is False
        clock.now += 10
        assert cache(TENANT) is False
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("cors", logging.ERROR, f"origins: {__name__}.failing('{TENANT}') raised, so the origin is refused for 10 s"),
        ("cors", logging.ERROR, f"origins: {__name__}.failing('https://other.example') raised, so the origin is refused for 10 s"),
        ("cors", logging.ERROR, f"origins: {__name__}.failing('{TENANT}') raised, so the origin is refused for 10 s"),
    ]  # fmt: skip
    assert all(r.exc_info and r.exc_info[0] is ConnectionError for r in caplog.records)


def interrupted(origin: str) -> bool:
    """A check interrupted by the process's shutdown."""
    raise KeyboardInterrupt


def test_a_check_is_not_allowed_to_swallow_an_interrupt() -> None:
    """KeyboardInterrupt and SystemExit pass through: only an Exception is a refusal."""
    cache = CheckAnswers(OriginCheck(interrupted), clock=Clock())
    with pytest.raises(KeyboardInterrupt):
        cache(TENANT)


@pytest.mark.parametrize("result", [1, "yes", "False", [TENANT], None, 0], ids=repr)
def test_only_true_allows(result: object, caplog: pytest.LogCaptureFixture) -> None:
    """A result that is not a bool refuses the origin, truthy or not, and is logged as a mistake."""

    def sloppy(origin: str) -> bool:
        return result  # type: ignore[return-value]

    cache = CheckAnswers(OriginCheck(sloppy), clock=Clock())
    with caplog.at_level(logging.ERROR, logger="cors"), suppress_type_checks():
        assert cache(TENANT) is False
        assert cache(TENANT) is False
    assert [r.getMessage() for r in caplog.records] == [
        f"origins: {sloppy.__module__}.{sloppy.__qualname__}('{TENANT}') returned {result!r}, not a bool; "
        "only True allows an origin, so it is refused for 60 s"
    ]


def test_false_refuses_quietly(caplog: pytest.LogCaptureFixture) -> None:
    """A check that answers False logs nothing: a refusal is no error."""
    cache = CheckAnswers(OriginCheck(Tenants().allowed), clock=Clock())
    with caplog.at_level(logging.DEBUG, logger="cors"):
        assert cache(TENANT) is False
    assert caplog.records == []


def test_each_resolved_policy_keeps_its_own_answers() -> None:
    """Resolving a policy twice makes two caches; a matcher compiled once keeps one."""
    tenants = Tenants(TENANT)
    policy = CorsPolicy(origins=tenants.allowed)
    first, second = resolve(policy), resolve(policy)
    for resolved in (first, first, second, second):
        assert decide(resolved, CorsRequest("GET", TENANT)).allowed
    assert tenants.asked == [TENANT, TENANT]
    assert OriginMatcher.compile([OriginCheck(tenants.allowed)]).checks[0] is not first.match_origin.checks[0]


def test_several_checks_are_asked_in_turn() -> None:
    """With two checks, an origin either allows is allowed, by the one that said yes."""
    staff, tenants = Tenants("https://staff.example"), Tenants(TENANT)
    policy = resolve(CorsPolicy(origins=[staff.allowed, tenants.allowed]))
    assert decide(policy, CorsRequest("GET", TENANT)).allowed
    assert decide(policy, CorsRequest("GET", "https://staff.example")).allowed
    assert not decide(policy, CorsRequest("GET", "https://evil.example")).allowed


# --- Through Flask --------------------------------------------------------------


def flask_app(entry: str, tenants: Tenants) -> Flask:
    """An app whose /api/projects has a check, by decorator, decorator under config, extension or config key."""
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def projects() -> ResponseReturnValue:
        return {"projects": []}

    if entry == "decorator":
        view = cross_origin(origins=[SITE, tenants.allowed])(projects)
    elif entry == "decorator under config":
        app.config["CORS_MAX_AGE"] = 600  # the decorator's policy is resolved again over the config
        view = cross_origin(origins=[SITE, tenants.allowed])(projects)
    else:
        view = projects
        if entry == "config key":
            app.config["CORS_ORIGINS"] = [SITE, tenants.allowed]
            CORS(app, resources="/api/*")
        else:
            CORS(app, resources={"/api/*": {"origins": [SITE, tenants.allowed]}})
    app.add_url_rule("/api/projects", view_func=view, methods=["GET", "PUT"])
    return app


ENTRIES = ["decorator", "decorator under config", "extension", "config key"]


@pytest.mark.parametrize("entry", ENTRIES)
def test_flask_asks_once_across_requests(entry: str) -> None:
    """Fifty requests and preflights from one origin ask the check once: the resolved policy keeps its answers."""
    tenants = Tenants(TENANT)
    client = flask_app(entry, tenants).test_client()
    for _ in range(25):
        allowed = client.get("/api/projects", headers={"Origin": TENANT})
        assert allowed.headers[ACAO] == TENANT
        assert allowed.headers["Vary"] == "Origin"
        preflight = client.options("/api/projects", headers={"Origin": TENANT, "Access-Control-Request-Method": "PUT"})
        assert preflight.headers[ACAO] == TENANT
        refused = client.get("/api/projects", headers={"Origin": "https://evil.example"})
        assert ACAO not in refused.headers
        assert refused.headers["Vary"] == "Origin"
    assert tenants.asked == [TENANT, "https://evil.example"]


@pytest.mark.parametrize("entry", ENTRIES)
def test_flask_check_that_raises_never_makes_a_500(entry: str, caplog: pytest.LogCaptureFixture) -> None:
    """A raising check refuses the request (the view still answers 200, without CORS headers), logged once."""
    tenants = Tenants(TENANT)
    tenants.down = True
    client = flask_app(entry, tenants).test_client()
    with caplog.at_level(logging.ERROR, logger="cors"):
        for _ in range(3):
            actual = client.get("/api/projects", headers={"Origin": TENANT})
            assert actual.status_code == 200
            assert actual.json == {"projects": []}
            assert ACAO not in actual.headers
            preflight = client.options("/api/projects", headers={"Origin": TENANT, "Access-Control-Request-Method": "PUT"})
            assert preflight.status_code == 200
            assert ACAO not in preflight.headers
    assert len([r for r in caplog.records if "raised" in r.getMessage()]) == 1


@pytest.mark.parametrize("entry", ENTRIES)
def test_flask_check_is_called_inside_the_app_and_request_contexts(entry: str) -> None:
    """The check runs while the request is served, so it can reach the app (and its database) and the request."""
    seen: list[tuple[str, str]] = []

    def from_app(origin: str) -> bool:
        seen.append((current_app.name, request.path))
        return origin in current_app.config["TENANT_ORIGINS"]

    app = Flask("tenants")
    app.config["TENANT_ORIGINS"] = [TENANT]

    def projects() -> ResponseReturnValue:
        return "ok"

    if entry.startswith("decorator"):
        view = cross_origin(origins=from_app)(projects)
    else:
        view = projects
        if entry == "config key":
            app.config["CORS_ORIGINS"] = from_app
            CORS(app, resources="/api/*")
        else:
            CORS(app, resources={"/api/*": {"origins": from_app}})
    app.add_url_rule("/api/projects", view_func=view, methods=["GET", "PUT"])
    client = app.test_client()
    assert client.get("/api/projects", headers={"Origin": TENANT}).headers[ACAO] == TENANT
    preflight = client.options("/api/projects", headers={"Origin": "https://b.example", "Access-Control-Request-Method": "PUT"})
    assert ACAO not in preflight.headers
    assert seen == [("tenants", "/api/projects")] * 2


def test_write_protection_trusts_the_origins_the_check_allows() -> None:
    """With write_protection, a cross-site POST passes from an origin the check allows and gets refused from another."""
    tenants = Tenants(TENANT)
    policy = resolve(CorsPolicy(origins=[SITE, tenants.allowed], write_protection=True))
    tenant_post = decide(policy, CorsRequest("POST", TENANT, fetch_site="cross-site", host="api.example.com"))
    assert tenant_post.allowed
    assert tenant_post.headers[ACAO] == TENANT
    evil_post = decide(policy, CorsRequest("POST", "https://evil.example", fetch_site="cross-site", host="api.example.com"))
    assert not evil_post.allowed
    assert evil_post.refused_by == "write"
    assert tenants.asked == [TENANT, "https://evil.example"]
