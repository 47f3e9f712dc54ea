"""Settings of the wrong type: each is an error before the code runs.

The format is that of misspelt_settings.py.
"""

from __future__ import annotations

from flask import Flask

from cors import CORS, CorsPolicy, cross_origin

app = Flask(__name__)

# E: Argument "supports_credentials" to "cross_origin" has incompatible type "str"; expected "bool"
# P: Argument of type "Literal['yes']" cannot be assigned to parameter "supports_credentials" of type "bool"
cross_origin(origins="https://a.example", supports_credentials="yes")  # type: ignore[arg-type]

# E: Argument "max_age" to "cross_origin" has incompatible type "list[int]"; expected "timedelta | int | str | None"
# P: Argument of type "list[int]" cannot be assigned to parameter "max_age"
cross_origin(max_age=[1])  # type: ignore[arg-type]

# E: Argument "max_age" to "cross_origin" has incompatible type "float"; expected "timedelta | int | str | None"
# P: Argument of type "float" cannot be assigned to parameter "max_age"
cross_origin(max_age=1.5)  # type: ignore[arg-type]

# E: Argument "origins" to "cross_origin" has incompatible type "int"; expected "str | Pattern[str] | OriginCheck | Callable[[str], bool] | Iterable[str | Pattern[str] | OriginCheck | Callable[[str], bool]] | None"
# P: Argument of type "Literal[3]" cannot be assigned to parameter "origins"
cross_origin(origins=3)  # type: ignore[arg-type]

# Bytes are an iterable of ints, not of origins.
# E: Argument "origins" to "cross_origin" has incompatible type "bytes"; expected "str | Pattern[str] | OriginCheck | Callable[[str], bool] | Iterable[str | Pattern[str] | OriginCheck | Callable[[str], bool]] | None"
# P: Argument of type "Literal[b"https://a.example"]" cannot be assigned to parameter "origins"
cross_origin(origins=b"https://a.example")  # type: ignore[arg-type]

# E: List item 1 has incompatible type "int"; expected "str | Pattern[str] | OriginCheck | Callable[[str], bool]"
# P: Argument of type "list[str | int]" cannot be assigned to parameter "origins"
cross_origin(origins=["https://a.example", 8080])  # type: ignore[list-item]

# E: Argument "methods" to "cross_origin" has incompatible type "int"; expected "str | Iterable[str] | None"
# P: Argument of type "Literal[1]" cannot be assigned to parameter "methods"
cross_origin(methods=1)  # type: ignore[arg-type]

# A flag given as None: the policy refuses it at run time too.
# E: Argument "send_wildcard" to "cross_origin" has incompatible type "None"; expected "bool"
# P: Argument of type "None" cannot be assigned to parameter "send_wildcard" of type "bool"
cross_origin(send_wildcard=None)  # type: ignore[arg-type]

# The only positional argument is a policy.
# E: Argument 1 to "cross_origin" has incompatible type "str"; expected "CorsPolicy | None"
# P: Argument of type "Literal['https://a.example']" cannot be assigned to parameter "policy"
cross_origin("https://a.example")  # type: ignore[arg-type]

# E: Argument "intercept_exceptions" to "CORS" has incompatible type "str"; expected "bool | None"
# P: Argument of type "Literal['no']" cannot be assigned to parameter "intercept_exceptions"
CORS(app, intercept_exceptions="no")  # type: ignore[arg-type]

# E: Argument "always_send" to "init_app" of "CORS" has incompatible type "int"; expected "bool"
# P: Argument of type "Literal[0]" cannot be assigned to parameter "always_send" of type "bool"
CORS().init_app(app, always_send=0)  # type: ignore[arg-type]

# E: Argument "origins" to "CorsPolicy" has incompatible type "int"; expected "str | Pattern[str] | OriginCheck | Callable[[str], bool] | Iterable[str | Pattern[str] | OriginCheck | Callable[[str], bool]] | Unset | None"
# P: Argument of type "Literal[3]" cannot be assigned to parameter "origins"
CorsPolicy(origins=3)  # type: ignore[arg-type]

# E: Argument "supports_credentials" to "CorsPolicy" has incompatible type "str"; expected "bool | Unset"
# P: Argument of type "Literal['yes']" cannot be assigned to parameter "supports_credentials"
CorsPolicy(supports_credentials="yes")  # type: ignore[arg-type]
