"""Decoding the harness's type-tagged values outside the sandbox, without evaluating anything."""

from typing import Any


class Opaque:
    """A value the harness could only describe (an object of a class we do not compare)."""

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return f"<{self.description}>"


def decode(tagged: Any) -> Any:
    """The value encoded by harness.encode; malformed input (the candidate can write to the
    result pipe too) becomes an Opaque that equals nothing."""
    if not isinstance(tagged, dict) or len(tagged) != 1:
        return Opaque("malformed value")
    ((tag, body),) = tagged.items()
    try:
        return _decode_tag(tag, body)
    except (TypeError, ValueError, OverflowError):
        return Opaque("malformed value")


def _decode_tag(tag: str, body: Any) -> Any:
    if tag == "none":
        return None
    if tag == "bool":
        return bool(body)
    if tag == "str":
        return str(body)
    if tag == "int":
        return int(body)
    if tag == "float":
        return float(body)  # accepts "nan", "inf" and "-inf"
    if tag == "complex":
        return complex(float(body[0]), float(body[1]))
    if tag in ("list", "tuple"):
        items = [decode(item) for item in body]
        return items if tag == "list" else tuple(items)
    if tag == "set":
        return frozenset(decode(item) for item in body)  # hashable, and equal to a set
    if tag == "dict":
        return dict((decode(key), decode(value)) for key, value in body)
    if tag == "repr":
        return Opaque(str(body))
    return Opaque(f"unknown value type {tag!r}")
