"""The demo experiment: softmax regression on the synthetic digits for three learning rates. Each
run is a training on the whole training set, scored on a held-out test set; its child runs are the
folds of a 3-fold cross-validation. Every run and child run writes TensorBoard logs (scalars,
histograms, images, text), uploads them as its `logs/` files, and logs the same scalars as metrics."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from tbdesk.demo.data import CLASSES, SIDE, Dataset, k_folds, make_digits
from tbdesk.demo.events import SummaryLog
from tbdesk.demo.pictures import confusion_picture, require_pillow, weight_tiles
from tbdesk.demo.softmax import SoftmaxModel, confusion_matrix
from tbdesk.local import Experiment, Run, Workspace

EXPERIMENT = "digits-softmax"
LEARNING_RATES = (0.01, 0.1, 1.0)
EPOCHS = 20
FOLDS = 3
BATCH_SIZE = 50
L2 = 1e-4
SEED = 2026
TRAINING_SAMPLES = 1200
TEST_SAMPLES = 600
# Steps at which the weight pictures are drawn (TensorBoard shows a slider over them).
PICTURE_STEPS = (0, EPOCHS // 2, EPOCHS)


def run_name(learning_rate: float) -> str:
    return f"lr={learning_rate:g}"


def _settings_table(learning_rate: float, train: Dataset, validation: Dataset) -> str:
    rows = [
        ("learning rate", f"{learning_rate:g}"),
        ("epochs", str(EPOCHS)),
        ("batch size", str(BATCH_SIZE)),
        ("L2 penalty", f"{L2:g}"),
        ("training pictures", str(len(train))),
        ("validation pictures", str(len(validation))),
    ]
    return "| setting | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def _about(title: str, learning_rate: float, train: Dataset, validation: Dataset) -> str:
    return (
        f"**{title}**\n\n"
        f"Softmax regression on {SIDE}x{SIDE} pictures of the digits 0-9 (a 5x7 pixel font at random "
        "offsets, with dropped ink and noise), trained by mini-batch gradient descent in numpy.\n\n"
        + _settings_table(learning_rate, train, validation)
    )


def _per_class_table(counts: np.ndarray) -> str:
    lines = ["| digit | precision | recall |", "|---|---|---|"]
    for c in range(counts.shape[0]):
        predicted, actual = counts[:, c].sum(), counts[c, :].sum()
        precision = counts[c, c] / predicted if predicted else 0.0
        recall = counts[c, c] / actual if actual else 0.0
        lines.append(f"| {c} | {precision:.3f} | {recall:.3f} |")
    return "\n".join(lines)


def fit(
    train: Dataset,
    validation: Dataset,
    learning_rate: float,
    *,
    seed: int,
    logdir: Path,
    run: Run,
    title: str,
    validated_on: str,
    notes: str = "",
) -> float:
    """Train one model, writing TensorBoard logs to logdir and the scalars to run's metrics;
    notes (markdown) go at the top of the run's results text. Returns the validation accuracy."""
    rng = np.random.default_rng(seed)
    model = SoftmaxModel.initial(SIDE * SIDE, CLASSES, rng)
    with SummaryLog(logdir) as log:
        log.text("about", _about(title, learning_rate, train, validation), step=0)
        log.hparams({"learning_rate": learning_rate, "validated_on": validated_on}, trial=title)
        for epoch in range(EPOCHS + 1):
            if epoch:  # step 0 is the untrained model
                model.sgd_epoch(train, learning_rate, BATCH_SIZE, L2, rng)
            train_loss, train_accuracy = model.evaluate(train)
            loss, accuracy = model.evaluate(validation)
            scalars = {
                "loss/train": train_loss,
                "loss/validation": loss,
                "accuracy/train": train_accuracy,
                "accuracy/validation": accuracy,
            }
            for name, value in scalars.items():
                log.scalar(name, value, step=epoch)
                run.log(name, value, step=epoch)
            log.histogram("weights", model.weights, step=epoch)
            log.histogram("biases", model.biases, step=epoch)
            if epoch in PICTURE_STEPS:
                png, width, height = weight_tiles(model.weights)
                log.image(
                    "weights_by_digit", png, width, height, step=epoch, description="weights of each digit"
                )
        confusion = confusion_matrix(validation.y, model.predict(validation.x), CLASSES)
        png, width, height = confusion_picture(confusion)
        log.image(
            "confusion_matrix", png, width, height, step=EPOCHS, description="rows: truth; columns: guess"
        )
        results = f"{notes}Validation accuracy {accuracy:.3f}\n\n" + _per_class_table(confusion)
        log.text("results", results, step=EPOCHS)
    return accuracy


def train_learning_rate(experiment: Experiment, learning_rate: float, data: Dataset, scratch: Path) -> Run:
    """One run of the experiment (with its cross-validation child runs); returns the completed run."""
    name = run_name(learning_rate)
    run = experiment.start_logging(display_name=name)
    try:
        run.tag("learning_rate", f"{learning_rate:g}")
        run.tag("model", "softmax regression")
        pool = data.subset(np.arange(TRAINING_SAMPLES))
        test = data.subset(np.arange(TRAINING_SAMPLES, len(data)))
        fold_accuracies = []
        for index, (train_index, validation_index) in enumerate(k_folds(len(pool), FOLDS), start=1):
            with run.child_run(f"fold-{index}") as child:
                child.tag("learning_rate", f"{learning_rate:g}")
                child.tag("fold", f"{index}/{FOLDS}")
                logdir = scratch / f"{name}-fold-{index}"
                accuracy = fit(
                    pool.subset(train_index),
                    pool.subset(validation_index),
                    learning_rate,
                    seed=SEED + index,
                    logdir=logdir,
                    run=child,
                    title=f"{EXPERIMENT} {name}, fold {index} of {FOLDS}",
                    validated_on=f"fold-{index}",
                )
                child.upload_folder("logs", str(logdir))
                fold_accuracies.append(accuracy)
        logdir = scratch / name
        folds_table = "| fold | validation accuracy |\n|---|---|\n" + "".join(
            f"| {i} | {a:.3f} |\n" for i, a in enumerate(fold_accuracies, start=1)
        )
        title = f"{EXPERIMENT} {name}, trained on every fold, scored on the test pictures"
        test_accuracy = fit(
            pool,
            test,
            learning_rate,
            seed=SEED,
            logdir=logdir,
            run=run,
            title=title,
            validated_on="test",
            notes=folds_table + "\n",
        )
        run.log(
            "cv_accuracy",
            float(np.mean(fold_accuracies)),
            description="mean validation accuracy of the folds",
        )
        run.log("test_accuracy", test_accuracy, description="accuracy on the held-out test pictures")
        run.upload_folder("logs", str(logdir))
    except BaseException:
        run.fail()
        raise
    run.complete()
    return run


def fill(workspace: Workspace) -> list[Run]:
    """Add one run per learning rate to the demo experiment of workspace; returns the runs."""
    require_pillow()
    experiment = Experiment(workspace, EXPERIMENT)
    data = make_digits(TRAINING_SAMPLES + TEST_SAMPLES, SEED)
    with tempfile.TemporaryDirectory(prefix="tbdesk-demo-") as scratch:
        return [train_learning_rate(experiment, lr, data, Path(scratch)) for lr in LEARNING_RATES]
