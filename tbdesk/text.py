"""Small helpers for the words tbdesk shows people."""


def count(number: int, noun: str) -> str:
    """'1 run', '2 runs', '1,000 points': a number with its noun, plural when it is not one."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def byte_size(size: int) -> str:
    """'812 B', '1.2 KB', '3.4 MB', '1.1 GB' (binary multiples, as file managers show them)."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
