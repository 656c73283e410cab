"""A real TensorBoard (Rust data server) serving exported folders: every point of every tag, text,
images, and the sweep in the HPARAMS tab."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from export_helpers import tensorboard
from export_samples import ALPHAS, Sample, every_kind, ridge_sweep, run_sync, trials_sweep

from tbdesk.export import export_runs, write_metrics
from tbdesk.export.convert import seconds
from tbdesk.model import Metric, MetricKind, MetricPoint


@pytest.fixture
def exported(sample: Sample, tmp_path: Path) -> tuple[Path, Sample, list[str]]:
    # two sweeps land in one folder: the HPARAMS tab must show both
    ids = [every_kind(sample.workspace), ridge_sweep(sample.workspace), trials_sweep(sample.workspace)]
    logdir = tmp_path / "logdir"
    run_sync(export_runs(sample.source, [sample.run(i) for i in ids], logdir))
    # A big run written with the low-level helper, one wall time per step (one Event per step).
    from datetime import UTC, datetime

    steps = 20_000
    rng = np.random.default_rng(3)
    metrics = []
    start = datetime(2024, 5, 6, tzinfo=UTC).timestamp()
    for tag in ("big/a", "big/b", "big/c"):
        values = rng.normal(size=steps)
        points = tuple(
            MetricPoint(i, datetime.fromtimestamp(start + i * 0.5, UTC), float(v))
            for i, v in enumerate(values)
        )
        metrics.append(Metric(tag, MetricKind.SCALAR, points))
    write_metrics(metrics, logdir / "big")
    return logdir, sample, ids


def test_tensorboard_serves_every_point(exported: tuple[Path, Sample, list[str]]) -> None:
    logdir, sample, ids = exported
    kinds = sample.run(ids[0])
    metrics = {m.name: m for m in run_sync(sample.source.metrics(kinds))}
    with tensorboard(logdir) as board:
        runs = board.wait_for(lambda: (r := board.get("data/runs")) and "big" in r and r)
        assert "every kind" in runs
        assert {f"ridge sweep/alpha{a}" for a in ALPHAS} <= set(runs)

        def scalars(run: str, tag: str) -> list[list[float]]:
            data: list[list[float]] = board.get("data/plugin/scalars/scalars", run=run, tag=tag)
            return data

        loss = board.wait_for(lambda: scalars("every kind", "loss"))
        assert [(p[1], p[0]) for p in loss] == [
            (p.step, pytest.approx(seconds(p.time), abs=1e-6)) for p in metrics["loss"].points
        ]
        assert [p[2] for p in loss] == pytest.approx([p.value for p in metrics["loss"].points])
        # TensorBoard sends NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
        odd = [float(p[2]) for p in scalars("every kind", "odd")]
        assert math.isnan(odd[0]) and odd[1:] == [math.inf, -math.inf]
        assert [p[2] for p in scalars("every kind", "table/x")] == [1.0, 2.0, 3.0]
        assert [p[2] for p in scalars("every kind", "epoch/acc")] == pytest.approx([0.1, 0.6])
        for tag in ("big/a", "big/b", "big/c"):
            points = board.wait_for(lambda tag=tag: (s := scalars("big", tag)) and len(s) == 20_000 and s)
            assert [p[1] for p in points] == list(range(20_000))
            assert points[-1][0] == pytest.approx(seconds(metrics_time(19_999)), abs=1e-6)

        tags = board.get("data/plugin/text/tags")
        assert "note" in tags["every kind"]
        texts = board.get("data/plugin/text/text", run="every kind", tag="note")
        assert [t["step"] for t in texts] == [0, 1]
        assert "second note" in texts[1]["text"]

        images = board.get("data/plugin/images/images", run="every kind", tag="picture")
        assert len(images) == 2
        with __import__("urllib.request").request.urlopen(
            board.url(
                "data/plugin/images/individualImage", blob_key=images[0]["query"].split("blob_key=")[-1]
            )
        ) as response:
            assert response.read().startswith(b"\x89PNG")


def metrics_time(step: int) -> object:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(datetime(2024, 5, 6, tzinfo=UTC).timestamp() + step * 0.5, UTC)


def test_hparams_tab_shows_both_sweeps(exported: tuple[Path, Sample, list[str]]) -> None:
    logdir, _, _ = exported
    sessions = len(ALPHAS) + 3
    with tensorboard(logdir) as board:
        experiment = board.wait_for(
            lambda: (
                (e := board.post("data/plugin/hparams/experiment", {"experimentName": ""}))
                and len(e.get("hparamInfos", [])) >= 2
                and e
            )
        )
        infos = {h["name"]: h for h in experiment["hparamInfos"]}
        assert {"alpha", "lr"} <= set(infos)
        assert infos["alpha"]["type"] == infos["lr"]["type"] == "DATA_TYPE_FLOAT64"
        assert {"mse", "loss"} <= {m["name"]["tag"] for m in experiment["metricInfos"]}
        request = {
            "experimentName": "",
            "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
            "colParams": [
                {"hparam": "alpha"},
                {"hparam": "lr"},
                {"metric": {"tag": "mse", "group": ""}},
                {"metric": {"tag": "loss", "group": ""}},
            ],
            "startIndex": 0,
            "sliceSize": 100,
        }
        groups = board.wait_for(
            lambda: (
                (g := board.post("data/plugin/hparams/session_groups", request))
                and len(g.get("sessionGroups", [])) == sessions
                and g
            )
        )["sessionGroups"]
        ridge = [g for g in groups if "alpha" in g["hparams"]]
        rows = sorted(
            (group["hparams"]["alpha"], {m["name"]["tag"]: m["value"] for m in group["metricValues"]})
            for group in ridge
        )
        assert [alpha for alpha, _ in rows] == pytest.approx(list(ALPHAS))
        assert all(metrics["mse"] > 0 for _, metrics in rows)
        trials = sorted(g["hparams"]["lr"] for g in groups if "lr" in g["hparams"])
        assert trials == pytest.approx([0.01, 0.1, 1.0])
        statuses = {s["status"] for g in groups for s in g["sessions"]}
        assert statuses == {"STATUS_SUCCESS"}
