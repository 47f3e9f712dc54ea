"""The decorator gives back a view of the same type (never run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from typing_extensions import assert_type

from cors import cross_origin

app = Flask(__name__)


def hello() -> str:
    """A sync view."""
    return "hello"


async def counts() -> dict[str, int]:
    """An async view."""
    return {"n": 1}


def user(user_id: int, *, verbose: bool = False) -> dict[str, int]:
    """A view with arguments."""
    return {"user_id": user_id}


decorate = cross_origin(origins="https://a.example")
assert_type(decorate(hello), Callable[[], str])
assert_type(decorate(user)(1, verbose=True), dict[str, int])


async def client() -> None:
    """Awaiting the decorated async view gives the view's result."""
    assert_type(await decorate(counts)(), dict[str, int])
    assert_type(await counts_view(), dict[str, int])


@app.route("/hello")
@cross_origin(origins="https://a.example")
def hello_view() -> str:
    """Decorated under a route."""
    return "hello"


@app.get("/counts")
@cross_origin(origins="https://a.example", max_age=600)
async def counts_view() -> dict[str, int]:
    """An async view, decorated under a route."""
    return {"n": 1}


assert_type(hello_view(), str)


class Items(MethodView):
    """A class-based view with a decorated method and a decorators list."""

    # Annotated: Flask 3.0 types View.decorators as list[Callable[..., Any]] only loosely.
    decorators: ClassVar[list[Callable[..., Any]]] = [cross_origin(origins="https://a.example")]

    @cross_origin(origins="https://b.example", methods=["PUT"])
    def put(self, item_id: int) -> ResponseReturnValue:
        """A decorated method."""
        return {"id": item_id}


assert_type(Items().put(1), ResponseReturnValue)
app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
