"""Softmax regression trained by mini-batch gradient descent, in plain numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tbdesk.demo.data import Dataset


@dataclass
class SoftmaxModel:
    weights: np.ndarray  # (features, classes)
    biases: np.ndarray  # (classes,)

    @classmethod
    def initial(cls, features: int, classes: int, rng: np.random.Generator) -> SoftmaxModel:
        return cls(rng.normal(0.0, 0.01, size=(features, classes)), np.zeros(classes))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = x @ self.weights + self.biases
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        probabilities: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return probabilities

    def predict(self, x: np.ndarray) -> np.ndarray:
        classes: np.ndarray = np.argmax(x @ self.weights + self.biases, axis=1)
        return classes

    def evaluate(self, data: Dataset) -> tuple[float, float]:
        """Mean cross-entropy loss and accuracy on data."""
        p = self.probabilities(data.x)
        loss = -np.mean(np.log(p[np.arange(len(data)), data.y] + 1e-12))
        accuracy = np.mean(np.argmax(p, axis=1) == data.y)
        return float(loss), float(accuracy)

    def sgd_epoch(
        self, data: Dataset, learning_rate: float, batch_size: int, l2: float, rng: np.random.Generator
    ) -> None:
        order = rng.permutation(len(data))
        for start in range(0, len(order), batch_size):
            batch = data.subset(order[start : start + batch_size])
            p = self.probabilities(batch.x)
            p[np.arange(len(batch)), batch.y] -= 1.0
            p /= len(batch)
            self.weights -= learning_rate * (batch.x.T @ p + l2 * self.weights)
            self.biases -= learning_rate * p.sum(axis=0)


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """counts[i, j]: samples of class i predicted as j."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (truth, predicted), 1)
    return counts
