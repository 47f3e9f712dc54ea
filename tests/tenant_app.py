"""A SaaS app whose tenants register their front ends' origins in its database.

Flask-SQLAlchemy over SQLite holds the tenants; ``origins`` asks the table
through an ``OriginCheck``. ``create_app()`` with no arguments reads the
database file and the time-to-live from ``TENANTS_DATABASE`` and
``TENANTS_TTL``, so that ``gunicorn 'tests.tenant_app:create_app()'`` starts
it in each worker process.
"""

from __future__ import annotations

import os

from flask import Flask
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cors import CORS, OriginCheck

ADMIN = "https://admin.example.com"


class Base(DeclarativeBase):
    """The models' base."""


db = SQLAlchemy(model_class=Base)


class Tenant(Base):
    """A customer, and the origin its front end is served from."""

    __tablename__ = "tenant"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    origin: Mapped[str] = mapped_column(unique=True)


def tenant_origin_allowed(origin: str) -> bool:
    """A page may read the API when a tenant registered its origin."""
    return db.session.scalar(select(Tenant.id).where(Tenant.origin == origin)) is not None


def whoami() -> ResponseReturnValue:
    """The worker process that answered."""
    return {"pid": os.getpid()}


def create_app(database: str | None = None, ttl: float | None = None) -> Flask:
    """The app over a SQLite file, its tenants' answers kept for ``ttl`` seconds."""
    app = Flask(__name__)
    path = database or os.environ["TENANTS_DATABASE"]
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    db.init_app(app)
    check = OriginCheck(tenant_origin_allowed, ttl=ttl or float(os.environ.get("TENANTS_TTL", "60")))
    CORS(app, resources={"/api/*": {"origins": [ADMIN, check]}})
    app.add_url_rule("/api/whoami", view_func=whoami)
    return app


def close_databases(app: Flask) -> None:
    """Close the pooled connections of the app's Flask-SQLAlchemy engines, if it has any.

    Python 3.13 warns of a SQLite connection left open until garbage collection.
    """
    extension = app.extensions.get("sqlalchemy")
    if isinstance(extension, SQLAlchemy):
        with app.app_context():
            for engine in extension.engines.values():
                engine.dispose()
