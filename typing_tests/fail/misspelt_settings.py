"""Misspelt settings: each is an error before the code runs.

Each case is one line. The comments above it give the errors it must raise:
``# E:`` mypy's message, ``# P:`` a part of pyright's. The ``# type: ignore``
keeps the project's own mypy run clean, and its warn_unused_ignores fails
that run if the error ever goes away; tests/test_typing.py strips the ignores
and compares the messages.
"""

from __future__ import annotations

from flask import Flask

from cors import CORS, CorsPolicy, cross_origin

app = Flask(__name__)

# E: Unexpected keyword argument "origin" for "cross_origin"; did you mean "origins"?
# P: No parameter named "origin"
cross_origin(origin="https://a.example")  # type: ignore[call-arg]

# E: Unexpected keyword argument "orgins" for "cross_origin"; did you mean "origins"?
# P: No parameter named "orgins"
cross_origin(orgins="https://a.example")  # type: ignore[call-arg]

# A misspelt name and a string for a flag: mypy reports both, pyright the first.
# E: Unexpected keyword argument "origin" for "cross_origin"; did you mean "origins"?
# E: Argument "supports_credentials" to "cross_origin" has incompatible type "str"; expected "bool"
# P: No parameter named "origin"
cross_origin(origin="https://a.example", supports_credentials="yes")  # type: ignore[call-arg, arg-type]

# E: Unexpected keyword argument "supports_credential" for "cross_origin"; did you mean "supports_credentials"?
# P: No parameter named "supports_credential"
cross_origin(origins="https://a.example", supports_credential=True)  # type: ignore[call-arg]

# E: Unexpected keyword argument "allow_header" for "cross_origin"; did you mean "allow_headers"?
# P: No parameter named "allow_header"
cross_origin(allow_header=["Content-Type"])  # type: ignore[call-arg]

# E: Unexpected keyword argument "maxage" for "cross_origin"; did you mean "max_age"?
# P: No parameter named "maxage"
cross_origin(maxage=600)  # type: ignore[call-arg]

# A setting that only CORS(app) has is not one of the decorator's.
# E: Unexpected keyword argument "resources" for "cross_origin"
# P: No parameter named "resources"
cross_origin(resources="/api/*")  # type: ignore[call-arg]

# E: Unexpected keyword argument "orgins" for "CORS"; did you mean "origins"?
# P: No parameter named "orgins"
CORS(app, orgins="*")  # type: ignore[call-arg]

# E: Unexpected keyword argument "resource" for "CORS"; did you mean "resources"?
# P: No parameter named "resource"
CORS(app, resource="/api/*")  # type: ignore[call-arg]

# E: Unexpected keyword argument "intercept_exception" for "CORS"; did you mean "intercept_exceptions"?
# P: No parameter named "intercept_exception"
CORS(app, intercept_exception=False)  # type: ignore[call-arg]

# E: Unexpected keyword argument "orgins" for "init_app" of "CORS"; did you mean "origins"?
# P: No parameter named "orgins"
CORS().init_app(app, orgins="*")  # type: ignore[call-arg]

# E: Unexpected keyword argument "orgins" for "CorsPolicy"; did you mean "origins"?
# P: No parameter named "orgins"
CorsPolicy(orgins="https://a.example")  # type: ignore[call-arg]

# E: Unexpected keyword argument "expose_header" for "CorsPolicy"; did you mean "expose_headers"?
# P: No parameter named "expose_header"
CorsPolicy(expose_header="X-Total")  # type: ignore[call-arg]
