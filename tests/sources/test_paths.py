"""Untrusted run file paths: what is refused (and why), what is kept as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from tbdesk.sources.paths import UnsafePathError, local_path, safe_relative

REFUSED = {
    "": "empty",
    "../x": "'..'",
    "logs/../../x": "'..'",
    "logs/./x": "'.'",
    "logs//x": "empty",
    "/etc/passwd": "absolute",
    "C:/Windows/x": "drive",
    "c:x": "drive",
    "logs\\..\\x": "backslashes",
    "\\\\server\\share\\x": "backslashes",
    "logs/%2e%2e/x": "percent escapes",
    "logs/..%2fx": "percent escapes",
    "logs/%2E%2E%5Cx": "percent escapes",
    "logs/a%00b": "percent escapes",
    "logs/a\x00b": "control characters",
    "logs/a\nb": "control characters",
    "logs/\uff0e\uff0e/x": "look-alikes",
    "logs/a\uff0fb": "look-alikes",
    "logs/a:stream": "colon",
    "logs/CON": "device name",
    "logs/nul.txt": "device name",
    "logs/com1.log": "device name",
    "logs/trailing.": "ends with a dot",
    "logs/trailing ": "ends with a dot or a space",
    "logs/" + "a" * 300: "too long",
    "logs/\ud800x": "not valid Unicode",  # a lone high surrogate
    "logs/\udcff": "not valid Unicode",  # a byte smuggled in by surrogateescape
}

KEPT = [
    "logs/events.out.tfevents.1714550400.host-1.1234.0",
    "logs/lr=0.01/fold-1/events.out.tfevents.1.x",
    "logs/plugins/profile/2024_05_01/host.trace.json.gz",
    "logs/métriques/événements",
    "logs/100%/x",  # a percent sign that escapes nothing
    "logs/%C3%A9t%C3%A9",  # escaped letters are only letters
    "logs/.hidden",
    "logs/a..b",
]


@pytest.mark.parametrize("path", list(REFUSED))
def test_hostile_paths_are_refused_with_the_reason(path: str) -> None:
    with pytest.raises(UnsafePathError, match=REFUSED[path]) as caught:
        safe_relative(path)
    assert repr(path) in str(caught.value)


@pytest.mark.parametrize("path", KEPT)
def test_ordinary_paths_are_kept_as_they_are(path: str, tmp_path: Path) -> None:
    assert str(safe_relative(path)) == path
    target = local_path(tmp_path, path)
    assert target == tmp_path.joinpath(*path.split("/"))


def test_a_link_in_the_folder_leading_out_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "run"
    (root / "logs").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (root / "logs" / "sub").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePathError, match="leads outside"):
        local_path(root, "logs/sub/x")
