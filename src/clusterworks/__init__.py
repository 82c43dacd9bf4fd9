"""Clusterworks: an open platform for innovation clusters and the programmes that support them."""

__version__ = "0.1.0"
