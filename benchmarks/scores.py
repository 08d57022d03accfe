"""Precision, recall and F1 from the counts of one labelled benchmark split (shared by the ``*_dev`` benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Counts:
    """How many items were found, how many of them were right, and how many were labelled."""

    found: int = 0
    right: int = 0
    labelled: int = 0

    @property
    def precision(self) -> float:
        """Right / found (1.0 when nothing was found)."""
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Right / labelled (1.0 when nothing was labelled)."""
        return self.right / self.labelled if self.labelled else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
