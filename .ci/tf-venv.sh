#!/usr/bin/env bash
# TensorFlow lives in its own venv, .venv-tf: in the app's .venv it would slow TensorBoard down and
# pull other tensorboard/protobuf pins (../shared/PLATFORM.md). Only tests and the demo use it, through
# TBDESK_TF_PYTHON (tests default to .venv-tf/bin/python): TensorFlow's own event reader checks the
# export, and the demo's Keras run trains with it. Idempotent: does nothing when the venv has these
# pins and TensorFlow imports.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv-tf
# Known good together on CPython 3.11, manylinux x86_64 wheels (about 45 s and 1.7 GB).
PINS="tensorflow-cpu==2.20.0 keras==3.15.1 numpy==2.4.6 protobuf==7.36.2 scikit-learn==1.7.2"

if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.tbdesk-pins" 2>/dev/null)" = "$PINS" ] \
    && "$VENV/bin/python" -c "import tensorflow, sklearn" >/dev/null 2>&1; then
    exit 0
fi
rm -f "$VENV/.tbdesk-pins"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# shellcheck disable=SC2086  # one word per pin
"$VENV/bin/python" -m pip install --quiet $PINS
"$VENV/bin/python" -c "import tensorflow, sklearn" >/dev/null 2>&1
echo "$PINS" > "$VENV/.tbdesk-pins"
