# Hand-written stubs for the parts of flask-restful the tests and demo use.
from typing import Any

from flask import Flask
from flask.views import MethodView

class Resource(MethodView): ...

class Api:
    def __init__(self, app: Flask | None = ..., prefix: str = ..., **kwargs: Any) -> None: ...
    def add_resource(self, resource: type[Resource], *urls: str, **kwargs: Any) -> None: ...
