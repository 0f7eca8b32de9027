"""The per-conversation rate limit: a burst, then a few messages a second."""

from __future__ import annotations

from bot.directline.limits import BURST, RATE_PER_SECOND, RateLimiter


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_let_through_then_the_next_message_is_refused() -> None:
    limiter = RateLimiter(clock=Clock())
    allowed = [limiter.allow("c") for _ in range(int(BURST) + 1)]
    assert allowed == [True] * int(BURST) + [False]
    assert limiter.retry_after("c") == 1


def test_after_a_pause_a_few_messages_a_second_get_through() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    while limiter.allow("c"):
        pass
    clock.now += 1.0
    let_through = 0
    while limiter.allow("c"):
        let_through += 1
    assert let_through == int(RATE_PER_SECOND)


def test_a_person_answering_every_second_is_never_refused() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for _ in range(200):
        assert limiter.allow("c")
        clock.now += 1.0


def test_one_conversation_flooding_does_not_limit_another() -> None:
    limiter = RateLimiter(clock=Clock())
    while limiter.allow("flood"):
        pass
    assert limiter.allow("quiet")
    assert limiter.retry_after("quiet") == 0


def test_quiet_conversations_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for number in range(1500):
        limiter.allow(f"c{number}")
        clock.now += 0.1
    assert len(limiter._buckets) < 1100
