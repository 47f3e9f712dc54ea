"""Origins from a real database: Flask-SQLAlchemy on SQLite, in one process and in two gunicorn workers.

A row added to the tenants table allows its origin within the time-to-live,
with no restart; the table is not queried per request. Waits are bounded by
count: each poll sleeps a little and the loop gives up after many polls, a
time-out that only catches a hang. No wall-clock time is asserted.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from flask import Flask

from tests.tenant_app import ADMIN, Tenant, close_databases, create_app, db

ROOT = Path(__file__).resolve().parent.parent
ACME = "https://shop.acme.example"
GLOBEX = "https://app.globex.example"
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"
POLL_S = 0.02
POLLS = 5000
"""At most POLLS polls of POLL_S seconds (100 s) for an answer due within a ttl of a second or less."""
SOCKET_TIMEOUT_S = 60.0
MakeApp = Callable[[Path, float], Flask]
"""``create_app`` for a database file and a ttl."""


def add_tenant(database: Path, name: str, origin: str) -> None:
    """Insert a tenant as another process would: through its own connection to the file."""
    engine = sqlalchemy.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(sqlalchemy.insert(Tenant).values(name=name, origin=origin))
    engine.dispose()


def remove_tenant(database: Path, origin: str) -> None:
    """Delete a tenant through its own connection to the file."""
    engine = sqlalchemy.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(sqlalchemy.delete(Tenant).where(Tenant.origin == origin))
    engine.dispose()


@pytest.fixture
def make_app() -> Iterator[MakeApp]:
    """``create_app``, with each app's database connections closed when the test ends."""
    apps: list[Flask] = []

    def make(database: Path, ttl: float) -> Flask:
        apps.append(create_app(str(database), ttl=ttl))
        return apps[-1]

    yield make
    for app in apps:
        close_databases(app)


@pytest.fixture
def database(tmp_path: Path, make_app: MakeApp) -> Path:
    """A SQLite file with the tenants table and one tenant, Acme."""
    path = tmp_path / "tenants.db"
    with make_app(path, 60).app_context():
        db.create_all()
        db.session.add(Tenant(name="Acme", origin=ACME))
        db.session.commit()
    return path


def queries(app: Flask) -> list[str]:
    """Every SQL statement the app's engine runs from now on."""
    statements: list[str] = []
    with app.app_context():
        sqlalchemy.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def test_registered_tenant_is_allowed_and_others_refused(database: Path, make_app: MakeApp) -> None:
    """Acme's origin and the listed admin origin are allowed; an unknown origin and null are refused."""
    client = make_app(database, 60).test_client()
    for origin in (ACME, ADMIN):
        response = client.get("/api/whoami", headers={"Origin": origin})
        assert response.headers[ACAO] == origin
        assert response.headers["Vary"] == "Origin"
    for origin in (EVIL, "null", "https://shop.acme.example.evil.example", "http://shop.acme.example"):
        response = client.get("/api/whoami", headers={"Origin": origin})
        assert response.status_code == 200
        assert ACAO not in response.headers, origin
        assert response.headers["Vary"] == "Origin"


def test_table_is_queried_once_per_origin_and_ttl(database: Path, make_app: MakeApp) -> None:
    """A hundred requests from two origins query the table twice: once per origin, allowed or refused."""
    app = make_app(database, 60)
    statements = queries(app)
    client = app.test_client()
    for _ in range(50):
        assert client.get("/api/whoami", headers={"Origin": ACME}).headers[ACAO] == ACME
        assert ACAO not in client.get("/api/whoami", headers={"Origin": EVIL}).headers
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    client.get("/api/whoami", headers={"Origin": "null"})
    client.get("/api/whoami", headers={"Origin": "https://Shop.acme.example"})
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def poll(client: Any, origin: str, allowed: bool) -> int:
    """Ask until the answer for the origin is as expected; return the number of polls it took."""
    for count in range(1, POLLS + 1):
        response = client.get("/api/whoami", headers={"Origin": origin})
        if (response.headers.get(ACAO) == origin) is allowed:
            return count
        time.sleep(POLL_S)
    pytest.fail(f"{origin} still {'refused' if allowed else 'allowed'} after {POLLS} polls")


def test_added_row_is_allowed_and_removed_row_refused_without_restart(database: Path, make_app: MakeApp) -> None:
    """A refused origin, once its tenant is added, is allowed within the ttl; removed, refused again."""
    client = make_app(database, 0.2).test_client()
    assert ACAO not in client.get("/api/whoami", headers={"Origin": GLOBEX}).headers
    add_tenant(database, "Globex", GLOBEX)
    poll(client, GLOBEX, allowed=True)
    remove_tenant(database, GLOBEX)
    poll(client, GLOBEX, allowed=False)
    assert client.get("/api/whoami", headers={"Origin": ACME}).headers[ACAO] == ACME
    assert ACAO not in client.get("/api/whoami", headers={"Origin": EVIL}).headers


def test_a_missing_table_refuses_without_a_500(tmp_path: Path, caplog: pytest.LogCaptureFixture, make_app: MakeApp) -> None:
    """With no tenants table (a failing query), requests are refused, answered by the view, and logged once."""
    client = make_app(tmp_path / "empty.db", 60).test_client()
    with caplog.at_level("ERROR", logger="cors"):
        for _ in range(3):
            response = client.get("/api/whoami", headers={"Origin": ACME})
            assert response.status_code == 200
            assert ACAO not in response.headers
        assert client.get("/api/whoami", headers={"Origin": ADMIN}).headers[ACAO] == ADMIN
    errors = [r for r in caplog.records if r.exc_info]
    assert len(errors) == 1
    assert isinstance(errors[0].exc_info[1], sqlalchemy.exc.OperationalError)  # type: ignore[index]


# --- Two gunicorn workers ---------------------------------------------------------


def gunicorn() -> list[str]:
    """The command that runs gunicorn with this interpreter; missing, the test skips (fails under CI)."""
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        message = "gunicorn is not installed (it is in the dev extra)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [sys.executable, "-m", "gunicorn"]


@pytest.fixture
def workers(database: Path, tmp_path: Path) -> Iterator[int]:
    """``gunicorn -w 2`` serving the app on a loopback socket the test made; yields its port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    env = {**os.environ, "TENANTS_DATABASE": str(database), "TENANTS_TTL": "0.5", "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [*gunicorn(), "--workers", "2", "--bind", f"fd://{listener.fileno()}", "--chdir", str(ROOT),
         "--graceful-timeout", "5", "tests.tenant_app:create_app()"],
        pass_fds=[listener.fileno()], env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    listener.close()  # the server holds its own copy
    try:
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=SOCKET_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=SOCKET_TIMEOUT_S)
        log.close()


def ask(port: int, origin: str) -> tuple[int, bool, str]:
    """One request on a new connection: the worker's pid, whether the origin was allowed, and the Vary header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SOCKET_TIMEOUT_S)
    try:
        connection.request("GET", "/api/whoami", headers={"Origin": origin, "Connection": "close"})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body
        return json.loads(body)["pid"], response.getheader(ACAO) == origin, response.getheader("Vary") or ""
    finally:
        connection.close()


def answers_by_worker(port: int, origin: str) -> dict[int, bool]:
    """Eight requests at once, so that a busy worker leaves some to the other: each worker's last answer."""
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: ask(port, origin), range(8)))
    assert all(vary == "Origin" for _, _, vary in results)
    return {pid: allowed for pid, allowed, _ in results}


def until(port: int, origin: str, allowed: bool, seen: set[int] | None = None) -> set[int]:
    """Poll until two workers have each answered the origin as expected; return their pids."""
    done: set[int] = set()
    for _ in range(POLLS):
        for pid, answer in answers_by_worker(port, origin).items():
            if answer is allowed:
                done.add(pid)
            else:
                done.discard(pid)
        if len(done) >= 2:
            return done
        time.sleep(POLL_S)
    pytest.fail(f"{origin}: only workers {sorted(done)} answered allowed={allowed} after {POLLS} polls")


def wait_for_server(port: int) -> None:
    """Poll until the server answers at all (its workers import the app first)."""
    for _ in range(POLLS):
        try:
            ask(port, ADMIN)
            return
        except (ConnectionError, OSError):
            time.sleep(POLL_S)
    pytest.fail(f"gunicorn did not answer on port {port} after {POLLS} polls")


def test_two_gunicorn_workers_both_see_a_new_tenant(workers: int, database: Path) -> None:
    """Both worker processes refuse Globex (and keep that answer), then both allow it once its row is added."""
    port = workers
    wait_for_server(port)
    pids = until(port, GLOBEX, allowed=False)
    assert len(pids) == 2
    assert until(port, ACME, allowed=True) == pids
    add_tenant(database, "Globex", GLOBEX)
    assert until(port, GLOBEX, allowed=True) == pids
    assert until(port, EVIL, allowed=False) == pids
