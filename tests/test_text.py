from tbdesk.text import byte_size, count


def test_count_says_one_thing_or_many() -> None:
    assert [count(n, "run") for n in (0, 1, 2, 1234)] == ["0 runs", "1 run", "2 runs", "1,234 runs"]


def test_byte_size_in_binary_units() -> None:
    assert [byte_size(n) for n in (0, 812, 2048, 3 * 1024**2 + 400 * 1024, 5 * 1024**4)] == [
        "0 B",
        "812 B",
        "2.0 KB",
        "3.4 MB",
        "5120.0 GB",
    ]
