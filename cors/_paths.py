"""Path patterns for app-wide rules: parsing at configuration time, matching per request.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.

How a pattern is read, first rule that applies:

1. ``"*"`` or ``"/*"``: every path.
2. ``"/prefix/*"`` (no other special characters): ``/prefix`` and every path
   below it, so ``"/api/*"`` matches ``/api`` and ``/api/users`` but not
   ``/apiary`` or ``/api-internal``.
3. A string with no regular-expression metacharacters: exactly that path.
   ``+`` and ``.`` count as literal here, as they are common in paths,
   except in ``.+`` and ``.*``.
4. Any other string, or a compiled ``re.Pattern``: a regular expression that
   must match the *whole* path (``fullmatch``), case-sensitively.

Paths are compared as Flask routed them: percent-decoded once, never again.
"""

from __future__ import annotations

import re

import attrs

from ._errors import CorsConfigError
from ._origins import REGEX_METACHARACTERS

# "+" and "." alone do not make a path a regex: "/service+path" is literal.
_PATH_METACHARACTERS = REGEX_METACHARACTERS - {"+"}

PathSpec = str | re.Pattern[str]
"""One path pattern: a string (see the module docstring) or a compiled regex."""


@attrs.frozen
class PathPattern:
    """A compiled path pattern.

    Attributes:
        spec: The pattern as configured.
        exact: The one path matched, for an exact pattern.
        prefix: The path matched with everything below it, for ``/prefix/*``
            (empty for every path).
        regex: The regular expression, for a regex pattern.
    """

    spec: PathSpec
    exact: str | None = None
    prefix: str | None = None
    regex: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, spec: PathSpec) -> PathPattern:
        """Read one configured pattern.

        Raises:
            CorsConfigError: The pattern is not a path, is an invalid regular
                expression, or ends in a bare ``*`` whose meaning is unclear.
        """
        if isinstance(spec, re.Pattern):
            if not isinstance(spec.pattern, str):
                msg = f"resources: {spec!r} is a bytes pattern; compile a str pattern instead."
                raise CorsConfigError(msg)
            return cls(spec, regex=spec)
        if not isinstance(spec, str):
            msg = f"resources: {spec!r} is a {type(spec).__name__}; give path patterns as strings."
            raise CorsConfigError(msg)
        if spec in ("*", "/*"):
            return cls(spec, prefix="")
        special = _PATH_METACHARACTERS.intersection(spec) | ({".+"} if ".+" in spec else set())
        if spec.endswith("/*") and not _PATH_METACHARACTERS.intersection(spec[:-2]):
            if not spec.startswith("/"):
                msg = f"resources: {spec!r} is not a path; did you mean {'/' + spec!r}?"
                raise CorsConfigError(msg)
            return cls(spec, prefix=spec[:-2])
        if not special:
            if not spec.startswith("/"):
                msg = f"resources: {spec!r} is not a path; did you mean {'/' + spec!r}?"
                raise CorsConfigError(msg)
            return cls(spec, exact=spec)
        if special == {"*"} and spec.endswith("*") and spec[-2:] != ".*":
            base = spec.rstrip("*").rstrip("/")
            msg = (
                f"resources: {spec!r} is ambiguous; write {base + '/*'!r} for {base!r} and "
                f"every path below it, or a regular expression such as {base + '.*'!r}."
            )
            raise CorsConfigError(msg)
        try:
            return cls(spec, regex=re.compile(spec))
        except re.error as exc:
            msg = f"resources: {spec!r} is not a valid regular expression ({exc})."
            raise CorsConfigError(msg) from None

    def __call__(self, path: str) -> bool:
        """Tell whether a request path matches."""
        if self.prefix is not None:
            return (
                not self.prefix
                or path == self.prefix
                or (path.startswith(self.prefix) and path[len(self.prefix)] == "/")
            )
        if self.exact is not None:
            return path == self.exact
        assert self.regex is not None
        return self.regex.fullmatch(path) is not None
