"""Functions for origins of the wrong shape: each is an error before the code runs.

The format is that of misspelt_settings.py.
"""

from __future__ import annotations

from cors import OriginCheck, cross_origin


def tenant(origin: str) -> "Tenant | None":
    return None


class Tenant:
    pass


async def allowed_async(origin: str) -> bool:
    return True


def allowed_for(origin: str, path: str) -> bool:
    return True


# A function returning a row, not a bool: only True allows, so the checker says so.
# E: Argument "origins" to "cross_origin" has incompatible type "Callable[[str], Tenant | None]"; expected "str | Pattern[str] | OriginCheck | Callable[[str], bool] | Iterable[str | Pattern[str] | OriginCheck | Callable[[str], bool]] | None"
# P: Argument of type "(origin: str) -> (Tenant | None)" cannot be assigned to parameter "origins"
cross_origin(origins=tenant)  # type: ignore[arg-type]

# An async function returns a coroutine, which no request awaits.
# E: Argument 1 to "OriginCheck" has incompatible type "Callable[[str], Coroutine[Any, Any, bool]]"; expected "Callable[[str], bool]"
# P: Argument of type "(origin: str) -> CoroutineType[Any, Any, bool]" cannot be assigned to parameter "function"
OriginCheck(allowed_async)  # type: ignore[arg-type]

# The function is given the origin alone.
# E: List item 1 has incompatible type "Callable[[str, str], bool]"; expected "str | Pattern[str] | OriginCheck | Callable[[str], bool]"
# P: Argument of type "list[str | ((origin: str, path: str) -> bool)]" cannot be assigned to parameter "origins"
cross_origin(origins=["https://admin.example", allowed_for])  # type: ignore[list-item]

# E: Argument "ttl" to "OriginCheck" has incompatible type "str"; expected "timedelta | float"
# P: Argument of type "Literal['60']" cannot be assigned to parameter "ttl"
OriginCheck(lambda origin: True, ttl="60")  # type: ignore[arg-type]

# The cache settings are keywords.
# E: Too many positional arguments for "OriginCheck"
# P: Expected 1 positional argument
OriginCheck(lambda origin: True, 60)  # type: ignore[call-arg]
