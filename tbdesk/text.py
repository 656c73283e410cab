"""Small helpers for the words tbdesk shows people."""


def count(number: int, noun: str) -> str:
    """'1 run', '2 runs', '1,000 points': a number with its noun, plural when it is not one."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
