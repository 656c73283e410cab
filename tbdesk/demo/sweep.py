"""The demo's second experiment: the how-to's hyperparameter sweep, for real and offline.

Azure ML's "export run history to TensorBoard" how-to fits scikit-learn's Ridge regression on the
diabetes data set (bundled with scikit-learn, so nothing is downloaded) for alpha in 0.1 ... 0.7,
one child run per alpha, and logs alpha and the test set's mean squared error. Those runs write no
TensorBoard files: they are what export is for (and the HPARAMS tab shows the sweep).

The how-to logs alpha and mse on the root run (a series over the sweep); we log them on each child
run as well, which is what makes each alpha a session of the hparams table.
"""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

from tbdesk.demo.pictures import HOW_TO_ADD, DemoUnavailable
from tbdesk.local import Experiment, Run, Workspace

EXPERIMENT = "diabetes-ridge"
ALPHAS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
TEST_SIZE = 0.2
SEED = 0


def child_name(alpha: float) -> str:
    """The how-to's child run names: "alpha0.1", ..."""
    return f"alpha{alpha:g}"


def unavailable_reason() -> str | None:
    """Why the sweep cannot be made here (scikit-learn is missing, as in the bundle), or None."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        missing = "it fits models with scikit-learn, which is not installed"
        return f"{EXPERIMENT} was left out: {missing}: {HOW_TO_ADD}"
    return None


def require_sklearn() -> None:
    """Fail before the demo writes anything when scikit-learn is missing."""
    reason = unavailable_reason()
    if reason is not None:
        raise DemoUnavailable(reason)


def fill(workspace: Workspace) -> list[Run]:
    """Add one sweep (a root run with a child run per alpha) to the experiment; returns [root]."""
    require_sklearn()
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.metrics import mean_squared_error
    from sklearn.model_selection import train_test_split

    x, y = load_diabetes(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=TEST_SIZE, random_state=SEED)
    root = Experiment(workspace, EXPERIMENT).start_logging(display_name="alpha sweep")
    try:
        root.tag("model", "ridge regression")
        root.tag("data", "scikit-learn diabetes")
        with tempfile.TemporaryDirectory(prefix="tbdesk-sweep-") as scratch:
            for alpha in ALPHAS:
                with root.child_run(child_name(alpha)) as run:
                    run.tag("alpha", f"{alpha:g}")
                    model = Ridge(alpha=alpha).fit(x_train, y_train)
                    mse = float(mean_squared_error(y_test, model.predict(x_test)))
                    run.log("alpha", alpha)
                    run.log("mse", mse, description="mean squared error on the test set")
                    root.log("alpha", alpha)
                    root.log("mse", mse)
                    model_file = Path(scratch) / f"model_alpha_{alpha:g}.pkl"
                    model_file.write_bytes(pickle.dumps(model))
                    run.upload_file(f"outputs/{model_file.name}", model_file)
    except BaseException:
        root.fail()
        raise
    root.complete()
    return [root]
