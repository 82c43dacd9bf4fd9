"""The recommender's errors."""

from __future__ import annotations

__all__ = ["RecommendError"]


class RecommendError(ValueError):
    """An argument of the recommender is not allowed; the message names it and what is allowed."""
