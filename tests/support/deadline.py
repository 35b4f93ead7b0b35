"""A guard against a stuck process: fail a block that runs for minutes, not a speed test.

Speed is measured by benchmarks (bench/); this only tells "finishes" from
"hangs" (a quadratic check on a hostile file once took 241 s), with a limit
far above any honest run on a busy machine.
"""

import signal
from collections.abc import Iterator
from contextlib import contextmanager


class Stuck(AssertionError):
    pass


@contextmanager
def finishes_within(seconds: float) -> Iterator[None]:
    def give_up(signum, frame):
        raise Stuck(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
