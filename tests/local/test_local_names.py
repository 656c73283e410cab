"""Names and texts that cannot be stored (lone surrogates) or that hide control characters are
refused with a clear InvalidNameError before anything is written; the rule is the same for
experiment names, run names (display names) and metric names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tbdesk.local import Experiment, Run, Workspace
from tbdesk.local.names import InvalidNameError
from tbdesk.model import RunStatus

SURROGATE = "bad\udc80name"  # what os.fsdecode makes of the undecodable byte 0x80


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace(tmp_path / "ws") as workspace:
        yield workspace


@pytest.fixture
def run(ws: Workspace) -> Run:
    return Experiment(ws, "e").start_logging(display_name="fine")


def test_lone_surrogates_in_names_are_a_clear_error(ws: Workspace, run: Run) -> None:
    with pytest.raises(InvalidNameError, match=r"experiment name .* not valid Unicode text.*position 3"):
        Experiment(ws, SURROGATE)
    with pytest.raises(InvalidNameError, match=r"metric name .* not valid Unicode text"):
        run.log(SURROGATE, 1.0)
    with pytest.raises(InvalidNameError, match=r"metric name .* not valid Unicode text"):
        run.log_list(SURROGATE, [1.0, 2.0])
    with pytest.raises(InvalidNameError, match=r"run name .* not valid Unicode text"):
        Experiment(ws, "e").start_logging(display_name=SURROGATE)
    with pytest.raises(InvalidNameError, match=r"run name .* not valid Unicode text"):
        run.child_run(SURROGATE)
    with pytest.raises(InvalidNameError, match=r"run name .* not valid Unicode text"):
        run.display_name = SURROGATE
    assert [e.name for e in Experiment.list(ws)] == ["e"]
    assert [r.id for r in Experiment(ws, "e").get_runs(include_children=True)] == [run.id]
    assert run.get_metrics() == {} and run.display_name == "fine"


@pytest.mark.parametrize(
    "attempt",
    [
        lambda run: run.log("text", SURROGATE),
        lambda run: run.log("x", 1.0, description=SURROGATE),
        lambda run: run.tag(SURROGATE, "v"),
        lambda run: run.tag("k", SURROGATE),
        lambda run: run.add_properties({"k": SURROGATE}),
    ],
    ids=["string value", "description", "tag key", "tag value", "property value"],
)
def test_texts_that_cannot_be_stored_are_refused(run: Run, attempt: Callable[[Run], None]) -> None:
    with pytest.raises(InvalidNameError, match="not valid Unicode text"):
        attempt(run)
    assert run.get_metrics() == {} and run.get_tags() == {} and run.get_properties() == {}


@pytest.mark.parametrize("name", ["tab\there", "new\nline", "esc\x1b[31m", "rlo\u202eevil", "sep\u2028"])
def test_control_characters_are_refused_alike_in_every_kind_of_name(
    ws: Workspace, run: Run, name: str
) -> None:
    for attempt in (
        lambda: Experiment(ws, name),
        lambda: run.log(name, 1.0),
        lambda: Experiment(ws, "e").start_logging(display_name=name),
        lambda: run.child_run(name),
    ):
        with pytest.raises(InvalidNameError, match="control characters"):
            attempt()
    with pytest.raises(InvalidNameError, match="control characters"):
        run.display_name = name
    assert run.display_name == "fine"


def test_run_names_may_hold_slashes_and_be_long_up_to_the_limit(ws: Workspace, run: Run) -> None:
    child = run.child_run("lr=0.1/fold 1")
    assert child.display_name == "lr=0.1/fold 1"
    with pytest.raises(InvalidNameError, match="at most 250"):
        run.child_run("x" * 251)
    run.display_name = "é" * 250
    assert run.display_name == "é" * 250


def test_an_error_message_with_a_lone_surrogate_is_kept_escaped(ws: Workspace, run: Run) -> None:
    run.fail(f"cannot open {SURROGATE}")
    assert run.get_status() == RunStatus.FAILED
    assert run.get_details()["error"]["error"]["message"] == "cannot open bad\\udc80name"
