"""Results kept in this process's memory until their data change.

Analyses that read a whole cluster (a pathway pipeline, a collaboration network, a recommender index)
cost seconds; the pages that show them are read far more often than the data change. A :class:`Kept`
keeps the most recently used results, each under a key and a *version* of the data it was computed
from (usually :func:`~clusterworks.web.core.page_cache.data_version`, which every audited write
increases; an imported dataset's own identity when only its rows matter). A result is never served
for another version; older versions of the same key are dropped when a new one is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings


class Kept:
    """At most ``settings.<size_setting>`` results, or ``size`` for a fixed number (0: nothing is
    kept, everything is recomputed)."""

    def __init__(self, size_setting: str | None = None, *, size: int | None = None):
        if (size_setting is None) == (size is None):
            raise ValueError("give a size_setting or a fixed size, not both")
        self.size_setting, self.size = size_setting, size
        self._entries: OrderedDict[tuple[Hashable, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, key: Hashable, version: Hashable, compute: Callable[[], Any], *, only_if_kept: bool = False
    ) -> Any:
        """``compute()``'s result for ``key`` at ``version``, computed once and then kept.

        With ``only_if_kept`` nothing is computed: None unless kept. What is returned is shared:
        callers must not change it.
        """
        size = self.size if self.size_setting is None else getattr(settings, self.size_setting)
        if not size:
            return None if only_if_kept else compute()
        entry = (key, version)
        with self._lock:
            value = self._entries.get(entry)
            if value is not None:
                self._entries.move_to_end(entry)
                return value
        if only_if_kept:
            return None
        # computed outside the lock: two requests may both compute it once, rather than queue behind it
        value = compute()
        with self._lock:
            self._entries[entry] = value
            for stale in [e for e in self._entries if e[0] == key and e != entry]:
                del self._entries[stale]
            while len(self._entries) > size:
                self._entries.popitem(last=False)
        return value

    def forget(self) -> None:
        """Drop everything kept (tests, whose rolled-back databases reuse data versions)."""
        with self._lock:
            self._entries.clear()
