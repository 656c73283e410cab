"""The small OData subset run history filters use: `(ParentRunId eq null)`,
`(RootRunId eq 'x' and RunId ne 'x')`, `(Tags/k eq 'v')`, `(Status eq 'Completed' or ...)`, comparisons
of times. Anything else raises ValueError, which the server answers with 400."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(r"\s*(\(|\)|'(?:[^']|'')*'|[^\s()]+)")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}

Predicate = Callable[[Callable[[str], Any]], bool]


def parse(text: str) -> Predicate:
    """A predicate over a record, given a function that looks a field up by its OData name."""
    tokens = _TOKEN.findall(text)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError(f"filter ends too early: {text!r}")
        pos += 1
        return tokens[pos - 1]

    def literal(token: str) -> Any:
        if token.startswith("'"):
            return token[1:-1].replace("''", "'")
        if token == "null":
            return None
        if token in ("true", "false"):
            return token == "true"
        try:
            return float(token) if "." in token or "e" in token.lower() else int(token)
        except ValueError:
            return token  # an unquoted time such as 2024-05-01T08:00:00Z compares as text

    def primary() -> Predicate:
        if peek() == "(":
            take()
            inner = disjunction()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in {text!r}")
            return inner
        name, op, value = take(), take().lower(), literal(take())
        if op not in _OPS:
            raise ValueError(f"unknown operator {op!r} in {text!r}")
        compare = _OPS[op]
        return lambda lookup: compare(lookup(name), value)

    def conjunction() -> Predicate:
        parts = [primary()]
        while (peek() or "").lower() == "and":
            take()
            parts.append(primary())
        return lambda lookup: all(p(lookup) for p in parts)

    def disjunction() -> Predicate:
        parts = [conjunction()]
        while (peek() or "").lower() == "or":
            take()
            parts.append(conjunction())
        return lambda lookup: any(p(lookup) for p in parts)

    predicate = disjunction()
    if pos != len(tokens):
        raise ValueError(f"unexpected {tokens[pos]!r} in filter {text!r}")
    return predicate
