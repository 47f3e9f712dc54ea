"""Path rules with a misspelt or mistyped setting: each is an error before the code runs.

The format is that of misspelt_settings.py. In a dict literal of rules, mypy
and pyright point at the rule, not at the key inside it: a rule is a policy
or a dict of settings, so neither can tell which of the two was meant.
Written as ``CorsSettings(...)`` or annotated, a rule's keys are named.
"""

from __future__ import annotations

from flask import Flask

from cors import CORS, CorsSettings

app = Flask(__name__)

# E: Dict entry 0 has incompatible type "str": "dict[str, list[str]]"; expected "Any": "CorsPolicy | CorsSettings"
# P: Argument of type "dict[str, dict[str, list[str]]]" cannot be assigned to parameter "resources"
CORS(app, resources={"/api/*": {"orgins": ["https://a.example"]}})  # type: ignore[dict-item]

# E: Dict entry 0 has incompatible type "str": "dict[str, int]"; expected "Any": "CorsPolicy | CorsSettings"
# P: Argument of type "dict[str, dict[str, int]]" cannot be assigned to parameter "resources"
CORS(app, resources={"/api/*": {"origins": 3}})  # type: ignore[dict-item]

# A rule is a dict of settings, not the origins alone.
# E: Dict entry 0 has incompatible type "str": "str"; expected "Any": "CorsPolicy | CorsSettings"
# P: Argument of type "dict[str, str]" cannot be assigned to parameter "resources"
CORS(app, resources={"/api/*": "https://a.example"})  # type: ignore[dict-item]

# E: List item 0 has incompatible type "tuple[str, dict[str, list[str]]]"; expected "str | Pattern[str] | tuple[str | Pattern[str], CorsPolicy | CorsSettings]"
# P: Argument of type "list[tuple[str, dict[str, list[str]]]]" cannot be assigned to parameter "resources"
CORS(app, resources=[("/api/*", {"orgins": ["https://a.example"]})])  # type: ignore[list-item]

# E: Extra key "orgins" for TypedDict "CorsSettings"
# P: No overloads for "__init__" match the provided arguments
CORS(app, resources={"/api/*": CorsSettings(orgins=["https://a.example"])})  # type: ignore[typeddict-unknown-key]

# E: Extra key "orgins" for TypedDict "CorsSettings"
# P: "orgins" is an undefined item in type "CorsSettings"
ANNOTATED: dict[str, CorsSettings] = {"/api/*": {"orgins": ["https://a.example"]}}  # type: ignore[typeddict-unknown-key]

# E: Argument "resources" to "CORS" has incompatible type "int"; expected "str | Pattern[str] | Mapping[Any, CorsPolicy | CorsSettings] | Sequence[str | Pattern[str] | tuple[str | Pattern[str], CorsPolicy | CorsSettings]] | None"
# P: Argument of type "Literal[3]" cannot be assigned to parameter "resources"
CORS(app, resources=3)  # type: ignore[arg-type]

# A set of patterns has no order, and rules are tried in order.
# E: Argument "resources" to "CORS" has incompatible type "set[str]"; expected "str | Pattern[str] | Mapping[Any, CorsPolicy | CorsSettings] | Sequence[str | Pattern[str] | tuple[str | Pattern[str], CorsPolicy | CorsSettings]] | None"
# P: Argument of type "set[str]" cannot be assigned to parameter "resources"
CORS(app, resources={"/api/*", "/admin/*"})  # type: ignore[arg-type]

# A module-level dict of rules is inferred as a plain dict, which is not a rule
# mapping: annotate it (docs/typing.md). The price of checking rule literals.
RULES = {"/api/*": {"origins": ["https://a.example"]}}
# E: Argument "resources" to "CORS" has incompatible type "dict[str, dict[str, list[str]]]"; expected "str | Pattern[str] | Mapping[Any, CorsPolicy | CorsSettings] | Sequence[str | Pattern[str] | tuple[str | Pattern[str], CorsPolicy | CorsSettings]] | None"
# P: Argument of type "dict[str, dict[str, list[str]]]" cannot be assigned to parameter "resources"
CORS(app, resources=RULES)  # type: ignore[arg-type]
