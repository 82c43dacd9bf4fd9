"""A region x activity matrix with its labels: what :meth:`Store.matrix` returns and what the
analytics functions (location quotients, strength, relatedness, complexity) take as ``values``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LabelledMatrix"]


@dataclass(frozen=True)
class LabelledMatrix:
    """A dense float64 matrix whose rows and columns carry labels.

    Attributes
    ----------
    rows : tuple of str
        Row labels (regions), sorted, unique.
    columns : tuple of str
        Column labels (activities: industries or clusters), sorted, unique.
    values : numpy.ndarray
        ``len(rows) x len(columns)`` float64. The store's convention: a region-activity pair with no
        fact is ``0.0`` (nothing reported: no employment); a suppressed fact, or an aggregate that
        includes one, is ``NaN`` unless the caller asked for suppressed cells to count as zero.
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=np.float64)
        if values.ndim != 2 or values.shape != (len(self.rows), len(self.columns)):
            raise ValueError(
                f"values has shape {values.shape}; expected (rows, columns) = "
                f"({len(self.rows)}, {len(self.columns)})"
            )
        for name, labels in (("rows", self.rows), ("columns", self.columns)):
            if len(set(labels)) != len(labels):
                raise ValueError(
                    f"{name} labels must be unique; got {len(labels) - len(set(labels))} repeats"
                )
        values.setflags(write=False)
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "values", values)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def row(self, label: str) -> np.ndarray:
        """The row of region ``label``."""
        try:
            return self.values[self.rows.index(label)]
        except ValueError:
            raise KeyError(f"no row {label!r}; rows are {self.rows[:5]}...") from None

    def column(self, label: str) -> np.ndarray:
        """The column of activity ``label``."""
        try:
            return self.values[:, self.columns.index(label)]
        except ValueError:
            raise KeyError(f"no column {label!r}; columns are {self.columns[:5]}...") from None

    def get(self, row: str, column: str) -> float:
        """The value at (``row``, ``column``)."""
        return float(self.row(row)[self.columns.index(column)])
