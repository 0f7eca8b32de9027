"""A limit on how fast one conversation may send: a token bucket per conversation.

A person tapping buttons sends a message a second at most; a script sends
hundreds. The bucket lets a short burst through and then a few a second.
Kept in this process's memory: behind a load balancer each instance limits
what reaches it, which still stops a flood.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

RATE_PER_SECOND: Final = 3.0
BURST: Final = 10.0
# Forget a conversation's bucket once it has been full this long.
IDLE_SECONDS: Final = 60.0
TIDY_EVERY: Final = 1000


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Allows `rate` messages a second per conversation, with bursts of up to `burst`."""

    def __init__(
        self,
        rate: float = RATE_PER_SECOND,
        burst: float = BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, conversation_id: str) -> bool:
        """Whether this conversation may send one more message now (and count it if so)."""
        now = self._clock()
        if len(self._buckets) >= TIDY_EVERY:
            self._tidy(now)
        bucket = self._buckets.setdefault(conversation_id, _Bucket(self.burst, now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def retry_after(self, conversation_id: str) -> int:
        """Whole seconds until the conversation may send again."""
        bucket = self._buckets.get(conversation_id)
        if bucket is None or bucket.tokens >= 1:
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self.rate))

    def _tidy(self, now: float) -> None:
        """Drop the buckets of conversations that have gone quiet."""
        full_after = self.burst / self.rate + IDLE_SECONDS
        self._buckets = {
            conversation: bucket
            for conversation, bucket in self._buckets.items()
            if now - bucket.at < full_after
        }
