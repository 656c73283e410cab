from tbdesk.boards.names import safe_name, safe_part, unique_names


def test_safe_name_keeps_readable_names() -> None:
    assert safe_name("lr=0.01") == "lr=0.01"
    assert safe_name("lr=0.01/fold-1") == "lr=0.01/fold-1"
    assert safe_name("Résumé run #3") == "Résumé run #3"


def test_safe_name_removes_what_could_escape_or_confuse() -> None:
    assert safe_name("../../etc/passwd") == "__/__/etc/passwd"
    assert safe_name("/abs/path") == "abs/path"
    assert safe_name("a\\..\\b") == "a/__/b"
    assert safe_name("./a//b/.") == "a/b"
    assert safe_name("bell\x07 and\nnewline\x00") == "bell andnewline"
    assert safe_name("") == "run"
    assert safe_name("///") == "run"
    assert safe_name("...") == "___"


def test_safe_part_bounds_the_length_in_bytes() -> None:
    part = safe_part("é" * 500)
    assert len(part.encode()) <= 120
    assert part == "é" * 60


def test_unique_names_adds_suffixes_in_order() -> None:
    assert unique_names(["a", "b", "a", "A", "a"]) == ["a", "b", "a (2)", "A (3)", "a (4)"]
    assert unique_names(["x/y", "x/y"]) == ["x/y", "x/y (2)"]
