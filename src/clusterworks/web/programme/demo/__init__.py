"""The programme demo (illustrative): see ``build``."""

from .build import build_programme_demo

__all__ = ["build_programme_demo"]
