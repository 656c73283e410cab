"""The demo's sweep: the how-to's ridge regression over seven alphas, for real, in a local workspace."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

from tbdesk.demo import sweep
from tbdesk.local import Experiment, Run, Workspace


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Run:
    ws = Workspace(tmp_path_factory.mktemp("sweep") / "workspace")
    (run,) = sweep.fill(ws)
    return run


def test_one_completed_root_run_with_a_child_run_per_alpha(root: Run) -> None:
    (found,) = Experiment.list(root.experiment.workspace, sweep.EXPERIMENT)
    assert [run.id for run in found.get_runs()] == [root.id]
    assert root.get_status() == "Completed"
    children = {child.display_name: child for child in root.get_children()}
    assert sorted(children) == [f"alpha{alpha}" for alpha in sweep.ALPHAS]
    assert all(child.get_status() == "Completed" for child in children.values())


def test_each_child_logs_its_alpha_and_a_plausible_mse(root: Run) -> None:
    errors = {}
    for child in root.get_children():
        metrics = child.get_metrics()
        assert set(metrics) == {"alpha", "mse"}
        assert child.display_name == f"alpha{metrics['alpha']}"
        assert child.get_tags()["alpha"] == str(metrics["alpha"])
        errors[metrics["alpha"]] = metrics["mse"]
    assert sorted(errors) == list(sweep.ALPHAS)
    # Diabetes progression has a variance near 6000: a fitted model does clearly better than that.
    assert all(2000 < mse < 6000 for mse in errors.values()), errors
    assert len(set(errors.values())) == len(sweep.ALPHAS)


def test_the_mse_is_the_test_error_of_the_fitted_model(root: Run) -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.metrics import mean_squared_error
    from sklearn.model_selection import train_test_split

    x, y = load_diabetes(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
    logged = {child.get_metrics()["alpha"]: child.get_metrics()["mse"] for child in root.get_children()}
    for alpha, mse in logged.items():
        model = Ridge(alpha=alpha).fit(x_train, y_train)
        assert mse == pytest.approx(mean_squared_error(y_test, model.predict(x_test)), rel=1e-12)


def test_the_root_run_logs_the_sweep_as_series_as_the_howto_does(root: Run) -> None:
    metrics = root.get_metrics()
    assert metrics["alpha"] == list(sweep.ALPHAS)
    children = {child.get_metrics()["alpha"]: child.get_metrics()["mse"] for child in root.get_children()}
    assert metrics["mse"] == [children[alpha] for alpha in sweep.ALPHAS]


def test_each_child_uploaded_its_model(root: Run, tmp_path: Path) -> None:
    from sklearn.linear_model import Ridge

    for child in root.get_children():
        alpha = child.get_metrics()["alpha"]
        (name,) = child.get_file_names()
        assert name == f"outputs/model_alpha_{alpha}.pkl"
        model = pickle.loads(child.download_file(name, tmp_path).read_bytes())
        assert isinstance(model, Ridge) and model.alpha == alpha


def test_without_scikit_learn_the_demo_leaves_the_sweep_out_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the bundle, which does not ship scikit-learn."""
    from tbdesk.demo import create_demo

    assert sweep.unavailable_reason() is None
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn` fail
    reason = sweep.unavailable_reason()
    assert reason is not None and "scikit-learn" in reason

    summary = create_demo(tmp_path / "ws")
    assert sweep.EXPERIMENT not in summary.experiments
    assert reason in summary.skipped
    with Workspace(tmp_path / "ws") as ws:
        assert Experiment.list(ws, sweep.EXPERIMENT) == []
