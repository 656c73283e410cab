"""The demo's third experiment, when TensorFlow is at hand: the how-to's first option, offline.

Azure ML's "export run history to TensorBoard" how-to first shows a run that writes TensorBoard logs
itself (Keras's TensorBoard callback) and uploads them as the run's `logs/`. Here a small Keras
network learns scikit-learn's bundled digits (8x8 pictures, nothing downloaded) for a few epochs with
`tf.keras.callbacks.TensorBoard`, and its log folder (Keras's `train/` and `validation/` runs) becomes
the run's `logs/`.

TensorFlow stays out of tbdesk's own environment (it slows TensorBoard down and pins other
tensorboard/protobuf versions, ../../shared/PLATFORM.md): the training runs in a child process of a
Python that has it, `TBDESK_TF_PYTHON` or the current one. This file is that child's script too
(`python keras_run.py OUTDIR`): run as a script it imports only the standard library, TensorFlow and
scikit-learn, never tbdesk, and prints the training history as JSON on its last line of stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tbdesk.local import Run, Workspace

EXPERIMENT = "digits-keras"
ENV_VAR = "TBDESK_TF_PYTHON"
EPOCHS = 10
HIDDEN = 32
VALIDATION_SHARE = 0.25
SEED = 0
# A run takes about 7 s here, mostly TensorFlow's start-up: generous for a slow machine.
TIMEOUT_S = 300


def tensorflow_python() -> str | None:
    """The Python to train with: `TBDESK_TF_PYTHON` when set, else this one when it has TensorFlow,
    else None."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return configured
    # Looked for on disk, not through the import system: tbdesk never even tries to import
    # TensorFlow in its own process (tests/test_demo.py watches for that).
    if any((Path(folder or ".") / "tensorflow" / "__init__.py").is_file() for folder in sys.path):
        return sys.executable
    return None


def unavailable_reason() -> str:
    return (
        f"{EXPERIMENT} was left out: TensorFlow is not installed here "
        f"(set {ENV_VAR} to a Python that has TensorFlow and scikit-learn)"
    )


def train(python: str, logdir: Path) -> dict[str, list[float]]:
    """Train in a child process of `python`, Keras writing its TensorBoard logs to logdir; returns
    the history by metric (loss, accuracy, val_loss, val_accuracy), one value per epoch."""
    if not Path(python).exists():
        raise RuntimeError(f"{ENV_VAR} names {python}, which does not exist")
    # -I: the script's folder (tbdesk/demo) must not shadow top-level modules of TensorFlow's.
    command = [python, "-I", str(Path(__file__).resolve()), str(logdir)]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, env=environment, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"The Keras demo did not finish in {TIMEOUT_S} s ({python})") from error
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"The Keras demo failed with {python} (exit {done.returncode}):\n{tail}")
    history: dict[str, list[float]] = json.loads(lines[-1])
    return history


def fill(workspace: Workspace, python: str) -> list[Run]:
    """Add one run to the experiment: train with `python`, log the history and the final accuracy,
    upload Keras's log folder as the run's `logs/`; returns [run]."""
    from tbdesk.local import Experiment

    run = Experiment(workspace, EXPERIMENT).start_logging(display_name="keras dense")
    try:
        run.tag("model", f"keras dense {HIDDEN}-10")
        run.tag("data", "scikit-learn digits")
        run.tag("epochs", str(EPOCHS))
        with tempfile.TemporaryDirectory(prefix="tbdesk-keras-") as scratch:
            logdir = Path(scratch) / "logs"
            history = train(python, logdir)
            for name, values in sorted(history.items()):
                for epoch, value in enumerate(values, start=1):
                    run.log(name, value, step=epoch)
            run.log(
                "final_accuracy",
                history["val_accuracy"][-1],
                description="accuracy on the validation pictures after the last epoch",
            )
            run.upload_folder("logs", str(logdir))
    except BaseException:
        run.fail()
        raise
    run.complete()
    return [run]


def _main(logdir: str) -> None:
    """The child process: train and print the history as JSON (Keras prints its progress to stderr
    or not at all: verbose=0)."""
    import numpy as np
    import tensorflow as tf  # type: ignore[import-untyped]  # only in the TensorFlow venv
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    tf.keras.utils.set_random_seed(SEED)
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)  # pixel values are 0..16
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=VALIDATION_SHARE, random_state=SEED, stratify=y
    )
    model = tf.keras.Sequential(
        [
            tf.keras.Input(shape=(x.shape[1],)),
            tf.keras.layers.Dense(HIDDEN, activation="relu"),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callback = tf.keras.callbacks.TensorBoard(log_dir=logdir, histogram_freq=1)
    fitted = model.fit(
        x_train,
        y_train,
        epochs=EPOCHS,
        batch_size=32,
        validation_data=(x_val, y_val),
        callbacks=[callback],
        verbose=0,
    )
    history: dict[str, Any] = {name: [float(v) for v in values] for name, values in fitted.history.items()}
    print(json.dumps(history))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: keras_run.py OUTDIR")
    _main(sys.argv[1])
