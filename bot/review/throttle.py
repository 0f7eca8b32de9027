"""Failed logins counted per client address, so one address cannot try account after account.

Each account locks itself after a few wrong passwords in a row; this stops the
other attack, a few guesses at each of many accounts from one place. Past
`limit` failures within the window, an address must wait until the oldest of
them is out of the window. Kept in this process's memory: behind a load
balancer each instance counts what reaches it, which still slows a script to
a crawl. The address is `request.remote`, which the bot sets from a trusted
proxy's header when it is told to trust one.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

TIDY_EVERY = 1000


class AddressThrottle:
    """At most `limit` failed logins per address in any `window_seconds`."""

    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def wait_seconds(self, address: str) -> int:
        """Whole seconds this address must wait before trying again; 0 if it may try now."""
        now = self._clock()
        failures = self._recent(address, now)
        if len(failures) < self.limit:
            return 0
        return max(1, math.ceil(failures[0] + self.window - now))

    def failed(self, address: str) -> None:
        """Count a failed login from this address."""
        now = self._clock()
        if len(self._failures) >= TIDY_EVERY:
            self._tidy(now)
        self._recent(address, now).append(now)

    def _recent(self, address: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(address, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def _tidy(self, now: float) -> None:
        for address in list(self._failures):
            if not self._recent(address, now):
                del self._failures[address]
