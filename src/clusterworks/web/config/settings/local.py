"""Settings for a single-machine instance (``clusterworks demo`` / ``serve``): the embedded default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env("CLUSTERWORKS_DEBUG", "0") == "1"
