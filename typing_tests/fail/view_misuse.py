"""A decorated view keeps its signature: calling it wrongly is an error.

The format is that of misspelt_settings.py.
"""

from __future__ import annotations

from cors import cross_origin


@cross_origin(origins="https://a.example")
def user(user_id: int) -> dict[str, int]:
    """A typed view."""
    return {"user_id": user_id}


@cross_origin(origins="https://a.example")
async def report(year: int) -> str:
    """A typed async view."""
    return str(year)


# E: Argument 1 to "user" has incompatible type "str"; expected "int"
# P: Argument of type "Literal['7']" cannot be assigned to parameter "user_id" of type "int"
user("7")  # type: ignore[arg-type]

# E: Incompatible types in assignment (expression has type "dict[str, int]", variable has type "str")
# P: Type "dict[str, int]" is not assignable to declared type "str"
name: str = user(7)  # type: ignore[assignment]

# The async view still returns a coroutine, to be awaited.
# E: Incompatible types in assignment (expression has type "Coroutine[Any, Any, str]", variable has type "str")
# P: Type "CoroutineType[Any, Any, str]" is not assignable to declared type "str"
text: str = report(2026)  # type: ignore[assignment]
